import Foundation

/// Finds a process's cgroup directory for one controller the way a tool
/// must on any host: the cgroup mounts from /proc/self/mountinfo (a v1
/// hierarchy names its controllers in its super options; the cgroup2 mount
/// lists what it offers in cgroup.controllers) joined with the process's
/// line in /proc/PID/cgroup. No path is assumed.
enum CgroupLocator {
    static func directory(of pid: pid_t, controller: String) -> String? {
        let membership = lines(readFile("/proc/\(pid)/cgroup") ?? "").map {
            $0.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        }
        let mounts = MountFixture.parse(readFile("/proc/self/mountinfo") ?? "")
        for m in mounts where m.fsType == "cgroup" && m.superOptions.contains(controller) {
            guard let entry = membership.first(where: { $0.count == 3 && $0[1].split(separator: ",").contains(Substring(controller)) })
            else { continue }
            return join(m, entry[2])
        }
        for m in mounts where m.fsType == "cgroup2" {
            let offered = (readFile(m.mountPoint + "/cgroup.controllers") ?? "").split(whereSeparator: \.isWhitespace)
            guard offered.contains(Substring(controller)) || controller == "unified",
                  let entry = membership.first(where: { $0.count == 3 && $0[0] == "0" && $0[1].isEmpty }) else { continue }
            return join(m, entry[2])
        }
        return nil
    }

    /// The mount shows the part of the hierarchy below its root.
    private static func join(_ m: MountInfoEntry, _ path: String) -> String {
        let below = m.root == "/" ? path : String(path.dropFirst(m.root.count))
        return m.mountPoint + (below == "/" ? "" : below)
    }

    static func read(_ pid: pid_t, _ controller: String, _ file: String) -> String? {
        directory(of: pid, controller: controller).flatMap { readFile($0 + "/" + file) }.map(trimmed)
    }
}
