import Glibc

/// Signal names and numbers as `kill` accepts them: "TERM", "SIGTERM", "15".
public enum Signals {
    public static let table: [(String, Int32)] = [
        ("HUP", SIGHUP), ("INT", SIGINT), ("QUIT", SIGQUIT), ("ILL", SIGILL),
        ("TRAP", SIGTRAP), ("ABRT", SIGABRT), ("IOT", SIGIOT), ("BUS", SIGBUS),
        ("FPE", SIGFPE), ("KILL", SIGKILL), ("USR1", SIGUSR1), ("SEGV", SIGSEGV),
        ("USR2", SIGUSR2), ("PIPE", SIGPIPE), ("ALRM", SIGALRM), ("TERM", SIGTERM),
        ("STKFLT", SIGSTKFLT), ("CHLD", SIGCHLD), ("CONT", SIGCONT), ("STOP", SIGSTOP),
        ("TSTP", SIGTSTP), ("TTIN", SIGTTIN), ("TTOU", SIGTTOU), ("URG", SIGURG),
        ("XCPU", SIGXCPU), ("XFSZ", SIGXFSZ), ("VTALRM", SIGVTALRM), ("PROF", SIGPROF),
        ("WINCH", SIGWINCH), ("IO", SIGIO), ("POLL", SIGPOLL), ("PWR", SIGPWR), ("SYS", SIGSYS),
    ]

    /// Parses a signal name or number; nil when it names no signal.
    public static func parse(_ text: String) -> Int32? {
        if let n = Int32(text) {
            return n > 0 && n <= SIGRTMAX ? n : nil
        }
        var name = text.uppercased()
        if name.hasPrefix("SIG") { name.removeFirst(3) }
        if let hit = table.first(where: { $0.0 == name }) { return hit.1 }
        if name.hasPrefix("RTMIN") || name.hasPrefix("RTMAX") {
            let base = name.hasPrefix("RTMIN") ? SIGRTMIN : SIGRTMAX
            let tail = name.dropFirst(5)
            if tail.isEmpty { return base }
            guard let off = Int32(tail), (name.hasPrefix("RTMIN") ? off > 0 : off < 0) else { return nil }
            let n = base + off
            return n >= SIGRTMIN && n <= SIGRTMAX ? n : nil
        }
        return nil
    }
}

// Glibc exposes SIGRTMIN/SIGRTMAX as functions in C; Swift sees neither.
let SIGRTMIN: Int32 = __libc_current_sigrtmin()
let SIGRTMAX: Int32 = __libc_current_sigrtmax()
