import Glibc
import OCI

/// Containers as transient systemd scopes, as runc's systemd driver makes
/// them (`linux.cgroupsPath` "slice:prefix:name", or `--systemd-cgroup`):
/// systemd creates the scope's cgroup, with Delegate=yes, when it adopts
/// the init, so nothing of it exists before the clone. Device rules and
/// resources given before then are applied once it does; every file is
/// then written as the host's layout driver writes it. On v1 and hybrid
/// hosts (runc's legacy manager) systemd makes the scope's directory in
/// the hierarchies it manages; swrun makes it in the others (cpuset,
/// freezer, ...) and joins the init there, as runc does.
/// A rootless container's scope is its user's manager's (`instance`),
/// below user@UID.service: only the controllers delegated there serve it.
public final class SystemdDriver: CgroupDriver {
    public let cgroups: ContainerCgroups
    public var kind: CgroupDriverKind { .systemd }
    let unit: SystemdCgroupPath
    let instance: SystemdInstance
    private let files: any CgroupDriver
    private let manager: () throws -> SystemdManager
    private var deferredRules: [DeviceRule]?
    private var deferredResources: LinuxResources?
    private var resourcesDeferred = false

    /// `cgroups`: the host's hierarchies (the v2 one alone on a unified
    /// host) and the scope's directory in each.
    init(_ cgroups: ContainerCgroups, unit: SystemdCgroupPath, instance: SystemdInstance = .system,
         manager: (() throws -> SystemdManager)? = nil) {
        self.cgroups = cgroups
        self.unit = unit
        self.instance = instance
        self.files = CgroupDrivers.make(CgroupDrivers.derivedKind(cgroups.hierarchies), cgroups)
        self.manager = manager ?? { try instance.connect() }
    }

    /// Not the v2 hierarchy alone: systemd's legacy (v1 or hybrid) mode.
    var legacy: Bool { !cgroups.hierarchies.allSatisfy(\.isV2) }

    /// The scope's directory where systemd surely makes it: the v2 one
    /// (hybrid hosts too), else the pids or memory hierarchy's.
    var dir: String {
        let pairs = Array(zip(cgroups.hierarchies, cgroups.paths))
        let primary = pairs.first { $0.0.isV2 }
            ?? pairs.first { $0.0.controllers.contains("pids") || $0.0.controllers.contains("memory") }
        return primary?.1 ?? cgroups.paths.first ?? ""
    }
    private var started: Bool { Sys.exists(dir + "/cgroup.procs") }

    /// The scope is systemd's to make: only its directories are recorded,
    /// so that delete removes them should systemd not (and, on v1, those
    /// swrun makes in the hierarchies systemd does not manage).
    public func missingDirectories() -> [String] { started ? [] : cgroups.paths }

    public func create() throws -> [String] {
        if started {
            throw RuntimeError("linux.cgroupsPath: the systemd unit \(unit.unit) exists already", path: dir)
        }
        return cgroups.paths
    }

    /// The scope does not exist yet: a frozen slice would freeze it.
    public func checkNotFrozen() throws {
        let slice = String(dir[..<(dir.lastIndex(of: "/") ?? dir.endIndex)])
        let events = (try? Sys.readText(slice + "/cgroup.events")) ?? ""
        if events.split(separator: "\n").contains("frozen 1") {
            throw RuntimeError("container's cgroup is frozen: \(slice) (the slice \(unit.slice)); thaw it first")
        }
    }

    public func openCloneTarget() -> Int32 { -1 }

    public var createdWithTheInit: Bool { true }

    public func undoCreate(_ made: [String]) { destroy() }

    /// Once the scope exists, a process joins it through its cgroup.procs;
    /// a user manager's scope takes only moves whose source cgroup is the
    /// user's too (v2 asks for write access to the common ancestor), so
    /// from elsewhere the manager is asked to move it: it asks the system
    /// manager in turn, which moves a process of the same uid.
    public func add(pid: Int32, role: String) throws {
        if !started {
            try startScope(pid: pid)
            if legacy { try joinUnmanagedHierarchies(pid: pid, role: role) }
            if let rules = deferredRules { try files.apply(deviceRules: rules) }
            if resourcesDeferred { try files.apply(deferredResources) }
            return
        }
        do {
            try files.add(pid: pid, role: role)
        } catch let e as RuntimeError where instance != .system && (e.errno == EACCES || e.errno == EPERM) {
            do {
                try manager().call("AttachProcessesToUnit", [.string(unit.unit), .string(""), .uint32s([UInt32(pid)])])
            } catch let s as SystemdError {
                throw RuntimeError("\(e); then \(instance.name) could not move \(role) (pid \(pid)) into \(unit.unit): \(s.name): \(s.message)")
            }
            try awaitMember(pid)
        }
    }

    /// A user manager's scope gets no device program: loading one takes
    /// CAP_BPF or CAP_SYS_ADMIN in the initial user namespace.
    public func apply(deviceRules: [DeviceRule]) throws {
        if case let .user(uid) = instance {
            throw RuntimeError("linux.resources.devices: uid \(uid) cannot attach a BPF device program to its scope \(unit.unit) (that takes CAP_BPF)")
        }
        if started { try files.apply(deviceRules: deviceRules) } else { deferredRules = deviceRules }
    }

    public func apply(_ resources: LinuxResources?) throws {
        try checkDelegated(resources)
        if started { return try files.apply(resources) }
        deferredResources = resources
        resourcesDeferred = true
    }

