import Glibc
import OCI

/// What `create` and `restore` do alike for a container that is born:
/// read and check the bundle, write its first record, make its cgroups.
extension Runtime {
    /// config.json, decoded and validated, with what needs no side effect
    /// checked: unsupported fields, the terminal against the console
    /// socket, the cgroups path.
    func loadCheckedBundle(_ options: CreateOptions, id: String) throws -> Bundle {
        let bundle = try Bundle.load(options.bundle)
        let spec = bundle.spec
        for property in bundle.unknownProperties {
            log.warnUser("config.json: \(property): unknown property, ignored")
        }
        for warning in capabilityWarnings(spec.process?.capabilities, at: "process.capabilities") {
            log.warnUser("config.json: \(warning)")
        }
        try UnsupportedFeatures.check(spec)
        let ownUserNamespace = (spec.linux?.namespaces ?? []).contains { $0.type == "user" }
        if RuntimeBinarySeal.exposes(spec.process?.capabilities, ownUserNamespace: ownUserNamespace) {
            try RuntimeBinarySeal.ensure()
        }
        let terminal = spec.process?.terminal == true
        if !terminal && options.consoleSocket != nil {
            throw RuntimeError("--console-socket: only valid when process.terminal is true")
        }
        if terminal && options.consoleSocket == nil && !options.proxyTerminal {
            throw RuntimeError("process.terminal: a terminal needs --console-socket")
        }
        try CgroupPathResolver.validate(spec.linux?.cgroupsPath, id: id, systemd: systemdCgroup)
        return bundle
    }

    /// The record a new container starts with (status `creating`), naming
    /// the cgroups it is about to get, and their driver.
    func firstRecord(id: String, bundle: Bundle, layout: CgroupLayout) throws -> (ContainerRecord, any CgroupDriver) {
        let spec = bundle.spec
        let ownPidNS = (spec.linux?.namespaces ?? []).contains { $0.type == "pid" && ($0.path ?? "").isEmpty }
        var record = ContainerRecord(id: id, bundle: bundle.path, rootfs: bundle.rootfs,
                                     created: Clock.rfc3339(nanos: true), owner: "",
                                     annotations: spec.annotations, ownPidNamespace: ownPidNS)
        record.keep(spec)
        let cgroups = try layout.driver(cgroupsPath: spec.linux?.cgroupsPath, id: id, systemd: systemdCgroup)
        // Recorded before they exist: should this process die half-way,
        // delete removes what it made, and only that.
        record.cgroupDriver = cgroups.kind
        record.cgroupPaths = cgroups.paths
        record.createdCgroupDirs = cgroups.missingDirectories()
        return (record, cgroups)
    }

    /// Makes the cgroups swrun owns, records what it made, and applies the
    /// device rules and limits.
    func makeCgroups(_ cgroups: any CgroupDriver, record: inout ContainerRecord, spec: Spec) throws {
        let planned = record.createdCgroupDirs
        record.createdCgroupDirs = []
        record.createdCgroupDirs = try cgroups.create()
        if Set(record.createdCgroupDirs) != Set(planned) {
            // Another process made or removed one meanwhile.
            try store.save(record)
        }
        try cgroups.checkNotFrozen()
        try cgroups.apply(deviceRules: try DeviceRule.rules(for: spec))
        try cgroups.apply(spec.linux?.resources)
    }
}
