/// What the lifecycle needs of a cgroup backend.
public protocol CgroupManager {
    /// Creates the container's cgroup in every hierarchy it manages.
    /// Returns the directories created (deepest first), the only ones
    /// `destroy` may remove.
    func create() throws -> [String]
    /// Moves a process into the container's cgroup.
    func add(pid: Int32) throws
    /// Pids in the container's cgroup.
    func pids() -> [Int32]
    /// The container's cgroup directory in each hierarchy.
    var paths: [String] { get }
}

/// Resolves `linux.cgroupsPath` to the path inside each hierarchy:
/// absolute as given, relative under swrun's own cgroup, and when absent
/// the container id under swrun's own cgroup.
public enum CgroupPathResolver {
    public static func validate(_ cgroupsPath: String?, systemd: Bool) throws {
        guard let p = cgroupsPath, !p.isEmpty else { return }
        if systemd || (!p.hasPrefix("/") && p.split(separator: ":", omittingEmptySubsequences: false).count == 3) {
            throw RuntimeError("linux.cgroupsPath: systemd cgroup paths (slice:prefix:name) are not supported: systemd is not managing cgroups here")
        }
        if p.split(separator: "/").contains("..") {
            throw RuntimeError("linux.cgroupsPath: must not contain \"..\", got \"\(p)\"")
        }
    }

    public static func inner(_ cgroupsPath: String?, id: String, ownPath: String) -> String {
        let p = (cgroupsPath?.isEmpty == false) ? cgroupsPath! : id
        if p.hasPrefix("/") { return normalize(p) }
        return normalize(ownPath + "/" + p)
    }

    static func normalize(_ p: String) -> String {
        "/" + p.split(separator: "/").joined(separator: "/")
    }
}
