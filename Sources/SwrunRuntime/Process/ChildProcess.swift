import CShim
import Glibc
import OCI

/// A process cloned from a plan, from the parent's side: the sync socket
/// it waits on between steps, and the report (READY, a seccomp listener
/// fd, or the failing step) it sends back. InitProcess and ExecProcess
/// add what differs between the container init and an exec'd process.
struct ChildProcess {
    let pid: Int32
    private let sync: Int32
    let plan: InitPlan
    /// What errors are prefixed with: "create container", "exec".
    let operation: String

    /// Clones the child. The process must be single-threaded: the child
    /// runs C only, and a lock held by another thread would stay held.
    /// `cgroupFd`: a v2 cgroup directory to clone the child into.
    static func spawn(_ plan: InitPlan, consoleFd: Int32, cgroupFd: Int32,
                      role: String, operation: String) throws -> ChildProcess {
        let threads = shim_thread_count()
        if threads != 1 {
            throw RuntimeError("refusing to clone the init: swrun has \(threads) threads, must have 1")
        }
        var sv: [Int32] = [-1, -1]
        if socketpair(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &sv) < 0 {
            throw RuntimeError("socketpair", errno: errno)
        }
        let lowered: LoweredPlan
        do {
            lowered = try LoweredPlan(plan, syncFd: sv[1], parentSyncFd: sv[0], consoleFd: consoleFd, cgroupFd: cgroupFd)
        } catch {
            Sys.close(sv[0]); Sys.close(sv[1])
            throw error
        }
        var cplan = lowered.plan
        let pid = shim_spawn(&cplan, nil)
        Sys.close(sv[1])
        lowered.release()
        if pid < 0 {
            Sys.close(sv[0])
            let namespaces = NamespaceKinds.names(cloneFlags: plan.cloneFlags)
            throw RuntimeError("clone3 \(role)\(namespaces.isEmpty ? "" : " (new \(namespaces))")", errno: -pid)
        }
        return ChildProcess(pid: pid, sync: sv[0], plan: plan, operation: operation)
    }

    /// Lets the child run on to its next wait step.
    func proceed() throws {
        var go: UInt8 = 1
        if Glibc.send(sync, &go, 1, Int32(MSG_NOSIGNAL)) != 1 {
            // The child died: its report says why.
            try waitReady()
            throw RuntimeError("release the container init", errno: errno)
        }
    }

    /// Waits for READY, or the error of the step that failed. A seccomp
    /// listener fd the child sends on the way goes to `seccompListener`
    /// (which owns it).
    func waitReady(seccompListener: (Int32) throws -> Void = { Sys.close($0) }) throws {
        var report = shim_report()
        var n = 0
        var recvErrno: Int32 = 0
        while true {
            var fd: Int32 = -1
            (n, recvErrno) = receive(&report, fd: &fd)
            guard n > 0, report.kind == Int32(SHIM_REPORT_SECCOMP_FD.rawValue) else {
                Sys.close(fd)
                break
            }
            guard fd >= 0 else { throw RuntimeError("\(operation): the seccomp listener fd did not arrive") }
            try seccompListener(fd)
        }
        Sys.close(sync)
        if n <= 0 {
            throw RuntimeError("the container init exited during setup without a report", errno: n < 0 ? recvErrno : nil)
        }
        if report.kind == Int32(SHIM_REPORT_READY.rawValue) { return }
        throw StepFailure(report: report, plan: plan).error(operation: operation)
    }

    /// One report off the sync socket: its length (-1 on error) and errno.
    private func receive(_ report: inout shim_report, fd: inout Int32) -> (Int, Int32) {
        var recvErrno: Int32 = 0
        let n = withUnsafeMutableBytes(of: &report) { buf -> Int in
            var resets = 0
            while true {
                let r = shim_recv_with_fd(sync, buf.baseAddress, buf.count, &fd)
                if r >= 0 { return r }
                // A child that exited with our go bytes unread resets the
                // socket; its report is still queued behind that error.
                if r == -Int(ECONNRESET) && resets < 1 { resets += 1; continue }
                recvErrno = Int32(-r)
                return -1
            }
        }
        return (n, recvErrno)
    }

    func setOOMScoreAdj(_ adj: Int) throws {
        do {
            try Sys.writeExisting("/proc/\(pid)/oom_score_adj", "\(adj)")
        } catch let e as RuntimeError {
            throw RuntimeError("process.oomScoreAdj: write \(adj) to", path: "/proc/\(pid)/oom_score_adj", errno: e.errno)
        }
    }

    /// Kills and reaps a child that will not become a container.
    func abandon() {
        Sys.close(sync)
        kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = shim_waitpid(pid, &status, 0)
    }
}
