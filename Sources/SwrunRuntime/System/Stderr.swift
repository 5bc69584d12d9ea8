/// The one place swrun writes to stderr: the CLI's error line, warnings
/// for the user, debug log lines without --log, and timing traces.
public enum Stderr {
    public static func write(_ text: String) {
        try? Sys.writeAll(2, Array(text.utf8))
    }
}