    /// A user manager passes on only the controllers systemd delegated to
    /// user@UID.service (its cgroup.controllers): a limit needing another
    /// is refused, naming the field, before anything is made.
    func checkDelegated(_ resources: LinuxResources?) throws {
        guard case let .user(uid) = instance, let resources,
              let managerDir = SystemdInstance.managerDirectory(of: dir) else { return }
        let needed = ResourceControllers.v2(resources)
        guard !needed.isEmpty else { return }
        let file = managerDir + "/cgroup.controllers"
        let text: String
        do { text = try Sys.readText(file) } catch let e as RuntimeError {
            throw RuntimeError("read the controllers delegated to uid \(uid)", path: file, errno: e.errno)
        }
        let delegated = Set(text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
        if let (controller, field) = needed.first(where: { !delegated.contains($0.controller) }) {
            let list = delegated.isEmpty ? "none" : delegated.sorted().joined(separator: " ")
            throw RuntimeError("\(field) needs the \(controller) controller, which systemd does not delegate to uid \(uid): remove the limit or delegate it (Delegate= in a drop-in for user@.service); delegated are \(list) in",
                               path: file)
        }
    }

    /// The files, and the unit's properties too: a `systemctl
    /// daemon-reload` writes the unit's values back into its cgroup.
    public func update(_ resources: LinuxResources) throws {
        try checkDelegated(resources)
        let m = try manager()
        let mapped = try SystemdProperties(resources, systemdVersion: m.version(), legacy: legacy)
        try files.update(mapped.resources)
        if mapped.properties.isEmpty { return }
        do {
            try m.call("SetUnitProperties", [.string(unit.unit), .bool(true), .properties(mapped.properties)])
        } catch let e as SystemdError {
            throw RuntimeError("update the systemd unit \(unit.unit): \(e.name): \(e.message)")
        }
    }

    public func freeze() throws { try files.freeze() }
    public func thaw() throws { try files.thaw() }
    public func isFrozen() -> Bool { files.isFrozen() }
    public func thawForKill(_ paths: [String]) { files.thawForKill(paths) }
    public func killAtOnce(_ paths: [String]) { files.killAtOnce(paths) }
    public func stats() -> ContainerStats { files.stats() }
    public func oomKills() -> UInt64 { files.oomKills() }

    /// Stops the unit (killing what is left in it), then removes what
    /// systemd left.
    public func destroy() {
        if let m = try? manager() {
            do {
                try m.call("StopUnit", [.string(unit.unit), .string("replace")])
            } catch {
                // NoSuchUnit: systemd collected the empty scope already.
            }
        }
        // killAll is bounded, and so is remove's wait while the kernel
        // still counts exiting tasks; systemd may remove it first.
        let left = cgroups.paths.filter(Sys.exists)
        if !left.isEmpty {
            killAll(left)
            CgroupDirectories.remove(left)
        }
    }

    /// v1: systemd makes the scope's directory only in the hierarchies it
    /// manages; in the others (cpuset, freezer, net_cls, ...) swrun makes
    /// it (a cpuset's cpus and mems filled from its parent) and the init
    /// joins it there too, as runc's legacy manager does.
    private func joinUnmanagedHierarchies(pid: Int32, role: String) throws {
        var hierarchies: [CgroupHierarchy] = []
        var paths: [String] = []
        for (h, path) in zip(cgroups.hierarchies, cgroups.paths) where !Sys.exists(path + "/cgroup.procs") {
            hierarchies.append(h)
            paths.append(path)
        }
        if hierarchies.isEmpty { return }
        _ = try CgroupDirectories.makeAll(paths, in: hierarchies)
        try CgroupProcesses.join(pid: pid, hierarchies: hierarchies, paths: paths, role: role)
    }

    private func startScope(pid: Int32) throws {
        let m = try manager()
        var properties: [(String, DBusValue)] = [
            ("Description", .string("swrun container \(unit.unit)")),
            ("Slice", .string(unit.slice)),
            ("Delegate", .bool(true)),
            ("PIDs", .uint32s([UInt32(pid)])),
            ("DefaultDependencies", .bool(false)),
            ("MemoryAccounting", .bool(true)),
            ("CPUAccounting", .bool(true)),
            (legacy ? "BlockIOAccounting" : "IOAccounting", .bool(true)),
            ("TasksAccounting", .bool(true)),
        ]
        if legacy, let rules = deferredRules {
            properties += try SystemdDeviceProperties.properties(rules, procDevices: (try? Sys.readText("/proc/devices")) ?? "")
        }
        if resourcesDeferred, let r = deferredResources {
            let mapped = try SystemdProperties(r, systemdVersion: m.version(), legacy: legacy)
            properties += mapped.properties
            deferredResources = mapped.resources
        }
        do {
            try m.call("StartTransientUnit", [.string(unit.unit), .string("replace"), .properties(properties),
                                                      .auxUnits([])])
        } catch let e as SystemdError {
            throw RuntimeError("start the systemd scope \(unit.unit) in \(unit.slice) (\(instance.name)): \(e.name): \(e.message)")
        }
        // The job is done when the init is in the scope's cgroup.
        try awaitMember(pid)
    }

    private func awaitMember(_ pid: Int32) throws {
        for _ in 0..<500 {
            let procs = (try? Sys.readText(dir + "/cgroup.procs")) ?? ""
            if procs.split(separator: "\n").contains(Substring(String(pid))) { return }
            Sys.sleepMillis(10)
        }
        throw RuntimeError("\(instance.name) did not move pid \(pid) into the scope \(unit.unit) within 5 s", path: dir)
    }
}
