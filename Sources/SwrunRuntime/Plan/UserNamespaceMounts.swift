import OCI

/// Mounts a new user namespace cannot make as written, changed into what it
/// can (crun does the same at mount time; `spec --rootless` writes them so).
enum UserNamespaceMounts {
    /// `m` as the container's new user namespace can mount it:
    /// * `sysfs`: the kernel makes a new sysfs only for a network namespace
    ///   the user namespace owns, i.e. a new one. Without it the host's
    ///   `/sys` is bound instead (`rbind`), with the mount's flags.
    /// * `devpts`: a `gid=N` whose N the namespace does not map is dropped;
    ///   the kernel would refuse the mount (EINVAL).
    static func adjust(_ m: Mount, linux: Linux) -> Mount {
        var m = m
        let options = m.options ?? []
        switch m.type {
        case "sysfs":
            let ownNetwork = linux.namespace(.network).map { ($0.path ?? "").isEmpty } ?? false
            guard !ownNetwork else { return m }
            m.type = "none"
            m.source = "/sys"
            m.options = ["rbind"] + options.filter { $0 != "bind" && $0 != "rbind" }
        case "devpts":
            m.options = options.filter { option in
                guard option.hasPrefix("gid="), let gid = UInt32(option.dropFirst(4)) else { return true }
                return (linux.gidMappings ?? []).contains { gid >= $0.containerID && gid - $0.containerID < $0.size }
            }
        default:
            break
        }
        return m
    }
}
