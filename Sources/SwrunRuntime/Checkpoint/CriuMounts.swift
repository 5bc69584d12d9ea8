import Glibc
import OCI

/// The mounts CRIU cannot make itself, described as runc describes them:
/// "external" mounts, named by a key in the images. At dump a key names
/// the mount point inside the container; at restore the same key maps to
/// the host path to bind there.
///
/// * a bind mount from the host: key = its destination; restored from its
///   source;
/// * each cgroup hierarchy bound into a `cgroup` mount: key = where it is
///   bound; restored from the new container's cgroup directory;
/// * a masked file (a read-only bind of the host's /dev/null): key
///   `/dev/null`, restored from /dev/null;
/// * device nodes (binds of the host's nodes in a user namespace):
///   key = their path, restored from the same host path.
struct CriuMounts {
    let mounts: [Mount]
    let maskedPaths: [String]
    let devicePaths: [String]
    /// Where each hierarchy is bound under a cgroup mount's destination
    /// ("" for the only one on a v2-only host), with its host directory.
    let cgroupBinds: [MountPlan.CgroupBind]

    /// The externals to declare at dump. `initPid` tells which masked
    /// paths exist and are files (directories get a tmpfs, not a bind).
    func dumpExternals(initPid: Int32) -> [ExtMountMap] {
        var out: [ExtMountMap] = []
        for dest in bindDestinations().map(\.destination) { out.append(entry(dest, dest)) }
        for path in maskedPaths {
            var st = stat()
            guard stat("/proc/\(initPid)/root" + CriuMounts.clean(path), &st) == 0,
                  st.st_mode & S_IFMT != S_IFDIR else { continue }
            out.append(entry(CriuMounts.clean(path), "/dev/null"))
        }
        for path in devicePaths { out.append(entry(CriuMounts.clean(path), CriuMounts.clean(path))) }
        return out
    }

    /// The externals to declare at restore: each key found in the images
    /// mapped to the host path bound there now.
    func restoreExternals(bundle: String) -> [ExtMountMap] {
        var out: [ExtMountMap] = []
        for (dest, source) in bindDestinations() {
            let abs = source.hasPrefix("/") ? source : bundle + "/" + source
            out.append(entry(dest, abs))
        }
        if !maskedPaths.isEmpty { out.append(entry("/dev/null", "/dev/null")) }
        for path in devicePaths { out.append(entry(CriuMounts.clean(path), CriuMounts.clean(path))) }
        return out
    }

    /// The bind mounts of the config and of its cgroup mounts: where they
    /// are in the container, and their source on the host.
    func bindDestinations() -> [(destination: String, source: String)] {
        var out: [(String, String)] = []
        for m in mounts {
            let dest = CriuMounts.clean(m.destination)
            if m.type == "cgroup" || m.type == "cgroup2" {
                for b in cgroupBinds { out.append((b.name.isEmpty ? dest : CriuMounts.clean(dest + "/" + b.name), b.hostPath)) }
            } else if CriuMounts.isBind(m) {
                out.append((dest, m.source ?? ""))
            }
        }
        return out
    }

    static func isBind(_ m: Mount) -> Bool {
        m.type == "bind" || (m.options ?? []).contains { $0 == "bind" || $0 == "rbind" }
    }

    /// An absolute path without `.`, empty or trailing components, as CRIU
    /// lists mount points (a relative destination is relative to `/`).
    static func clean(_ path: String) -> String {
        var parts: [Substring] = []
        for c in path.split(separator: "/") where c != "." && !c.isEmpty {
            if c == ".." { _ = parts.popLast() } else { parts.append(c) }
        }
        return "/" + parts.joined(separator: "/")
    }

    private func entry(_ key: String, _ value: String) -> ExtMountMap {
        var e = ExtMountMap()
        e.key = key
        e.val = value
        return e
    }
}

extension CriuMounts {
    /// As the record keeps the config, with the container's cgroups.
    init(record: ContainerRecord, cgroups: any CgroupDriver) {
        self.init(mounts: record.mounts ?? [], maskedPaths: record.maskedPaths ?? [],
                  devicePaths: record.devicePaths ?? [], cgroupBinds: cgroups.containerBinds)
    }
}
