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
        if geteuid() != 0 && !ownUserNamespace {
            // Every mount would fail with EPERM: say what is missing instead.
            throw RuntimeError("linux.namespaces: uid \(geteuid()) is not root: the container needs a user namespace (spec --rootless makes one)")
        }
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
        try CgroupPathResolver.validate(spec.linux?.cgroupsPath, id: id, systemd: systemdCgroup,
                                        defaultSlice: systemdInstance.defaultSlice)
        return bundle
    }

    /// The record a new container starts with (status `creating`), naming
    /// the cgroups it is about to get, and their driver; `withoutCgroup`
    /// when a rootless caller may not write one (then it gets none).
    func firstRecord(id: String, bundle: Bundle, layout: CgroupLayout) throws
        -> (record: ContainerRecord, cgroups: any CgroupDriver, withoutCgroup: Bool) {
        let spec = bundle.spec
        let ownPidNS = (spec.linux?.namespaces ?? []).contains { $0.type == "pid" && ($0.path ?? "").isEmpty }
        var record = ContainerRecord(id: id, bundle: bundle.path, rootfs: bundle.rootfs,
                                     created: Clock.rfc3339(nanos: true), owner: "",
                                     annotations: spec.annotations, ownPidNamespace: ownPidNS)
        record.keep(spec)
        var cgroups = try layout.driver(cgroupsPath: spec.linux?.cgroupsPath, id: id, systemd: systemdCgroup,
                                        instance: systemdInstance)
        let why = try RootlessCgroups.skip(cgroups, spec: spec, rootless: rootlessCgroups)
        if let why {
            log.debug("rootless: running without a cgroup: \(why)")
            cgroups = CgroupDrivers.make(cgroups.kind, ContainerCgroups(hierarchies: [], paths: []))
        }
        // Recorded before they exist: should this process die half-way,
        // delete removes what it made, and only that.
        record.cgroupDriver = cgroups.kind
        record.cgroupPaths = cgroups.paths
        record.createdCgroupDirs = cgroups.missingDirectories()
        return (record, cgroups, why != nil)
    }

    /// The systemd manager of a new container's scope: the caller's own
    /// user manager when its cgroups are rootless (runc's rule).
    var systemdInstance: SystemdInstance { .caller(rootless: rootlessCgroups) }

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
        guard !cgroups.paths.isEmpty else { return }
        try cgroups.checkNotFrozen()
        let deviceRules = try DeviceRule.rules(for: spec)
        do {
            try cgroups.apply(deviceRules: deviceRules)
        } catch where rootlessCgroups {
            // As runc: device rules take privileges a rootless caller lacks
            // (v1 devices files, a BPF program), even in a cgroup delegated
            // to it; its container only has host nodes its user may open.
            log.debug("rootless: device rules not applied: \(error)")
        }
        try cgroups.apply(spec.linux?.resources)
    }
}
