import OCI

/// What the lifecycle needs of a cgroup backend. Each kind of host has one
/// (V1/, V2/, Hybrid/); each works on the directories in `cgroups`, so a
/// test can point one at a temporary tree laid out like /sys/fs/cgroup.
public protocol CgroupDriver {
    var kind: CgroupDriverKind { get }
    var cgroups: ContainerCgroups { get }

    /// The directories `create` will make (deepest first): those missing now.
    func missingDirectories() -> [String]
    /// Creates the container's cgroup in every hierarchy; returns the
    /// directories made (deepest first), the only ones `destroy` removes.
    func create() throws -> [String]
    /// Refuses a cgroup the caller froze: a process joining it would stop at once.
    func checkNotFrozen() throws
    /// The directory a child is cloned into (CLONE_INTO_CGROUP), or -1.
    func openCloneTarget() -> Int32
    /// Moves a process into the container's cgroups; `role` names it in errors.
    func add(pid: Int32, role: String) throws
    func apply(deviceRules: [DeviceRule]) throws
    func apply(_ resources: LinuxResources?) throws
    func update(_ resources: LinuxResources) throws

    func freeze() throws
    func thaw() throws
    func isFrozen() -> Bool
    /// Thaws each of `paths` that is frozen, without waiting: a frozen task
    /// takes its SIGKILL only once thawed, whoever froze it.
    func thawForKill(_ paths: [String])
    /// SIGKILLs everything in `paths` in one write where the kernel can.
    func killAtOnce(_ paths: [String])

    func stats() -> ContainerStats
    /// The OOM kills counted so far.
    func oomKills() -> UInt64
    /// Removes what create made, killing what is left in it.
    func destroy()
    /// Whether the cgroup comes into being only with the init in it
    /// (systemd's scopes): then the init joins before it goes on.
    var createdWithTheInit: Bool { get }
    /// Removes `made` after a create failed (the init is dead by then).
    func undoCreate(_ made: [String])
}

extension CgroupDriver {
    public var hierarchies: [CgroupHierarchy] { cgroups.hierarchies }
    public var paths: [String] { cgroups.paths }

    public func missingDirectories() -> [String] { CgroupDirectories.missing(paths, in: hierarchies) }

    public var createdWithTheInit: Bool { false }

    public func undoCreate(_ made: [String]) { CgroupDirectories.remove(made) }

    public func create() throws -> [String] { try CgroupDirectories.makeAll(paths, in: hierarchies) }

    public func add(pid: Int32, role: String) throws {
        try CgroupProcesses.join(pid: pid, hierarchies: hierarchies, paths: paths, role: role)
    }

    public func apply(_ resources: LinuxResources?) throws {
        try ResourceApplier(hierarchies: hierarchies, paths: paths).apply(resources)
    }

    public func update(_ resources: LinuxResources) throws {
        try ResourceApplier(hierarchies: hierarchies, paths: paths).apply(resources, updating: true)
    }

    /// How a `cgroup` mount shows each hierarchy inside the container.
    public var containerBinds: [MountPlan.CgroupBind] { containerBinds(orOwn: []) }

    /// The same; for a container without cgroups (rootless), the caller's
    /// own `own` hierarchies, as runc shows them.
    public func containerBinds(orOwn own: [CgroupHierarchy]) -> [MountPlan.CgroupBind] {
        let hierarchies = paths.isEmpty ? own : self.hierarchies
        let paths = self.paths.isEmpty ? own.map { $0.mountPoint + ($0.ownPath == "/" ? "" : $0.ownPath) } : self.paths
        return zip(hierarchies, paths).map { h, path in
            MountPlan.CgroupBind(name: h.containerName(hostHasOnlyV2: hierarchies.allSatisfy(\.isV2)), hostPath: path)
        }
    }

    /// Pids in all the container's cgroups.
    public func pids() -> [Int32] { CgroupProcesses.pids(paths) }

    public func pids(in paths: [String]) -> [Int32] { CgroupProcesses.pids(paths) }

    /// Thaws the cgroups swrun made, for a kill.
    public func thawForKill() { thawForKill(cgroups.madePaths) }

    /// SIGKILLs, in one write where the kernel can, the cgroups swrun made.
    public func killAtOnce() { killAtOnce(cgroups.madePaths) }

    /// SIGKILLs everything in `paths` until they are empty (bounded).
    public func killAll(_ paths: [String]) {
        killAtOnce(paths)
        thawForKill(paths)
        CgroupProcesses.killUntilEmpty(paths)
    }

    /// Removes the directories swrun made. Those rmdir takes were empty:
    /// only where one stays is there anything to kill, and only in the
    /// cgroups swrun made: one the caller made beforehand may hold
    /// processes that are not the container's.
    ///
    /// Cgroups the container made inside its own go first, their processes
    /// killed, deepest first; a cgroup the caller made for the container
    /// is removed too when nothing is left in it (as runc does).
    public func destroy() {
        let removed = CgroupDirectories.removeIfEmpty(cgroups.created)
        let left = cgroups.madePaths.filter { !removed.contains($0) }
        if !left.isEmpty {
            let nested = CgroupDirectories.descendants(of: left)
            if !nested.isEmpty {
                killAll(nested)
                CgroupDirectories.remove(nested)
            }
            killAll(left)
            CgroupDirectories.remove(cgroups.created.filter { !removed.contains($0) })
        }
        _ = CgroupDirectories.removeIfEmpty(cgroups.sharedPaths)
    }
}
