import OCI

/// What `exec` needs to know of a running container.
public struct ExecTarget {
    public init(initPid: Int32, namespaces: [(type: String, flag: Int32)]) {
        self.initPid = initPid
        self.namespaces = namespaces
    }
    public var initPid: Int32
    /// Namespaces of the init that differ from ours, as (type, flag):
    /// the ones the new process joins.
    public var namespaces: [(type: String, flag: Int32)]
    /// The init's user namespace, joined, denies setgroups (rootless).
    public var setgroupsDenied = false
}

/// Compiles the plan of a process joining a running container: the
/// init's namespaces (user first, pid before clone), its cgroups (by the
/// parent), then the same process steps as the init.
public enum ExecPlanCompiler {
    /// `personality`, `memoryPolicy`: the container's, as its init got them.
    public static func compile(_ process: Process, target: ExecTarget, preserveFds: Int,
                               seccomp: SeccompCompiler.Program? = nil, personality: LinuxPersonality? = nil,
                               memoryPolicy: LinuxMemoryPolicy? = nil) throws -> InitPlan {
        // exec's process comes with no config.json to validate: the OCI
        // validator checks it here, naming the field as the init's would.
        let problems = validateProcess(process, at: "process")
        if !problems.isEmpty { throw RuntimeError(problems.map { "\($0.path): \($0.message)" }.joined(separator: "\n")) }
        var plan = InitPlan()
        plan.argv = process.args ?? []
        plan.env = process.env ?? []
        // execCPUAffinity: `initial` before the parent joins the cgroups
        // (a cpuset join resets the affinity), `final` after.
        var s: [Step] = [.deathSignal(9)]
        if let cpus = process.execCPUAffinity?.initial {
            s.append(.cpuAffinity(cpus))
        }
        s.append(.syncWait)
        if let cpus = process.execCPUAffinity?.final {
            s.append(.cpuAffinity(cpus))
        }
        // A container in the runtime's mount namespace is only a chroot:
        // the process enters the init's root (runc 1.1.5 leaves it in the
        // host's). Opened before the setns steps, chrooted after them (a
        // chrooted process cannot join a user namespace).
        let sameMountNS = !target.namespaces.contains { $0.flag == NamespaceKinds.newns }
        if sameMountNS { s.append(.rootfsOpen("/proc/\(target.initPid)/root")) }
        for (type, flag) in NamespaceKinds.ordered where target.namespaces.contains(where: { $0.flag == flag }) {
            let path = "/proc/\(target.initPid)/ns/\(procName(type))"
            if type == "pid" { plan.pidNamespacePath = path } else { s.append(.setns(path: path, type: flag)) }
        }
        if sameMountNS { s.append(.chrootRoot) }
        s.append(.setsid)
        if let p = personality { s.append(try ProcessScheduling.personalityStep(p)) }
        if let m = memoryPolicy { s.append(try ProcessScheduling.memoryPolicyStep(m)) }
        s += try InitPlanCompiler.processSteps(process, env: plan.env, preserveFds: preserveFds, seccomp: seccomp,
                                               setgroupsDenied: target.setgroupsDenied)
        s += InitPlanCompiler.lateSeccomp(process, seccomp)
        s.append(.exec)
        plan.steps = s
        return plan
    }

    /// The name of a namespace type in /proc/PID/ns.
    static func procName(_ type: String) -> String {
        switch type {
        case "network": return "net"
        case "mount": return "mnt"
        default: return type
        }
    }
}
