/// Which cgroup driver made a container's cgroups, as its state records it.
public enum CgroupDriverKind: String, Codable, Equatable {
    /// cgroupfs v1: one hierarchy per controller (or group of them).
    case v1
    /// The unified cgroup v2 hierarchy alone, mounted at /sys/fs/cgroup.
    case v2
    /// v1 hierarchies plus the cgroup2 mount at /sys/fs/cgroup/unified.
    case hybrid
    /// A transient systemd scope on the unified hierarchy (Systemd/).
    case systemd
}
