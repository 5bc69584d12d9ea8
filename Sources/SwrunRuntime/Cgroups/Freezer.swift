/// Freezes and thaws a container's processes: the v1 freezer controller
/// where the host has one, else cgroup.freeze of v2, waiting until the
/// kernel reports the new state.
public enum Freezer {
    public static func freeze(_ cg: ContainerCgroups) throws { try set(cg, frozen: true) }
    public static func thaw(_ cg: ContainerCgroups) throws { try set(cg, frozen: false) }

    public static func isFrozen(_ cg: ContainerCgroups) -> Bool {
        if let d = cg.dir(v1: "freezer") { return (try? Sys.readText(d + "/freezer.state"))?.hasPrefix("FROZEN") ?? false }
        if let d = cg.v2Dir { return (try? Sys.readText(d + "/cgroup.freeze"))?.trimmed == "1" }
        return false
    }

    /// Thaws every one of `paths` that is frozen, in any hierarchy, without
    /// waiting: for a kill, whose SIGKILL a frozen task takes only once
    /// thawed, whoever froze it (a pause, or the caller behind swrun's back).
    static func thawForKill(_ paths: [String]) {
        for p in paths {
            if let st = try? Sys.readText(p + "/freezer.state"), st.trimmed != "THAWED" {
                try? Sys.writeExisting(p + "/freezer.state", "THAWED")
            }
            if (try? Sys.readText(p + "/cgroup.freeze"))?.trimmed == "1" {
                try? Sys.writeExisting(p + "/cgroup.freeze", "0")
            }
        }
    }

    static func set(_ cg: ContainerCgroups, frozen: Bool) throws {
        let (file, value, probe, want): (String, String, String, String)
        let dir: String
        if let d = cg.dir(v1: "freezer") {
            dir = d
            (file, value, probe, want) = ("freezer.state", frozen ? "FROZEN" : "THAWED", "freezer.state", frozen ? "FROZEN" : "THAWED")
        } else if let d = cg.v2Dir {
            dir = d
            (file, value, probe, want) = ("cgroup.freeze", frozen ? "1" : "0", "cgroup.events", frozen ? "frozen 1" : "frozen 0")
        } else {
            throw RuntimeError("\(frozen ? "pause" : "resume"): this host has neither a v1 freezer nor cgroup v2")
        }
        for _ in 0..<1000 {
            try CgroupFile.write(dir, file, value)
            let state = (try? Sys.readText(dir + "/" + probe)) ?? ""
            if state.split(separator: "\n").contains(where: { $0.hasPrefix(want) }) { return }
            Sys.sleepMillis(1)
        }
        if frozen { try? CgroupFile.write(dir, file, value == "1" ? "0" : "THAWED") }
        throw RuntimeError("\(frozen ? "freeze" : "thaw") did not complete: \(dir)/\(probe) never read \"\(want)\"")
    }
}
