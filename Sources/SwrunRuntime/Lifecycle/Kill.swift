import CShim
import Glibc
import OCI

extension Runtime {
    /// Sends a signal to the init, or with `all` to every process in the
    /// container's cgroup. The init is signalled through a pidfd opened
    /// after checking its start time, so a reused pid is never hit. Signal
    /// 0 only probes. With `all`, a stopped container's leftovers (processes
    /// of a shared pid namespace still in its cgroup) are signalled too, as
    /// runc does: containerd sends that on every pod stop.
    public func kill(id: String, signal: Int32, all: Bool) throws {
        let lock = try store.lock(id, exclusive: false)
        defer { lock.release() }
        let record = try store.load(id)
        let status = Runtime.status(of: record)
        if status == .stopped && all {
            for p in containerPids(record) { _ = Glibc.kill(p, signal) }
            return
        }
        guard status != .stopped else { throw RuntimeError("container not running") }
        // Without a pid namespace of its own the init's death takes nothing
        // with it: SIGKILL goes to the whole container.
        if all || (signal == SIGKILL && !record.ownPidNamespace) {
            try signalAll(record, signal)
        } else {
            try signalInit(record, signal)
        }
        // A frozen process acts on SIGKILL only once thawed.
        if status == .paused && signal == SIGKILL { try? Runtime.cgroupDriver(of: record).thaw() }
    }

    func signalInit(_ record: ContainerRecord, _ sig: Int32) throws {
        guard let pid = record.pid else { throw RuntimeError("container not running") }
        let pidfd = shim_pidfd_open(pid)
        if pidfd < 0 {
            if pidfd == -ESRCH { throw RuntimeError("container not running") }
            throw RuntimeError("pidfd_open \(pid)", errno: -pidfd)
        }
        defer { Sys.close(pidfd) }
        // The pidfd pins the process: check it is still our init.
        guard StatusResolver.initAlive(record) else { throw RuntimeError("container not running") }
        let r = shim_pidfd_send_signal(pidfd, sig)
        if r < 0 { throw RuntimeError("kill init \(pid) with signal \(sig)", errno: -r) }
    }

    func signalAll(_ record: ContainerRecord, _ sig: Int32) throws {
        if sig == SIGKILL { Runtime.cgroupDriver(of: record).killAtOnce() }
        let pids = containerPids(record)
        if pids.isEmpty, StatusResolver.initAlive(record) { try signalInit(record, sig) }
        for p in pids { _ = Glibc.kill(p, sig) }
    }

    /// The container's processes: all of a cgroup swrun made for it; in one
    /// the caller made beforehand, which others may share, only those in
    /// the container's own pid namespace (none can be told apart without).
    func containerPids(_ record: ContainerRecord) -> [Int32] {
        if record.cgroupPaths.isEmpty { return Runtime.pidNamespaceMembers(record) }
        let driver = Runtime.cgroupDriver(of: record)
        let shared = driver.cgroups.sharedPaths
        var pids = Set(driver.pids(in: driver.cgroups.madePaths))
        if !shared.isEmpty, record.ownPidNamespace, let initPid = record.pid, StatusResolver.initAlive(record),
           let ns = Sys.fileIdentity("/proc/\(initPid)/ns/pid") {
            for p in driver.pids(in: shared) where Sys.fileIdentity("/proc/\(p)/ns/pid") == ns { pids.insert(p) }
        }
        return pids.sorted()
    }

    /// A container without a cgroup (rootless): the processes in its own
    /// pid namespace, found through /proc; without one, just the init.
    static func pidNamespaceMembers(_ record: ContainerRecord) -> [Int32] {
        guard let initPid = record.pid, StatusResolver.initAlive(record) else { return [] }
        guard record.ownPidNamespace, let ns = Sys.fileIdentity("/proc/\(initPid)/ns/pid") else { return [initPid] }
        let pids = ((try? Sys.listDirectory("/proc")) ?? []).compactMap(Int32.init)
        return pids.filter { Sys.fileIdentity("/proc/\($0)/ns/pid") == ns }.sorted()
    }
}
