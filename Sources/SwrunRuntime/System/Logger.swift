import Glibc
import OCI

/// Log lines for `--log FILE` in runc's formats: text, or one JSON object
/// per line (`{"level":"error","msg":"...","time":"..."}`) as containerd
/// and podman parse them. Without --log, errors go to stderr only.
public final class Logger {
    public enum Format: String { case text, json }

    private let fd: Int32
    private let format: Format
    private let debugEnabled: Bool

    public init(path: String?, format: Format, debug: Bool) throws {
        self.format = format
        self.debugEnabled = debug
        if let path, !path.isEmpty {
            fd = try Sys.open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        } else {
            fd = -1
        }
    }

    public static let none = try! Logger(path: nil, format: .text, debug: false)

    public var hasFile: Bool { fd >= 0 }

    public func error(_ msg: String) { write("error", msg) }
    public func warning(_ msg: String) { write("warning", msg) }
    public func debug(_ msg: String) { if debugEnabled { write("debug", msg) } }

    /// A warning for whoever runs swrun: into the --log file when there is
    /// one (clients such as containerd hand swrun's stderr to the
    /// container's own output), else to stderr.
    public func warnUser(_ msg: String) {
        if fd >= 0 {
            write("warning", msg)
        } else {
            Stderr.write("swrun: warning: \(msg)\n")
        }
    }

    private func write(_ level: String, _ msg: String) {
        let time = Clock.rfc3339(nanos: false)
        let line: String
        switch format {
        case .json:
            line = "{\"level\":\"\(level)\",\"msg\":\(JSONText.quote(msg)),\"time\":\"\(time)\"}\n"
        case .text:
            line = "time=\"\(time)\" level=\(level) msg=\(JSONText.quote(msg))\n"
        }
        if fd >= 0 {
            try? Sys.writeAll(fd, Array(line.utf8))
        } else if debugEnabled && level != "error" {
            Stderr.write(line)
        }
    }
}

public enum JSONText {
    /// A JSON string literal for s.
    public static func quote(_ s: String) -> String { jsonQuoted(s) }
}
