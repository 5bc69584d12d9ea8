import FoundationEssentials

/// `process`: the program the container runs (also the format of
/// `runc exec --process`).
public struct Process: Codable, Equatable, Sendable {
    public var terminal: Bool?
    public var consoleSize: ConsoleSize?
    public var user: User
    public var args: [String]?
    public var env: [String]?
    public var cwd: String
    public var capabilities: LinuxCapabilities?
    public var rlimits: [POSIXRlimit]?
    public var noNewPrivileges: Bool?
    public var apparmorProfile: String?
    public var oomScoreAdj: Int?
    public var selinuxLabel: String?
    public var ioPriority: LinuxIOPriority?
    public var scheduler: LinuxScheduler?
    public var execCPUAffinity: LinuxExecCPUAffinity?

    public init(
        terminal: Bool? = nil,
        consoleSize: ConsoleSize? = nil,
        user: User = User(),
        args: [String]? = nil,
        env: [String]? = nil,
        cwd: String = "/",
        capabilities: LinuxCapabilities? = nil,
        rlimits: [POSIXRlimit]? = nil,
        noNewPrivileges: Bool? = nil,
        apparmorProfile: String? = nil,
        oomScoreAdj: Int? = nil,
        selinuxLabel: String? = nil,
        ioPriority: LinuxIOPriority? = nil,
        scheduler: LinuxScheduler? = nil,
        execCPUAffinity: LinuxExecCPUAffinity? = nil
    ) {
        self.terminal = terminal
        self.consoleSize = consoleSize
        self.user = user
        self.args = args
        self.env = env
        self.cwd = cwd
        self.capabilities = capabilities
        self.rlimits = rlimits
        self.noNewPrivileges = noNewPrivileges
        self.apparmorProfile = apparmorProfile
        self.oomScoreAdj = oomScoreAdj
        self.selinuxLabel = selinuxLabel
        self.ioPriority = ioPriority
        self.scheduler = scheduler
        self.execCPUAffinity = execCPUAffinity
    }

    private enum CodingKeys: String, CodingKey {
        case terminal, consoleSize, user, args, env, cwd, capabilities, rlimits
        case noNewPrivileges, apparmorProfile, oomScoreAdj, selinuxLabel
        case ioPriority, scheduler, execCPUAffinity
    }

    // Hand-written only so that a missing `user` means uid 0 / gid 0, as in runc;
    // the JSON schema does not require `user`.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        terminal = try c.decodeIfPresent(Bool.self, forKey: .terminal)
        consoleSize = try c.decodeIfPresent(ConsoleSize.self, forKey: .consoleSize)
        user = try c.decodeIfPresent(User.self, forKey: .user) ?? User()
        args = try c.decodeIfPresent([String].self, forKey: .args)
        env = try c.decodeIfPresent([String].self, forKey: .env)
        cwd = try c.decode(String.self, forKey: .cwd)
        capabilities = try c.decodeIfPresent(LinuxCapabilities.self, forKey: .capabilities)
        rlimits = try c.decodeIfPresent([POSIXRlimit].self, forKey: .rlimits)
        noNewPrivileges = try c.decodeIfPresent(Bool.self, forKey: .noNewPrivileges)
        apparmorProfile = try c.decodeIfPresent(String.self, forKey: .apparmorProfile)
        oomScoreAdj = try c.decodeIfPresent(Int.self, forKey: .oomScoreAdj)
        selinuxLabel = try c.decodeIfPresent(String.self, forKey: .selinuxLabel)
        ioPriority = try c.decodeIfPresent(LinuxIOPriority.self, forKey: .ioPriority)
        scheduler = try c.decodeIfPresent(LinuxScheduler.self, forKey: .scheduler)
        execCPUAffinity = try c.decodeIfPresent(LinuxExecCPUAffinity.self, forKey: .execCPUAffinity)
    }
}

/// `process.user` (POSIX form; the Windows `username` is not modelled).
public struct User: Codable, Equatable, Sendable {
    public var uid: UInt32
    public var gid: UInt32
    public var umask: UInt32?
    public var additionalGids: [UInt32]?

    public init(uid: UInt32 = 0, gid: UInt32 = 0, umask: UInt32? = nil, additionalGids: [UInt32]? = nil) {
        self.uid = uid
        self.gid = gid
        self.umask = umask
        self.additionalGids = additionalGids
    }
}

/// `process.consoleSize`, in characters.
public struct ConsoleSize: Codable, Equatable, Sendable {
    public var height: UInt
    public var width: UInt

    public init(height: UInt, width: UInt) {
        self.height = height
        self.width = width
    }
}
