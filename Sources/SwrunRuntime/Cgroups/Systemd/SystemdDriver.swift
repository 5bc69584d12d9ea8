import Glibc
import OCI

/// Containers as transient systemd scopes, as runc's systemd driver makes
/// them (`linux.cgroupsPath` "slice:prefix:name", or `--systemd-cgroup`):
/// systemd creates the scope's cgroup, with Delegate=yes, when it adopts
/// the init, so nothing of it exists before the clone. Device rules and
/// resources given before then are applied once it does; every file is
/// then written as the V2 driver writes it (cgroup v2 hosts only).
public final class SystemdDriver: CgroupDriver {
    public let cgroups: ContainerCgroups
    public var kind: CgroupDriverKind { .systemd }
    let unit: SystemdCgroupPath
    private let files: V2Driver
    private let manager: () throws -> SystemdManager
    private var deferredRules: [DeviceRule]?
    private var deferredResources: LinuxResources?
    private var resourcesDeferred = false

    /// `cgroups`: the v2 hierarchy and the scope's directory in it.
    init(_ cgroups: ContainerCgroups, unit: SystemdCgroupPath,
         manager: @escaping () throws -> SystemdManager = { try SystemdManager() }) {
        self.cgroups = cgroups
        self.unit = unit
        self.files = V2Driver(cgroups)
        self.manager = manager
    }

    var dir: String { cgroups.paths.first ?? "" }
    private var started: Bool { Sys.exists(dir + "/cgroup.procs") }

    /// The scope is systemd's to make: only its directory is recorded, so
    /// that delete removes it should systemd not.
    public func missingDirectories() -> [String] { started ? [] : [dir] }

    public func create() throws -> [String] {
        if started {
            throw RuntimeError("linux.cgroupsPath: the systemd unit \(unit.unit) exists already", path: dir)
        }
        return [dir]
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

    public func add(pid: Int32, role: String) throws {
        if started { return try files.add(pid: pid, role: role) }
        try startScope(pid: pid)
        if let rules = deferredRules { try files.apply(deviceRules: rules) }
        if resourcesDeferred { try files.apply(deferredResources) }
    }

    public func apply(deviceRules: [DeviceRule]) throws {
        if started { try files.apply(deviceRules: deviceRules) } else { deferredRules = deviceRules }
    }

    public func apply(_ resources: LinuxResources?) throws {
        if started { return try files.apply(resources) }
        deferredResources = resources
        resourcesDeferred = true
    }

    /// The files, and the unit's properties too: a `systemctl
    /// daemon-reload` writes the unit's values back into its cgroup.
    public func update(_ resources: LinuxResources) throws {
        let m = try manager()
        let mapped = try SystemdProperties(resources, systemdVersion: m.version())
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
        if Sys.exists(dir) {
            killAll([dir])
            CgroupDirectories.remove([dir])
        }
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
            ("IOAccounting", .bool(true)),
            ("TasksAccounting", .bool(true)),
        ]
        if resourcesDeferred, let r = deferredResources {
            let mapped = try SystemdProperties(r, systemdVersion: m.version())
            properties += mapped.properties
            deferredResources = mapped.resources
        }
        do {
            try m.call("StartTransientUnit", [.string(unit.unit), .string("replace"), .properties(properties),
                                                      .auxUnits([])])
        } catch let e as SystemdError {
            throw RuntimeError("start the systemd scope \(unit.unit) in \(unit.slice): \(e.name): \(e.message)")
        }
        // The job is done when the init is in the scope's cgroup.
        for _ in 0..<500 {
            let procs = (try? Sys.readText(dir + "/cgroup.procs")) ?? ""
            if procs.split(separator: "\n").contains(Substring(String(pid))) { return }
            Sys.sleepMillis(10)
        }
        throw RuntimeError("systemd did not move the init (pid \(pid)) into the scope \(unit.unit) within 5 s", path: dir)
    }
}
