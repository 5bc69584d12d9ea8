/// The fields of /proc/PID/stat that identify a process over time.
public struct ProcStat: Equatable {
    /// One of R S D Z T t X I ...
    public var state: Character
    /// Field 22: start time in clock ticks since boot. With the pid it names
    /// one process for good, so a reused pid is never mistaken for the init.
    public var startTime: UInt64
    /// Field 9, the kernel's PF_* flags.
    public var flags: UInt64 = 0

    public var isDead: Bool { state == "Z" || state == "X" }
    /// Dead, or past the point of no return in do_exit (PF_EXITING).
    public var isExiting: Bool { isDead || flags & 0x4 != 0 }

    /// Parses the text of /proc/PID/stat. The command name (field 2) is in
    /// parentheses and may itself contain spaces and parentheses, so fields
    /// are counted from the last ')'.
    public static func parse(_ text: String) -> ProcStat? {
        guard let close = text.lastIndex(of: ")") else { return nil }
        let rest = text[text.index(after: close)...].split(separator: " ")
        // rest[0] is field 3 (state); field 9 is rest[6], field 22 rest[19].
        guard rest.count > 19, let st = rest[0].first, let start = UInt64(rest[19]) else { return nil }
        return ProcStat(state: st, startTime: start, flags: UInt64(rest[6]) ?? 0)
    }

    public static func read(pid: Int32) -> ProcStat? {
        guard let text = try? Sys.readText("/proc/\(pid)/stat") else { return nil }
        return parse(text)
    }
}
