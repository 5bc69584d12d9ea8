import CShim
import Glibc

/// The cgroup layout of the host, decided as runc decides it: the file
/// system type of /sys/fs/cgroup says v2 (cgroup2 mounted there) or v1,
/// and v1 is hybrid when /sys/fs/cgroup/unified is a cgroup2 mount.
/// mountinfo then names the mount points; /proc/self/cgroup alone is not
/// trusted, as it lists v1 hierarchies even where cgroup2 hides them.
public struct CgroupLayout: Equatable {
    public var kind: CgroupDriverKind
    public var hierarchies: [CgroupHierarchy]

    static let cgroup2Magic = 0x6367_7270    // CGROUP2_SUPER_MAGIC
    static let cgroupMagic = 0x0027_e0eb     // CGROUP_SUPER_MAGIC

    /// `root` is /sys/fs/cgroup on a host; `fileSystemType` its statfs.
    public static func detect(root: String = "/sys/fs/cgroup", mountinfo: String, procCgroup: String,
                              fileSystemType: (String) -> Int? = CgroupLayout.statfsType) -> CgroupLayout {
        let all = CgroupHierarchy.discover(mountinfo: mountinfo, procCgroup: procCgroup)
        if fileSystemType(root) == cgroup2Magic {
            let unified = all.first { $0.isV2 && $0.mountPoint == root }
                ?? CgroupHierarchy(mountPoint: root, controllers: [], isV2: true, ownPath: all.first(where: \.isV2)?.ownPath ?? "/")
            return CgroupLayout(kind: .v2, hierarchies: [unified])
        }
        let unifiedMount = root + "/unified"
        let hybrid = fileSystemType(unifiedMount) == cgroup2Magic && all.contains { $0.isV2 && $0.mountPoint == unifiedMount }
        // A v1 mount that another mount now hides is in mountinfo still.
        let hierarchies = all.filter { h in
            h.isV2 ? hybrid && h.mountPoint == unifiedMount : fileSystemType(h.mountPoint) == cgroupMagic
        }
        return CgroupLayout(kind: hybrid ? .hybrid : .v1, hierarchies: hierarchies)
    }

    /// Whether /sys/fs/cgroup is the unified cgroup v2 hierarchy.
    public static var hostIsUnified: Bool { statfsType("/sys/fs/cgroup") == cgroup2Magic }

    public static func current() -> CgroupLayout {
        detect(mountinfo: (try? Sys.readText("/proc/self/mountinfo")) ?? "",
               procCgroup: (try? Sys.readText("/proc/self/cgroup")) ?? "")
    }

    /// statfs(2)'s f_type of `path`, nil if it cannot be read.
    public static func statfsType(_ path: String) -> Int? {
        let type = shim_fs_type(path)
        return type < 0 ? nil : type
    }

    /// The driver that puts a new container at `linux.cgroupsPath`: a
    /// systemd scope for the systemd form (or `--systemd-cgroup`) of the
    /// manager `instance`, else the directory in every hierarchy of the
    /// host's layout.
    func driver(cgroupsPath: String?, id: String, systemd: Bool = false,
                instance: SystemdInstance = .system) throws -> any CgroupDriver {
        if let unit = try SystemdCgroupPath.forNewContainer(cgroupsPath, id: id, systemdFlag: systemd,
                                                            defaultSlice: instance.defaultSlice) {
            if kind != .v2 {
                // runc's legacy manager: the system manager only (a user
                // manager delegates nothing on v1).
                guard instance == .system else {
                    throw RuntimeError("linux.cgroupsPath \"\(cgroupsPath ?? "")\": the systemd cgroup driver of a rootless container needs the unified cgroup v2 hierarchy; this host's is \(kind.rawValue)")
                }
                return SystemdDriver(ContainerCgroups(hierarchies: hierarchies, paths: hierarchies.map { $0.mountPoint + unit.cgroup }),
                                     unit: unit, instance: instance)
            }
            guard let unified = hierarchies.first else {
                throw RuntimeError("linux.cgroupsPath \"\(cgroupsPath ?? "")\": no cgroup v2 mount for the systemd cgroup driver")
            }
            let base = try instance.cgroupDirectory(under: unified.mountPoint)
            return SystemdDriver(ContainerCgroups(hierarchies: [unified], paths: [base + unit.cgroup]), unit: unit, instance: instance)
        }
        return CgroupDrivers.make(kind, ContainerCgroups(hierarchies: hierarchies, cgroupsPath: cgroupsPath, id: id, v2Only: kind == .v2))
    }
}
