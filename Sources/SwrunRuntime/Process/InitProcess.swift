import OCI

/// The container init from the parent's side: clone it from the plan,
/// finish what only the parent can do (id maps), release it, and read
/// back READY or the failing step.
struct InitProcess {
    let child: ChildProcess
    var pid: Int32 { child.pid }

    /// `cgroupFd`: a v2 cgroup directory to clone the init into.
    static func spawn(_ plan: InitPlan, consoleFd: Int32 = -1, cgroupFd: Int32 = -1) throws -> InitProcess {
        InitProcess(child: try ChildProcess.spawn(plan, consoleFd: consoleFd, cgroupFd: cgroupFd,
                                                  role: "the container init", operation: "create container"))
    }

    /// Writes the user namespace's id maps (the child waits for them).
    func writeIDMaps() throws {
        let plan = child.plan
        guard plan.newUserNamespace else { return }
        try IDMapWriter.write(pid: pid, uids: plan.uidMappings, gids: plan.gidMappings, denySetgroups: plan.setgroupsDenied)
    }

    /// Lets the init run on to its next wait step (the plan has up to
    /// three: after the id maps, after the cgroup join, after the
    /// runtime's hooks).
    func proceed() throws { try child.proceed() }

    func waitReady(seccompListener: (Int32) throws -> Void) throws {
        try child.waitReady(seccompListener: seccompListener)
    }

    func setOOMScoreAdj(_ adj: Int) throws { try child.setOOMScoreAdj(adj) }

    func abandon() { child.abandon() }
}
