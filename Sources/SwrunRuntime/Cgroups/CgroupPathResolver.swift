/// Resolves `linux.cgroupsPath` to the path inside each hierarchy:
/// absolute as given, relative under swrun's own cgroup, and when absent
/// the container id under swrun's own cgroup.
public enum CgroupPathResolver {
    public static func validate(_ cgroupsPath: String?, id: String, systemd: Bool) throws {
        if !(cgroupsPath ?? "").hasPrefix("/") {
            try SystemdCgroupPath.refusal(cgroupsPath, id: id, systemdFlag: systemd,
                                          systemdIsInit: Sys.isDirectory("/run/systemd/system"))
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

    static func normalize(_ p: String) -> String {
        "/" + p.split(separator: "/").joined(separator: "/")
    }
}
