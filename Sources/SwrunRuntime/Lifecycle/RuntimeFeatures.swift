import CShim
import Glibc
import OCI

/// The `features` document, truthful about what this build implements:
/// what it refuses with "not supported yet" is reported as disabled.
public enum RuntimeFeatures {
    /// swrun's version: the one definition (`--version`, the features
    /// annotations, and the state records all read it).
    public static let version = "0.1.0"

    /// `swrun --version`: the version, the runtime-spec version, and the
    /// libseccomp it was built with (runc prints the same lines).
    public static func versionText() -> String {
        "swrun version \(version)\nspec: \(OCIVersion.current)\nlibseccomp: \(libseccompVersion())\n"
    }

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
            cgroup: CgroupFeatures(v1: true, v2: true, systemd: true, systemdUser: true, rdma: true),
            seccomp: SeccompFeatures(enabled: true,
                                     actions: ["SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
                                               "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP"],
                                     operators: ["SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE", "SCMP_CMP_LT",
                                                 "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE"],
                                     archs: ["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_X32", "SCMP_ARCH_X86", "SCMP_ARCH_X86_64"],
                                     knownFlags: ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_TSYNC",
                                                  "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"],
                                     supportedFlags: ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_TSYNC",
                                                      "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]),
            apparmor: AppArmorFeatures(enabled: false),
            selinux: SELinuxFeatures(enabled: false),
            intelRdt: IntelRdtFeatures(enabled: false),
            memoryPolicy: MemoryPolicyFeatures(modes: ProcessScheduling.memoryModes.keys.sorted(),
                                               flags: ProcessScheduling.memoryFlags.keys.sorted()),
            mountExtensions: MountExtensionsFeatures(idmap: IDMapFeatures(enabled: true)),
            netDevices: NetDevicesFeatures(enabled: true)
        )
        return Features(ociVersionMin: "1.0.0", ociVersionMax: OCIVersion.current,
                        hooks: ["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"],
                        mountOptions: mountOptions, linux: linux,
                        annotations: ["io.github.swrun.version": version,
                                      "io.github.swrun.libseccomp.version": libseccompVersion(),
                                      // checkpoint and restore are built in (CRIU's RPC); they
                                      // need the criu binary and a kernel it supports at run time.
                                      "io.github.swrun.checkpoint.enabled": "true"])
    }

    public static func libseccompVersion() -> String {
        guard let v = seccomp_version() else { return "unknown" }
        return "\(v.pointee.major).\(v.pointee.minor).\(v.pointee.micro)"
    }
}
