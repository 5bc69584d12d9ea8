import CShim
import Glibc
import OCI

/// linux.netDevices: host interfaces moved into the container's new
/// network namespace, renamed, keeping their permanent global addresses,
/// and set up there. The namespace owns them from then on: when it goes
/// away, the kernel returns physical devices to the host and deletes
/// virtual ones.
enum NetDevices {
    static func move(_ devices: [String: LinuxNetDevice]?, initPid: Int32) throws {
        guard let devices, !devices.isEmpty else { return }
        let nsPath = "/proc/\(initPid)/ns/net"
        let ns = try Sys.open(nsPath, O_RDONLY)
        defer { Sys.close(ns) }
        for (host, device) in devices.sorted(by: { $0.key < $1.key }) {
            let inside = (device.name ?? "").isEmpty ? host : device.name!
            let r = shim_move_netdev(host, inside, ns)
            if r < 0 {
                throw RuntimeError("linux.netDevices.\(host): move \(host) into the container's network namespace as \(inside)",
                                   errno: -r)
            }
        }
    }
}
