import CShim
import Glibc
import OCI

/// Before a restore, the mount points of the config's mounts are made in
/// the rootfs, as runc does and as create made them: CRIU mounts onto
/// them but does not make them (a copy of the rootfs may lack them). Not
/// below a tmpfs mount (CRIU brings back its content) and not for cgroup
/// mounts (under /sys, which CRIU mounts). Paths resolve inside the
/// rootfs as the child resolves mount targets (`shim_make_in_root`).
enum CriuMountPoints {
    static func make(_ mounts: [Mount], rootfs: String, bundle: String) throws {
        let tmpfs = mounts.filter { $0.type == "tmpfs" }.map { CriuMounts.clean($0.destination) }
        let root = try Sys.open(rootfs, O_PATH | O_DIRECTORY)
        defer { Sys.close(root) }
        for (i, m) in mounts.enumerated() where m.type != "cgroup" && m.type != "cgroup2" {
            let dest = CriuMounts.clean(m.destination)
            if tmpfs.contains(where: { dest.hasPrefix($0 + "/") }) { continue }
            var file = false
            if CriuMounts.isBind(m), let source = m.source {
                file = !Sys.isDirectory(source.hasPrefix("/") ? source : bundle + "/" + source)
            }
            try check(shim_make_in_root(root, dest, file ? 1 : 0),
                      "mounts[\(i)]: make the mount point \(dest) in the rootfs", path: rootfs)
        }
    }
}
