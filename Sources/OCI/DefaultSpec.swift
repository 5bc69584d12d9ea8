import FoundationEssentials
#if canImport(Glibc)
import Glibc  // geteuid/getegid only
#elseif canImport(Musl)
import Musl
#endif

extension Spec {
    /// The config that `runc spec` writes (or `runc spec --rootless`), with
    /// this package's `ociVersion`.
    ///
    /// For the rootless form, `hostUID`/`hostGID` are the ids mapped to root in
    /// the container; nil means the calling process's effective uid/gid, as runc does.
    /// `cgroupNamespace`: on a cgroup-v2-only host runc adds a cgroup
    /// namespace, and so does swrun.
    public static func runcDefault(rootless: Bool, hostUID: UInt32? = nil, hostGID: UInt32? = nil,
                                   cgroupNamespace: Bool = false) -> Spec {
        let caps = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
        let process = Process(
            terminal: true,
            user: User(uid: 0, gid: 0),
            args: ["sh"],
            env: [
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "TERM=xterm",
            ],
            cwd: "/",
            capabilities: LinuxCapabilities(bounding: caps, effective: caps, permitted: caps, ambient: caps),
            rlimits: [POSIXRlimit(type: "RLIMIT_NOFILE", hard: 1024, soft: 1024)],
            noNewPrivileges: true
        )

        var devptsOptions = ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]
        let sysMount: Mount
        var namespaces: [NamespaceKind]
        if rootless {
            // No gid=5 for devpts: the tty group is not mapped. sysfs cannot be
            // mounted without a network namespace we own, so bind the host's.
            sysMount = Mount(destination: "/sys", type: "none", source: "/sys",
                             options: ["rbind", "nosuid", "noexec", "nodev", "ro"])
            namespaces = [.pid, .ipc, .uts, .mount, .user]
        } else {
            devptsOptions.append("gid=5")
            sysMount = Mount(destination: "/sys", type: "sysfs", source: "sysfs",
                             options: ["nosuid", "noexec", "nodev", "ro"])
            namespaces = [.pid, .network, .ipc, .uts, .mount]
        }
        if cgroupNamespace { namespaces.append(.cgroup) }

        let mounts = [
            Mount(destination: "/proc", type: "proc", source: "proc"),
            Mount(destination: "/dev", type: "tmpfs", source: "tmpfs",
                  options: ["nosuid", "strictatime", "mode=755", "size=65536k"]),
            Mount(destination: "/dev/pts", type: "devpts", source: "devpts", options: devptsOptions),
            Mount(destination: "/dev/shm", type: "tmpfs", source: "shm",
                  options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]),
            Mount(destination: "/dev/mqueue", type: "mqueue", source: "mqueue",
                  options: ["nosuid", "noexec", "nodev"]),
            sysMount,
            Mount(destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup",
                  options: ["nosuid", "noexec", "nodev", "relatime", "ro"]),
        ]

        var linux = Linux(
            namespaces: namespaces.map { LinuxNamespace(kind: $0) },
            maskedPaths: [
                "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi",
            ],
            readonlyPaths: ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]
        )
        if rootless {
            linux.uidMappings = [LinuxIDMapping(containerID: 0, hostID: hostUID ?? UInt32(geteuid()), size: 1)]
            linux.gidMappings = [LinuxIDMapping(containerID: 0, hostID: hostGID ?? UInt32(getegid()), size: 1)]
        } else {
            linux.resources = LinuxResources(devices: [LinuxDeviceCgroup(allow: false, access: "rwm")])
        }

        return Spec(
            process: process,
            root: Root(path: "rootfs", readonly: true),
            hostname: "runc",
            mounts: mounts,
            linux: linux
        )
    }
}
