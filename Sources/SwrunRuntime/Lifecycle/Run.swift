import CShim
import Glibc
import OCI

extension Runtime {
    /// create + start; without `detach`, waits for the init while
    /// forwarding signals to it (and proxying its terminal to ours when it
    /// has one and no console socket was given), deletes the container
    /// (unless `keep`) and returns its exit status (128+signal when
    /// killed). With `subreaper`, as runc does by default, a foreground run
    /// also adopts and reaps the container's orphaned processes (those of a
    /// container without its own pid namespace).
    public func run(id: String, _ options: CreateOptions, detach: Bool,
                    keep: Bool = false, subreaper: Bool = true) throws -> Int32 {
        var options = options
        options.proxyTerminal = !detach && options.consoleSocket == nil
        var mask = sigset_t()
        sigemptyset(&mask)
        let reaping = !detach && subreaper
        if !detach {
            // Blocked before the clone: a signal arriving meanwhile waits
            // for the loop below instead of killing swrun alone.
            for s in ProcessWaiter.forwarded + [SIGCHLD] { sigaddset(&mask, s) }
            sigprocmask(SIG_BLOCK, &mask, nil)
            if reaping { try check(shim_set_child_subreaper(), "prctl PR_SET_CHILD_SUBREAPER") }
        }
        var (record, ptySocket) = try createContainer(id: id, options)
        defer { Sys.close(ptySocket) }
        do {
            record = try start(id: id, created: record)
        } catch {
            try? delete(id: id, force: true)
            throw error
        }
        PhaseTimer.mark("start")
        if detach { return 0 }
        var master: Int32 = -1
        if ptySocket >= 0 { master = (try? ConsoleSocket.receiveFd(ptySocket)) ?? -1 }
        let status = ProcessWaiter(pid: record.pid!, mask: mask, ptyMaster: master, reapsAll: reaping).wait()
        PhaseTimer.mark("container ran")
        if keep { return status }
        try? delete(id: id, force: true, known: record)
        // Adopted processes that delete killed are ours to reap.
        if reaping { ProcessWaiter.reapAll() }
        PhaseTimer.mark("delete")
        return status
    }
}
