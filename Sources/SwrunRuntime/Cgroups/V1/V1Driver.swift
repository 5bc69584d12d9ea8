import Glibc

/// cgroupfs v1: the container's cgroup in each controller's hierarchy
/// (and named ones like name=systemd).
public struct V1Driver: CgroupDriver {
    public let cgroups: ContainerCgroups
    public var kind: CgroupDriverKind { .v1 }

    public init(_ cgroups: ContainerCgroups) {
        self.cgroups = cgroups
    }

    var freezer: Freezer? {
        cgroups.dir(v1: "freezer").map {
            Freezer(dir: $0, control: "freezer.state", frozenValue: "FROZEN", thawedValue: "THAWED",
                    report: "freezer.state", frozenReport: "FROZEN", thawedReport: "THAWED")
        }
    }

    var hasDevicesController: Bool { cgroups.dir(v1: "devices") != nil }

    var hasMemoryController: Bool { cgroups.dir(v1: "memory") != nil }

    public func checkNotFrozen() throws {
        guard let path = cgroups.dir(v1: "freezer") else { return }
        let state = (try? Sys.readText(path + "/freezer.state"))?.trimmed ?? "THAWED"
        if state != "THAWED" {
            throw RuntimeError("container's cgroup is frozen: \(path)/freezer.state reads \(state); thaw it first")
        }
    }

    /// v1 has no CLONE_INTO_CGROUP: the child joins after the clone.
    public func openCloneTarget() -> Int32 { -1 }

    /// Deny all, then each rule in order.
    public func apply(deviceRules: [DeviceRule]) throws {
        guard let path = cgroups.dir(v1: "devices") else { throw DeviceRule.noController }
        // One open of each file: the kernel takes one rule per write.
        let deny = try Sys.open(path + "/devices.deny", O_WRONLY)
        defer { Sys.close(deny) }
        let allow = try Sys.open(path + "/devices.allow", O_WRONLY)
        defer { Sys.close(allow) }
        try CgroupFile.write(deny, path, "devices.deny", "a")
        for rule in deviceRules {
            try CgroupFile.write(rule.allow ? allow : deny, path, rule.allow ? "devices.allow" : "devices.deny", rule.v1Line)
        }
    }

    public func freeze() throws { try Freezer.set(freezer, frozen: true) }
    public func thaw() throws { try Freezer.set(freezer, frozen: false) }

    public func isFrozen() -> Bool {
        guard let freezer else { return false }
        return (try? Sys.readText(freezer.dir + "/freezer.state"))?.hasPrefix("FROZEN") ?? false
    }

    public func thawForKill(_ paths: [String]) {
        for p in paths {
            if let st = try? Sys.readText(p + "/freezer.state"), st.trimmed != "THAWED" {
                try? Sys.writeExisting(p + "/freezer.state", "THAWED")
            }
        }
    }

    /// v1 has no cgroup.kill.
    public func killAtOnce(_ paths: [String]) {}

    public func stats() -> ContainerStats {
        var s = ContainerStats()
        V1Stats.read(cgroups, into: &s)
        return s
    }

    public func oomKills() -> UInt64 {
        cgroups.dir(v1: "memory").map { StatsFiles.oomKills($0 + "/memory.oom_control") } ?? 0
    }
}
