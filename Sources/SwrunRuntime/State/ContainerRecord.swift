import Glibc
import OCI

/// What swrun persists in `<root>/<id>/state.json`: the OCI state fields
/// plus what later invocations need to act on the container safely.
public struct ContainerRecord: Codable, Equatable {
    /// Format version of state.json.
    public var version: Int
    public var swrunVersion: String
    public var ociVersion: String
    public var id: String
    /// The last status a verb recorded: creating, created or running. What
    /// `state` reports is derived from this and the init's liveness.
    public var status: ContainerStatus
    public var pid: Int32?
    /// /proc/PID/stat field 22 of the init when it was created.
    public var initStartTime: UInt64?
    public var bundle: String
    public var rootfs: String
    public var created: String
    public var owner: String
    public var annotations: [String: String]?
    /// Cgroup directories the container was put in, one per hierarchy.
    public var cgroupPaths: [String]
    /// Directories swrun created (deepest first): the only ones delete removes.
    public var createdCgroupDirs: [String]
    /// The driver that made the cgroups; absent in records of older
    /// swrun versions, whose paths show it.
    public var cgroupDriver: CgroupDriverKind?
    /// Whether the container has its own pid namespace (kill --all, delete).
    public var ownPidNamespace: Bool
    /// The `create` (or `run`) process while the status is `creating`:
    /// alive means creation is under way, gone means it crashed.
    /// The config's process, the defaults of `exec`.
    public var process: Process?
    /// The config's hooks as they were at create: later edits of the
    /// bundle do not change what start and delete run.
    public var hooks: Hooks?
    /// The config's seccomp profile, which exec'd processes get too.
    public var seccomp: LinuxSeccomp?
    /// The config's execution domain and NUMA memory policy, which exec'd
    /// processes get too (neither is inherited through setns).
    public var personality: LinuxPersonality?
    public var memoryPolicy: LinuxMemoryPolicy?
    /// What checkpoint tells CRIU (`Checkpoint/CriuMounts.swift`): the
    /// config's mounts, masked paths, device node paths (the defaults and
    /// `linux.devices`) and namespaces. Absent in records of older swrun
    /// versions: such a container is checkpointed as if it had none.
    public var mounts: [Mount]?
    public var maskedPaths: [String]?
    public var devicePaths: [String]?
    public var namespaces: [LinuxNamespace]?
    public var creatorPid: Int32
    public var creatorStartTime: UInt64

    public init(id: String, bundle: String, rootfs: String, created: String, owner: String,
                annotations: [String: String]?, ownPidNamespace: Bool) {
        self.version = ContainerRecord.formatVersion
        self.swrunVersion = RuntimeFeatures.version
        self.ociVersion = OCIVersion.current
        self.id = id
        self.status = .creating
        self.bundle = bundle
        self.rootfs = rootfs
        self.created = created
        self.owner = owner
        self.annotations = annotations
        self.cgroupPaths = []
        self.createdCgroupDirs = []
        self.ownPidNamespace = ownPidNamespace
        self.creatorPid = getpid()
        self.creatorStartTime = ProcStat.read(pid: getpid())?.startTime ?? 0
    }

    public static let formatVersion = 1
}

public enum OCIVersion {
    public static let current = "1.3.0"
}

extension ContainerRecord {
    /// Keeps the parts of the config later verbs act on.
    mutating func keep(_ spec: Spec) {
        process = spec.process
        seccomp = spec.linux?.seccomp
        personality = spec.linux?.personality
        memoryPolicy = spec.linux?.memoryPolicy
        hooks = spec.hooks
        mounts = spec.mounts
        maskedPaths = spec.linux?.maskedPaths
        let devices = DevicePlan.defaults.map(\.path) + (spec.linux?.devices ?? []).map(\.path)
        devicePaths = devices.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
        namespaces = spec.linux?.namespaces
    }
}
