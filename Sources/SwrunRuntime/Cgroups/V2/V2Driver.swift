import Glibc

/// The unified cgroup v2 hierarchy: one directory holds every controller.
public struct V2Driver: CgroupDriver {
    public let cgroups: ContainerCgroups
    public var kind: CgroupDriverKind { .v2 }

    public init(_ cgroups: ContainerCgroups) {
        self.cgroups = cgroups
    }

    var dir: String? { cgroups.paths.first }

    var freezer: Freezer? {
        dir.map {
            Freezer(dir: $0, control: "cgroup.freeze", frozenValue: "1", thawedValue: "0",
                    report: "cgroup.events", frozenReport: "frozen 1", thawedReport: "frozen 0")
        }
    }

    /// cgroup.freeze holds what was asked of this cgroup; cgroup.events
    /// says "frozen 1" also when a parent is frozen.
    public func checkNotFrozen() throws {
        guard let path = dir else { return }
        let events = (try? Sys.readText(path + "/cgroup.events")) ?? ""
        let requested = (try? Sys.readText(path + "/cgroup.freeze"))?.trimmed == "1"
        if requested || events.split(separator: "\n").contains("frozen 1") {
            throw RuntimeError("container's cgroup is frozen: \(path) (cgroup.freeze or a parent's); thaw it first")
        }
    }

    /// Makes the cgroup, then enables the host's controllers in its
    /// parents (SubtreeControl), before any process joins it.
    public func create() throws -> [String] {
        let made = try CgroupDirectories.makeAll(paths, in: hierarchies)
        if let dir, let h = hierarchies.first { SubtreeControl.enableAll(for: dir, under: h.mountPoint) }
        return made
    }

    public func openCloneTarget() -> Int32 {
        #if SWRUN_NO_CLONE_INTO_CGROUP    // make vm-bench's comparison build
        return -1
        #endif
        guard let dir else { return -1 }
        return (try? Sys.open(dir, O_RDONLY | O_DIRECTORY)) ?? -1
    }

    /// v2 has no devices files: an eBPF program does their work.
    public func apply(deviceRules: [DeviceRule]) throws {
        guard let dir else { throw DeviceRule.noController }
        try CgroupDeviceProgram(rules: deviceRules).attach(to: dir)
    }

    public func freeze() throws { try Freezer.set(freezer, frozen: true) }
    public func thaw() throws { try Freezer.set(freezer, frozen: false) }

    public func isFrozen() -> Bool {
        guard let dir else { return false }
        return (try? Sys.readText(dir + "/cgroup.freeze"))?.trimmed == "1"
    }

    public func thawForKill(_ paths: [String]) {
        for p in paths where (try? Sys.readText(p + "/cgroup.freeze"))?.trimmed == "1" {
            try? Sys.writeExisting(p + "/cgroup.freeze", "0")
        }
    }

    /// cgroup.kill SIGKILLs the whole cgroup in one write, racing no fork.
    public func killAtOnce(_ paths: [String]) {
        for p in paths where Sys.exists(p + "/cgroup.kill") {
            try? Sys.writeExisting(p + "/cgroup.kill", "1")
        }
    }

    public func stats() -> ContainerStats {
        var s = ContainerStats()
        if let dir { V2Stats.read(dir, into: &s) }
        return s
    }

    public func oomKills() -> UInt64 {
        dir.map { StatsFiles.oomKills($0 + "/memory.events") } ?? 0
    }
}
