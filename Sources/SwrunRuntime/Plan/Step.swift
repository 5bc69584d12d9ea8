import OCI

/// One primitive the C child executes. The plan compiler produces a flat
/// list of these from config.json; unit tests assert on it directly.
/// Paths of mount targets, devices and masks are container paths, resolved
/// by the child inside the rootfs (symlinks cannot lead out of it).
public enum Step: Equatable {
    case syncWait
    case deathSignal(Int32)
    case dumpable(Bool)
    case setns(path: String, type: Int32)
    case unshare(flags: Int32)
    /// Sets the propagation of a host mount (`/`, or the rootfs's parent).
    case hostPropagation(path: String, flags: UInt)
    case rootfsBind(String)
    /// Without a mount namespace of the container's own: the rootfs is only
    /// opened (no mount), and later chrooted into (`chrootRoot`).
    case rootfsOpen(String)
    /// `copyUp`: the target's old content is copied into the new mount
    /// (tmpcopyup).
    case mount(source: String?, target: String, fstype: String?, flags: UInt, data: String?,
               create: MountTargetKind, sourceInRoot: Bool = false, copyUp: Bool = false)
    /// mount_setattr(2) on the mount at target (recursive r* options).
    case mountSetattr(target: String, set: UInt64, clear: UInt64, recursive: Bool)
    /// A bind mount whose ids are shifted by the mappings (idmap, ridmap):
    /// made detached by the parent, attached by the child.
    /// `recursiveTree` (rbind) copies the submounts; only `recursiveIdmap`
    /// (ridmap) shifts them too.
    case idmappedMount(source: String, target: String, uidMappings: [LinuxIDMapping], gidMappings: [LinuxIDMapping],
                       recursiveTree: Bool, recursiveIdmap: Bool, create: MountTargetKind)
    /// A bind mount in a user namespace: the parent cuts a detached
    /// copy of the source with the host's credentials (the init could not
    /// reach a source only root may search) in a mount namespace that
    /// keeps the host mounts' flags locked; the child attaches it.
    /// `recursive` (rbind) copies the submounts.
    case detachedBind(source: String, target: String, recursive: Bool, create: MountTargetKind)
    /// MS_REMOUNT|MS_BIND with `flags`, keeping the mount's locked flags.
    case remount(target: String, flags: UInt)
    /// A device node; what the image has at the path is replaced unless it
    /// already is that device.
    case mknod(path: String, mode: UInt32, major: Int64, minor: Int64, uid: UInt32, gid: UInt32)
    /// In a user namespace (no mknod): the host's node at `path`, checked to
    /// be that device, bound onto `path` in the rootfs.
    case bindDevice(path: String, mode: UInt32, major: Int64, minor: Int64)
    /// `replace`: what the image has at the path goes unless it is this
    /// very symlink; else it is kept.
    case symlink(linkText: String, path: String, replace: Bool = false)
    case mkdir(path: String)
    case pivotRoot
    case moveRoot
    case chrootRoot
    /// Before pivot_root: a read-only copy of the host's /dev/null, checked
    /// to be the 1:3 device, for the masks of files to bind.
    case maskSource
    /// After entering the root: stdio on the host's /dev/null (a host
    /// mount CRIU cannot find in the container) moves to the container's.
    case reopenDevNull
    case maskPath(String)
    case readonlyPath(String)
    case sethostname(String)
    case setdomainname(String)
    case setrlimit(name: String, resource: Int32, soft: UInt64, hard: UInt64)
    case writeFile(path: String, content: String)
    /// process.cwd, first with the runtime's credentials (a refusal is
    /// left to the retry), then `asUser`, after the uid change, only if
    /// the first attempt was refused: as runc's init.
    case chdir(String, asUser: Bool = false)
    case umask(UInt32)
    case setgroups([UInt32])
    case setresgid(UInt32)
    case setresuid(UInt32)
    case keepCaps(Bool)
    case capBoundingLimit(keep: UInt64, lastCap: Int)
    case capset(effective: UInt64, permitted: UInt64, inheritable: UInt64)
    case ambient(raise: UInt64, lastCap: Int)
    case noNewPrivileges
    case seccomp(program: [UInt64], flags: UInt32)
    case preserveFds(Int)
    case lookupExecutable(name: String, searchPath: String)
    case ready
    case waitExecFifo(path: String)
    case exec
    case setsid
    /// A hook the init runs itself (createContainer, startContainer); the
    /// state JSON is read from the fd the parent fills (`hookStateFd`).
    case runHook(path: String, args: [String], env: [String], timeoutSeconds: Int, stateFd: Int32)
    case personality(UInt)
    /// ioprio_set(2) value: class << 13 | priority.
    case ioPriority(Int32)
    case scheduler(policy: UInt32, flags: UInt64, nice: Int32, priority: UInt32,
                   runtime: UInt64, deadline: UInt64, period: UInt64)
    /// sched_setaffinity(2) from a CPU list such as "0-3,7".
    case cpuAffinity(String)
    /// set_mempolicy(2): mode with its flags, and a node list.
    case memoryPolicy(mode: Int32, nodes: String?)
    /// fchown of fds 0-2 to the process's uid (not /dev/null).
    case fixStdio(uid: UInt32)
    /// A pty from the container's devpts becomes the process's terminal;
    /// its master goes to the console socket. `console` (the init): the pty
    /// is bound onto /dev/console too.
    case terminal(rows: UInt, cols: UInt, uid: UInt32, console: Bool = false)
}

