/// Enables controllers for a new container's cgroup as runc's fs2 and
/// crun do: every controller the host offers (the root's
/// cgroup.controllers), in each parent from the root down to the
/// container's parent, so that its stats and limits work without any
/// resource in the config. Best effort, as there: a controller a parent
/// cannot pass on is left out. It stops at a cgroup that holds processes:
/// by the no-internal-processes rule that write fails (EBUSY), and every
/// cgroup below it could have no controller anyway. The root is exempt
/// from the rule; it alone has no cgroup.type.
enum SubtreeControl {
    static func enableAll(for dir: String, under mountPoint: String, fs: CgroupFS = .host) {
        let offered = words(fs.read(mountPoint + "/cgroup.controllers"))
        guard !offered.isEmpty else { return }
        var cur = mountPoint
        for comp in dir.dropFirst(mountPoint.count).split(separator: "/") {
            let isRoot = !fs.exists(cur + "/cgroup.type")
            if !isRoot, !(fs.read(cur + "/cgroup.procs") ?? "").trimmed.isEmpty { return }
            let file = cur + "/cgroup.subtree_control"
            let on = words(fs.read(file))
            let available = words(fs.read(cur + "/cgroup.controllers"))
            let missing = offered.filter { available.contains($0) && !on.contains($0) }
            if !missing.isEmpty, fs.write(file, missing.map { "+" + $0 }.joined(separator: " ")) != nil {
                for c in missing { _ = fs.write(file, "+" + c) }
            }
            cur += "/" + comp
        }
    }

    private static func words(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
    }
}
