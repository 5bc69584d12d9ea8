/// A process exec'd into a running container, from the parent's side: it
/// joins the init's namespaces itself; the parent puts it in the cgroups,
/// releases it once, and reads back READY or the failing step.
struct ExecProcess {
    let child: ChildProcess
    var pid: Int32 { child.pid }

    /// `cgroupFd`: the container's v2 cgroup directory to clone it into.
    static func spawn(_ plan: InitPlan, consoleFd: Int32, cgroupFd: Int32) throws -> ExecProcess {
        ExecProcess(child: try ChildProcess.spawn(plan, consoleFd: consoleFd, cgroupFd: cgroupFd,
                                                  role: "the exec process", operation: "exec"))
    }

    /// Releases it (its plan has one wait step, for the cgroup join).
    func proceed() throws { try child.proceed() }

    func waitReady(seccompListener: (Int32) throws -> Void) throws {
        try child.waitReady(seccompListener: seccompListener)
    }

    func setOOMScoreAdj(_ adj: Int) throws { try child.setOOMScoreAdj(adj) }

    func abandon() { child.abandon() }
}
