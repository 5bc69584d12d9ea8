import CShim
import Glibc
import OCI

extension Runtime {
    /// create + start; without `detach`, waits for the init while
    /// forwarding signals to it, deletes the container and returns its
    /// exit status (128+signal when killed).
    public func run(id: String, _ options: CreateOptions, detach: Bool) throws -> Int32 {
        let forwarded: [Int32] = [SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT, SIGTSTP]
        var set = sigset_t()
        sigemptyset(&set)
        if !detach {
            // Blocked before the clone: a signal arriving meanwhile waits
            // for the loop below instead of killing swrun alone.
            for s in forwarded + [SIGCHLD] { sigaddset(&set, s) }
            sigprocmask(SIG_BLOCK, &set, nil)
        }
        let record = try create(id: id, options)
        do {
            try start(id: id, created: record)
        } catch {
            try? delete(id: id, force: true)
            throw error
        }
        PhaseTimer.mark("start")
        if detach { return 0 }
        let pid = record.pid!
        var status: Int32 = 0
        while true {
            var info = siginfo_t()
            let sig = sigwaitinfo(&set, &info)
            if sig < 0 { continue }
            if sig == SIGCHLD {
                let r = shim_waitpid(pid, &status, WNOHANG)
                if r == pid { break }
                if r == -ECHILD { status = 255 << 8; break }
                continue
            }
            _ = Glibc.kill(pid, sig)
        }
        PhaseTimer.mark("container ran")
        try? delete(id: id, force: true)
        PhaseTimer.mark("delete")
        if status & 0x7f == 0 { return (status >> 8) & 0xff }
        return 128 + (status & 0x7f)
    }
}