public enum MountTargetKind: Int64, Equatable {
    case none = 0
    case directory = 1
    case file = 2
    /// After the source's kind, seen by the child when it mounts (a source
    /// inside the rootfs may be made by an earlier mount).
    case likeSource = 3
}

extension Step: CustomStringConvertible {
    /// How the step is named in an error message.
    public var description: String {
        switch self {
        case .syncWait: return "wait for the parent"
        case .deathSignal: return "set the parent-death signal"
        case let .dumpable(on): return on ? "make the init dumpable for its id maps" : "make the init non-dumpable again"
        case let .setns(path, _): return "join namespace \(path)"
        case let .unshare(flags): return "unshare \(NamespaceKinds.names(cloneFlags: flags))"
        case let .hostPropagation(path, flags): return "set propagation of \(path) to \(MountFlags.describe(flags))"
        case let .rootfsBind(path): return "bind the rootfs \(path) onto itself"
        case let .rootfsOpen(path): return "open the rootfs \(path)"
        case let .mountSetattr(target, set, clear, recursive):
            return "set mount attributes of \(target) (set 0x\(String(set, radix: 16)), clear 0x\(String(clear, radix: 16))\(recursive ? ", recursively" : ""))"
        case let .idmappedMount(source, target, _, _, _, _, _): return "idmapped bind mount \(source) on \(target)"
        case let .detachedBind(source, target, recursive, _):
            return "\(recursive ? "rbind" : "bind") mount \(source) on \(target) (opened before the user namespace)"
        case let .mount(source, target, fstype, flags, data, _, _, _):
            var s = "mount \(source ?? "none") on \(target)"
            if let fstype { s += " type \(fstype)" }
            s += " (\(MountFlags.describe(flags))"
            if let data, !data.isEmpty { s += ", \(data)" }
            return s + ")"
        case let .remount(target, flags): return "remount \(target) (\(MountFlags.describe(flags)))"
        case let .mknod(path, _, major, minor, _, _): return "create device \(path) (\(major):\(minor))"
        case let .bindDevice(path, _, major, minor): return "bind the host's device \(path) (\(major):\(minor))"
        case let .symlink(text, path, _): return "symlink \(path) -> \(text)"
        case let .mkdir(path): return "create directory \(path)"
        case .pivotRoot: return "pivot_root into the rootfs"
        case .moveRoot: return "move the rootfs onto / (--no-pivot)"
        case .chrootRoot: return "chroot into the rootfs (no mount namespace in linux.namespaces)"
        case .maskSource: return "open the host's /dev/null to mask paths with (linux.maskedPaths)"
        case .reopenDevNull: return "reopen stdio on the host's /dev/null as the container's /dev/null"
        case let .maskPath(p): return "mask \(p) (linux.maskedPaths)"
        case let .readonlyPath(p): return "make \(p) read-only (linux.readonlyPaths)"
        case let .sethostname(h): return "set hostname \(h)"
        case let .setdomainname(d): return "set domainname \(d)"
        case let .setrlimit(name, _, soft, hard): return "set \(name) to soft \(soft) hard \(hard) (process.rlimits)"
        case let .writeFile(path, content): return "write \(content) to \(path)"
        case let .chdir(p, asUser): return "change to the working directory \(p)\(asUser ? " as the process's user" : "") (process.cwd)"
        case let .umask(m): return "set umask \(String(m, radix: 8))"
        case let .setgroups(g): return "set additional groups \(g) (process.user.additionalGids)"
        case let .setresgid(g): return "set gid \(g) (process.user.gid)"
        case let .setresuid(u): return "set uid \(u) (process.user.uid)"
        case .keepCaps: return "keep capabilities across the uid change"
        case .capBoundingLimit: return "limit the capability bounding set (process.capabilities.bounding)"
        case .capset: return "set capabilities (process.capabilities)"
        case .ambient: return "raise ambient capabilities (process.capabilities.ambient)"
        case .noNewPrivileges: return "set no_new_privs (process.noNewPrivileges)"
        case .seccomp: return "load the seccomp filter (linux.seccomp)"
        case let .preserveFds(n): return "close fds above \(2 + n)"
        case let .lookupExecutable(name, _): return "find the executable \(name) (process.args[0])"
        case let .runHook(path, _, _, _, _): return "run hook \(path)"
        case .personality: return "set the execution domain (linux.personality)"
        case .ioPriority: return "set the I/O priority (process.ioPriority)"
        case .scheduler: return "set the scheduling policy (process.scheduler)"
        case let .cpuAffinity(cpus): return "set the CPU affinity to \(cpus) (process.execCPUAffinity)"
        case let .fixStdio(uid): return "give stdio to uid \(uid)"
        case let .memoryPolicy(_, nodes): return "set the NUMA memory policy\(nodes.map { " on nodes \($0)" } ?? "") (linux.memoryPolicy)"
        case .ready: return "report ready"
        case .waitExecFifo: return "wait for start on the exec fifo"
        case .exec: return "exec the container process"
        case .setsid: return "create a session"
        case .terminal: return "set up the terminal (process.terminal, --console-socket)"
        }
    }
}
