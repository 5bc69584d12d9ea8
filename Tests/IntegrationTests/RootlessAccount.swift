import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The unprivileged account the rootless tests run the runtime as: an
/// existing one that can make a user namespace, else one made with useradd
/// (and removed by `removeIfMade`). Found once per test process.
struct RootlessAccount {
    let name: String
    let uid: Int
    let gid: Int

    static let madeName = "swrun-rootless"
    private static var made = false
    private static var cached: Result<RootlessAccount, XCTSkip>?

    /// The account, or the skip naming what the host lacks.
    static func get() throws -> RootlessAccount {
        if cached == nil { cached = find() }
        return try cached!.get()
    }

    private static func find() -> Result<RootlessAccount, XCTSkip> {
        for file in ["/proc/sys/kernel/unprivileged_userns_clone", "/proc/sys/user/max_user_namespaces"] {
            if let v = readFile(file).map(trimmed), v == "0" {
                return .failure(XCTSkip("unprivileged user namespaces are disabled here (\(file) is 0)"))
            }
        }
        var lastFailure = ""
        for candidate in unprivilegedUsers() {
            if let why = probe(candidate.name) { lastFailure = why } else { return .success(candidate) }
        }
        let add = runProcess(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", madeName])
        guard add.status == 0, let user = unprivilegedUsers(minUID: 100).first(where: { $0.name == madeName }) else {
            return .failure(XCTSkip("no unprivileged account can make a user namespace (\(lastFailure)), and useradd failed: \(add.stderr)"))
        }
        made = true
        if let why = probe(user.name) {
            removeIfMade()
            return .failure(XCTSkip("\(madeName) cannot make a user namespace: \(why)"))
        }
        return .success(user)
    }

    /// nil when `name` can make a user namespace mapping itself.
    private static func probe(_ name: String) -> String? {
        let r = runProcess(["runuser", "-u", name, "--", "unshare", "-Ur", "true"])
        return r.status == 0 ? nil : "runuser -u \(name) -- unshare -Ur true: \(trimmed(r.stderr))"
    }

    private static func unprivilegedUsers(minUID: Int = 1000) -> [RootlessAccount] {
        lines(readFile("/etc/passwd") ?? "").compactMap { line in
            let f = line.split(separator: ":", omittingEmptySubsequences: false)
            guard f.count >= 4, let uid = Int(f[2]), let gid = Int(f[3]), uid >= minUID, uid < 65534 else { return nil }
            return RootlessAccount(name: String(f[0]), uid: uid, gid: gid)
        }
    }

    /// Removes the account if the tests made it.
    static func removeIfMade() {
        guard made else { return }
        made = false
        cached = nil
        let r = runProcess(["userdel", madeName])
        if r.status != 0 { FileHandle.standardError.write("RootlessTests: userdel \(madeName): \(r.stderr)\n".data(using: .utf8)!) }
    }

    /// A subordinate range of `count` ids for the account in `file`
    /// (/etc/subuid, /etc/subgid): its first one if it has one, else one
    /// appended past every range there, removed again by `undo`.
    func subordinateRange(_ file: String, count: Int = 65536) throws -> (start: Int, undo: () -> Void) {
        let text = readFile(file) ?? ""
        var end = 100_000
        for line in lines(text) {
            let f = line.split(separator: ":")
            guard f.count == 3, let start = Int(f[1]), let size = Int(f[2]) else { continue }
            if f[0] == name || f[0] == "\(uid)", size >= count { return (start, {}) }
            end = max(end, start + size)
        }
        let start = (end + 65535) / 65536 * 65536
        let entry = "\(name):\(start):\(count)\n"
        let original = text.isEmpty || text.hasSuffix("\n") ? text : text + "\n"
        try writeFile(file, original + entry)
        return (start, {
            let now = readFile(file) ?? ""
            try? writeFile(file, now.replacingOccurrences(of: entry, with: ""))
        })
    }
}
