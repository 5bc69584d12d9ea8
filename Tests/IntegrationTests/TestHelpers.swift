import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Small helpers

func readFile(_ path: String) -> String? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var data = [UInt8]()
    var buf = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = read(fd, &buf, buf.count)
        if n < 0 { if errno == EINTR { continue }; return nil }
        if n == 0 { break }
        data.append(contentsOf: buf[0..<n])
    }
    return String(decoding: data, as: UTF8.self)
}

func writeFile(_ path: String, _ contents: String, mode: mode_t = 0o644) throws {
    try contents.write(toFile: path, atomically: false, encoding: .utf8)
    chmod(path, mode)
}

func readLink(_ path: String) -> String? {
    var buf = [CChar](repeating: 0, count: 4097)
    let n = readlink(path, &buf, 4096)
    guard n >= 0 else { return nil }
    buf[n] = 0
    return String(cString: buf)
}

func fileExists(_ path: String) -> Bool {
    var st = stat()
    return lstat(path, &st) == 0
}

func isDirectory(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
}

func processExists(_ pid: pid_t) -> Bool {
    fileExists("/proc/\(pid)")
}

/// Process state letter from /proc/PID/stat (R, S, Z, ...), nil if gone.
func processStateLetter(_ pid: pid_t) -> Character? {
    guard let s = readFile("/proc/\(pid)/stat"), let r = s.range(of: ")", options: .backwards) else { return nil }
    return s[r.upperBound...].trimmingCharacters(in: .whitespaces).first
}

/// A "Key:\tvalue" field of /proc/PID/status.
func procStatusField(_ pid: pid_t, _ key: String) -> String? {
    guard let s = readFile("/proc/\(pid)/status") else { return nil }
    return statusField(s, key)
}

func statusField(_ text: String, _ key: String) -> String? {
    for l in text.split(separator: "\n") where l.hasPrefix(key + ":") {
        return l.dropFirst(key.count + 1).trimmingCharacters(in: .whitespaces)
    }
    return nil
}

/// Polls `cond` until true or the deadline passes (no sleeps over 20 ms).
@discardableResult
func waitUntil(timeout: Double = 10, _ cond: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    var delay: useconds_t = 1000
    while true {
        if cond() { return true }
        if Date() > deadline { return false }
        usleep(delay)
        delay = min(delay * 2, 20_000)
    }
}

/// Reaps one specific pid (never waitpid(-1)): waits up to `timeout` for it to exit.
/// Returns true if it was reaped or is not our child (ECHILD).
@discardableResult
func reap(_ pid: pid_t, timeout: Double = 5) -> Bool {
    guard pid > 0 else { return true }
    return waitUntil(timeout: timeout) {
        var st: Int32 = 0
        let r = waitpid(pid, &st, WNOHANG)
        return r == pid || (r < 0 && errno == ECHILD)
    }
}

func parseJSON(_ s: String) -> Any? {
    guard let d = s.data(using: .utf8) else { return nil }
    return try? JSONSerialization.jsonObject(with: d, options: [.fragmentsAllowed])
}

func lines(_ s: String) -> [String] {
    s.split(separator: "\n", omittingEmptySubsequences: true).map { String($0) }
}

func trimmed(_ s: String) -> String { s.trimmingCharacters(in: .whitespacesAndNewlines) }

/// JSON numbers come back as NSNumber/Int/Double; normalise to Int.
func intValue(_ v: Any?) -> Int? {
    if let i = v as? Int { return i }
    if let n = v as? NSNumber { return n.intValue }
    if let d = v as? Double { return Int(d) }
    return nil
}
