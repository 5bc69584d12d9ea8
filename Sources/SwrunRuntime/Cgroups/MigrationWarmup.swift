import CShim
import Glibc

/// Starts, early in create, the RCU grace period that the first cgroup v1
/// migration of the init would otherwise wait for on its own.
///
/// Every write to a cgroup.procs file takes the global
/// cgroup_threadgroup_rwsem for writing, and a writer that finds the
/// rwsem's rcu_sync idle waits a full RCU grace period (10-30 ms here);
/// writers within a grace period of the last one do not. v1 has no
/// CLONE_INTO_CGROUP, so the init's first join pays it, after the clone.
/// A helper process writing "0" (itself) into the cgroup.procs of the
/// cgroup it is already in is a no-op migration that starts that wait
/// while create publishes its state and plans; the kernel holds
/// cgroup_mutex through the wait, so the cgroup mkdirs after it wait for
/// its end, and the join then costs no grace period of its own.
struct MigrationWarmup {
    private(set) var pid: Int32 = -1

    /// Nothing on a host without v1 hierarchies: the init is cloned
    /// straight into its v2 cgroup.
    init(_ hierarchies: [CgroupHierarchy]) {
        // A no-op migration calls no controller, but keep off memory,
        // where the host's own cgroups live.
        let v1 = hierarchies.filter { !$0.isV2 && !$0.controllers.contains("memory") }
        guard let h = v1.first(where: { $0.controllers == ["pids"] }) ?? v1.first else { return }
        let procs = h.mountPoint + (h.ownPath == "/" ? "" : h.ownPath) + "/cgroup.procs"
        pid = max(shim_spawn_write(procs, "0"), -1)
    }

    /// Reaps the helper (it ends within one grace period).
    mutating func finish() {
        guard pid > 0 else { return }
        var status: Int32 = 0
        _ = shim_waitpid(pid, &status, 0)
        pid = -1
    }
}
