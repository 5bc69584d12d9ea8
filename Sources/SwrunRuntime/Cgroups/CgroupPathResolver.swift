/// Resolves `linux.cgroupsPath` to the path inside each hierarchy:
/// absolute as given, relative under swrun's own cgroup, and when absent
/// the container id under swrun's own cgroup. On a v2-only host "swrun's
/// own cgroup" is its parent, as in runc's fs2 (see `placementBase`).
public enum CgroupPathResolver {
    /// `defaultSlice`: that of the systemd manager a scope would go to.
    public static func validate(_ cgroupsPath: String?, id: String, systemd: Bool, defaultSlice: String = "system.slice") throws {
        if !(cgroupsPath ?? "").hasPrefix("/") {
            try SystemdCgroupPath.refusal(cgroupsPath, id: id, systemdFlag: systemd,
                                          systemdIsInit: Sys.isDirectory("/run/systemd/system"), defaultSlice: defaultSlice)
        } else if systemd {
            try SystemdCgroupPath.refusal(cgroupsPath, id: id, systemdFlag: true, systemdIsInit: false)
        }
        guard let p = cgroupsPath, !p.isEmpty else { return }
        if p.split(separator: "/").contains("..") {
            throw RuntimeError("linux.cgroupsPath: must not contain \"..\", got \"\(p)\"")
        }
    }

    public static func inner(_ cgroupsPath: String?, id: String, ownPath: String) -> String {
        let p = (cgroupsPath?.isEmpty == false) ? cgroupsPath! : id
        if p.hasPrefix("/") { return normalize(p) }
        return normalize(ownPath + "/" + p)
    }

    /// The cgroup a relative or absent cgroupsPath goes under. On a
    /// v2-only host that is the parent of swrun's own cgroup, as runc's fs2
    /// does it: the own cgroup (a systemd session scope or service) holds
    /// processes, and by the no-internal-processes rule a cgroup with
    /// processes cannot enable controllers for a child. Its parent (a
    /// slice) holds none. swrun's caller is not moved.
    public static func placementBase(ownPath: String, v2Only: Bool) -> String {
        guard v2Only else { return ownPath }
        let parts = ownPath.split(separator: "/")
        return "/" + parts.dropLast().joined(separator: "/")
    }

    static func normalize(_ p: String) -> String {
        "/" + p.split(separator: "/").joined(separator: "/")
    }
}
