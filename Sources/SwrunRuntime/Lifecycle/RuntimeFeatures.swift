import CShim
import Glibc
import OCI

/// The `features` document, truthful about what this build implements:
/// what it refuses with "not supported yet" is reported as disabled.
public enum RuntimeFeatures {
    public static let version = "0.1.0"

    public static func current() -> Features {
        let mountOptions = (Array(MountFlags.options.keys) + Array(MountFlags.propagation.keys)
            + Array(MountAttributes.recursive.keys) + ["tmpcopyup", "idmap", "ridmap"]).sorted()
        var caps: [String] = []
        for n in 0...Capabilities.lastCap {
            if let p = cap_to_name(cap_value_t(n)) {
                caps.append(String(cString: p).uppercased())
                cap_free(p)
            }
        }
        let linux = LinuxFeatures(
            namespaces: NamespaceKinds.ordered.map { $0.0 },
            capabilities: caps,
            cgroup: CgroupFeatures(v1: true, v2: true, systemd: false, systemdUser: false, rdma: false),
            seccomp: SeccompFeatures(enabled: false),
            apparmor: AppArmorFeatures(enabled: false),
            selinux: SELinuxFeatures(enabled: false),
            intelRdt: IntelRdtFeatures(enabled: false),
            mountExtensions: MountExtensionsFeatures(idmap: IDMapFeatures(enabled: true)),
            netDevices: NetDevicesFeatures(enabled: false)
        )
        return Features(ociVersionMin: "1.0.0", ociVersionMax: OCIVersion.current, hooks: [],
                        mountOptions: mountOptions, linux: linux,
                        annotations: ["io.github.swrun.version": version,
                                      "io.github.swrun.libseccomp.version": libseccompVersion()])
    }

    public static func libseccompVersion() -> String {
        guard let v = seccomp_version() else { return "unknown" }
        return "\(v.pointee.major).\(v.pointee.minor).\(v.pointee.micro)"
    }
}
