import CShim
import Glibc

/// Waits for a child while forwarding signals to it and, with a pty
/// master, copying between it and our own stdin/stdout.
struct ProcessWaiter {
    /// Every signal that can be caught and that no fault of swrun's own
    /// raises (as runc forwards all it receives): not SIGKILL/SIGSTOP, not
    /// SIGCHLD (ours), not the synchronous SIGSEGV/SIGBUS/SIGILL/SIGFPE/
    /// SIGTRAP/SIGSYS, not glibc's internal 32 and 33. SIGWINCH also
    /// resizes the proxied pty.
    static let forwarded: [Int32] = (1...64).map(Int32.init).filter {
        ![SIGKILL, SIGSTOP, SIGCHLD, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS, 32, 33].contains($0)
    }
    let pid: Int32
    let mask: sigset_t
    let ptyMaster: Int32
    /// A subreaper: reap every child (adopted orphans too), not only pid.
    var reapsAll = false

    /// The exit status, or 128+signal.
    func wait() -> Int32 {
        var mask = self.mask
        let sfd = shim_signalfd(&mask)
        var saved = termios()
        let raw = ptyMaster >= 0 && isatty(0) == 1 && tcgetattr(0, &saved) == 0
        if raw {
            var t = saved
            cfmakeraw(&t)
            tcsetattr(0, TCSANOW, &t)
            copyWindowSize()
        }
        defer {
            if raw { tcsetattr(0, TCSANOW, &saved) }
            Sys.close(sfd)
            Sys.close(ptyMaster)
        }
        var status: Int32 = 0
        var stdinOpen = ptyMaster >= 0
        var masterOpen = ptyMaster >= 0
        var exited = false
        while !exited || masterOpen {
            var fds = [pollfd(fd: sfd, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: stdinOpen ? 0 : -1, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: masterOpen ? ptyMaster : -1, events: Int16(POLLIN), revents: 0)]
            // Once the process is gone, only drain what the pty still holds.
            if poll(&fds, 3, exited ? 100 : -1) == 0 { break }
            if fds[0].revents != 0 {
                let sig = shim_signalfd_read(sfd)
                if sig > 0 {
                    if sig == SIGCHLD {
                        if reapsAll {
                            var st: Int32 = 0
                            while case let r = shim_waitpid(-1, &st, WNOHANG), r > 0 {
                                if r == pid { status = st; exited = true }
                            }
                        } else if shim_waitpid(pid, &status, WNOHANG) == pid {
                            exited = true
                        }
                    } else {
                        if sig == SIGWINCH { copyWindowSize() }
                        _ = Glibc.kill(pid, sig)
                    }
                }
            }
            if fds[1].revents != 0 { stdinOpen = copy(from: 0, to: ptyMaster) }
            if fds[2].revents != 0 { masterOpen = copy(from: ptyMaster, to: 1) }
        }
        if status & 0x7f == 0 { return (status >> 8) & 0xff }
        return 128 + (status & 0x7f)
    }

    /// Reaps every child that has exited.
    static func reapAll() {
        var st: Int32 = 0
        while shim_waitpid(-1, &st, WNOHANG) > 0 {}
    }

    private func copyWindowSize() {
        guard ptyMaster >= 0 else { return }
        var ws = winsize()
        if ioctl(0, UInt(TIOCGWINSZ), &ws) == 0 { _ = ioctl(ptyMaster, UInt(TIOCSWINSZ), &ws) }
    }

    /// Copies what is readable; false at end of input.
    private func copy(from: Int32, to: Int32) -> Bool {
        var buf = [UInt8](repeating: 0, count: 16384)
        let n = buf.withUnsafeMutableBytes { Glibc.read(from, $0.baseAddress, $0.count) }
        if n <= 0 { return n < 0 && (errno == EINTR || errno == EAGAIN) }
        try? Sys.writeAll(to, Array(buf[0..<n]))
        return true
    }
}
