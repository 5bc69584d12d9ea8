// Integration-test harness: runs the runtime binary under test on throwaway
// bundles and checks that nothing is left behind.
//
// The binary comes from $SWRUN_BIN (default: <repo>/.build/release/swrun).
// Every test must also pass with SWRUN_BIN=/usr/sbin/runc (runc 1.1.5), except
// the ones guarded by `swrunOnly(_:)`.
//
// Run the suite as root inside a private mount namespace:
//   unshare --mount --propagation private swift test --filter IntegrationTests
//
// This target deliberately depends on none of the project's modules.

import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

// MARK: - Suite configuration

enum Suite {
    /// The repository root, found from this file's (symlink-resolved) path.
    static let repoRoot: String = {
        var url = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static let explicitBin: String? = {
        guard let v = ProcessInfo.processInfo.environment["SWRUN_BIN"], !v.isEmpty else { return nil }
        return v
    }()

    /// The binary under test.
    static let bin: String = explicitBin ?? repoRoot + "/.build/release/swrun"

    /// True when the binary under test is runc itself (reference run).
    static var isRunc: Bool { (bin as NSString).lastPathComponent == "runc" }

    /// All cgroups created by the tests live under this absolute cgroupsPath prefix.
    static let cgroupParent = "swrun-it"

    /// Every cgroup hierarchy mounted (fs types cgroup and cgroup2 in
    /// /proc/self/mountinfo), by mount point: the v1 hierarchies and the
    /// unified one on a hybrid host, /sys/fs/cgroup alone on a v2 one; in
    /// mountinfo order, as CgroupLocator reads them.
    static var cgroupMountEntries: [MountInfoEntry] {
        var seen: Set<String> = []
        return MountFixture.parse(readFile("/proc/self/mountinfo") ?? "")
            .filter { ($0.fsType == "cgroup" || $0.fsType == "cgroup2") && seen.insert($0.mountPoint).inserted }
    }

    static var cgroupMounts: [String] { cgroupMountEntries.map(\.mountPoint) }

    /// Controllers whose v1 hierarchy the container init must join.
    static let v1Controllers = ["blkio", "cpu", "cpuacct", "cpuset", "devices", "freezer", "memory", "pids"]

    /// True when no v1 hierarchy holds a controller: cgroup v2 alone.
    static var isUnifiedOnly: Bool {
        !cgroupMountEntries.contains { $0.fsType == "cgroup" && $0.superOptions.contains { v1Controllers.contains($0) } }
    }

    /// The controllers a container's init joins on this host: those of
    /// `v1Controllers` a v1 hierarchy holds, and where there is none, those
    /// the cgroup2 mount offers (its cgroup.controllers).
    static var controllers: [String] {
        let v1 = v1Controllers.filter { c in cgroupMountEntries.contains { $0.fsType == "cgroup" && $0.superOptions.contains(c) } }
        if !v1.isEmpty { return v1 }
        return cgroupMountEntries.filter { $0.fsType == "cgroup2" }.flatMap {
            (readFile($0.mountPoint + "/cgroup.controllers") ?? "").split(whereSeparator: \.isWhitespace).map(String.init)
        }
    }

    /// The directory of cgroup `path` (a cgroupsPath such as /swrun-it/ID)
    /// in the hierarchy serving `controller`: the v1 one holding it, else a
    /// cgroup2 mount offering it. "cgroup" (v2's core files) and "unified"
    /// name a cgroup2 mount whatever it offers. nil when none serves it.
    static func cgroupDir(_ controller: String, _ path: String) -> String? {
        let mounts = cgroupMountEntries
        if let m = mounts.first(where: { $0.fsType == "cgroup" && $0.superOptions.contains(controller) }) {
            return m.mountPoint + path
        }
        let core = controller == "cgroup" || controller == "unified"
        return mounts.first(where: {
            $0.fsType == "cgroup2" && (core || (readFile($0.mountPoint + "/cgroup.controllers") ?? "")
                .split(whereSeparator: \.isWhitespace).contains(Substring(controller)))
        }).map { $0.mountPoint + path }
    }

    /// A file of cgroup `path` as this host has it: `v1` (e.g.
    /// "memory.limit_in_bytes") in the v1 hierarchy of its controller (the
    /// name before the dot) when one holds it, else `v2` (e.g.
    /// "memory.max") on the cgroup2 mount. The value read and which it was.
    static func cgroupValue(_ path: String, v1: String, v2: String) -> (value: String, isV2: Bool)? {
        let v1Controller = String(v1.prefix { $0 != "." })
        if cgroupMountEntries.contains(where: { $0.fsType == "cgroup" && $0.superOptions.contains(v1Controller) }) {
            return cgroupDir(v1Controller, path).flatMap { readFile($0 + "/" + v1) }.map { (trimmed($0), false) }
        }
        return cgroupDir(String(v2.prefix { $0 != "." }), path).flatMap { readFile($0 + "/" + v2) }.map { (trimmed($0), true) }
    }

    private static var didSetUp = false

    static func setUpOnce() {
        if didSetUp { return }
        didSetUp = true
        // Orphaned container inits must be re-parented to us (pid 1 here does not
        // reap), so that we can reap them by pid after `delete`.
        if setChildSubreaper() != 0 {
            FileHandle.standardError.write("IntegrationTests: PR_SET_CHILD_SUBREAPER failed: errno \(errno)\n".data(using: .utf8)!)
        }
        if readLink("/proc/self/ns/mnt") == readLink("/proc/1/ns/mnt") {
            FileHandle.standardError.write(
                "IntegrationTests: WARNING: running in the host mount namespace; run under `unshare --mount --propagation private`\n"
                    .data(using: .utf8)!)
        }
        FileHandle.standardError.write("IntegrationTests: binary under test: \(bin)\n".data(using: .utf8)!)
    }

    /// Every live Sandbox holds a shared flock on this file, so that the parent
    /// cleanup below never races a test (e.g. under `swift test --parallel`,
    /// where each test runs in its own process).
    static let lockPath = "/tmp/swrun-it.lock"

    static func lockShared() -> Int32 {
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if fd >= 0 { while flock(fd, LOCK_SH) != 0 && errno == EINTR {} }
        return fd
    }

    /// rmdir (never rm -r) the empty swrun-it parents in every cgroup mount, unless
    /// some test (in any process) is still running.
    static func removeCgroupParents() {
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { return }
        for m in cgroupMounts {
            let p = m + "/" + cgroupParent
            if isDirectory(p) { _ = rmdir(p) }
        }
        flock(fd, LOCK_UN)
    }
}

// MARK: - Base test case

class IntegrationTestCase: XCTestCase {
    override class func setUp() {
        super.setUp()
        Suite.setUpOnce()
    }

    override class func tearDown() {
        Suite.removeCgroupParents()
        super.tearDown()
    }

    override func setUpWithError() throws {
        try super.setUpWithError()
        Suite.setUpOnce()
        guard geteuid() == 0 else { throw XCTSkip("integration tests need root") }
        if !FileManager.default.isExecutableFile(atPath: Suite.bin) {
            if Suite.explicitBin != nil {
                XCTFail("SWRUN_BIN=\(Suite.bin) is not an executable file")
                throw XCTSkip("binary under test missing")
            }
            throw XCTSkip("\(Suite.bin) not built (build it, or set SWRUN_BIN)")
        }
    }

    /// Skips the test when the binary under test is runc: the test asserts
    /// something swrun deliberately does differently from (or beyond) runc 1.1.5.
    func swrunOnly(_ reason: String) throws {
        if Suite.isRunc { throw XCTSkip("swrun only: \(reason)") }
    }

    /// A fresh sandbox (temp dir, --root state dir, one bundle) torn down and
    /// checked after the test, whatever happens.
    func makeSandbox(args: [String] = ["sh", "-c", "true"], file: StaticString = #filePath, line: UInt = #line) throws -> Sandbox {
        let sb = try Sandbox(test: self, args: args, file: file, line: line)
        addTeardownBlock { sb.teardown() }
        return sb
    }

    /// Short, id-safe form of the running test's name.
    var shortTestName: String {
        var n = name
        if let r = n.range(of: ".", options: .backwards) { n = String(n[r.upperBound...]) }
        if let r = n.range(of: " ", options: .backwards) { n = String(n[r.upperBound...]) }
        n = n.replacingOccurrences(of: "]", with: "")
        if n.hasPrefix("test") { n = String(n.dropFirst(4)) }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        let s = String(n.lowercased().filter { allowed.contains($0) }.prefix(20))
        return s.isEmpty ? "t" : s
    }
}

// MARK: - Processes

struct ProcResult: CustomStringConvertible {
    /// Exit code, or 128+signal when killed by a signal.
    var status: Int32
    var signal: Int32?
    var stdout: String
    var stderr: String
    var timedOut = false
    var args: [String] = []

    var description: String {
        "`\(args.joined(separator: " "))` -> status \(status)\(signal.map { " (signal \($0))" } ?? "")\(timedOut ? " TIMED OUT" : "")\n--- stdout:\n\(stdout)\n--- stderr:\n\(stderr)"
    }
}

private typealias PrctlFn = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32

/// prctl(PR_SET_CHILD_SUBREAPER, 1): prctl is variadic, so Swift's Glibc does not import it.
func setChildSubreaper() -> Int32 {
    guard let sym = dlsym(libcHandle, "prctl") else { return -1 }
    let prctlFn = unsafeBitCast(sym, to: PrctlFn.self)
    return prctlFn(36 /* PR_SET_CHILD_SUBREAPER */, 1, 0, 0, 0)
}

private typealias AddCloseFromFn = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
private typealias AddChdirFn = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

// glibc >= 2.34 has these, but Swift's Glibc module does not expose the _np functions.
private let libcHandle = dlopen(nil, RTLD_NOW)
private let addCloseFrom: AddCloseFromFn? = dlsym(libcHandle, "posix_spawn_file_actions_addclosefrom_np").map { unsafeBitCast($0, to: AddCloseFromFn.self) }
private let addChdir: AddChdirFn? = dlsym(libcHandle, "posix_spawn_file_actions_addchdir_np").map { unsafeBitCast($0, to: AddChdirFn.self) }

struct SpawnError: Error, CustomStringConvertible {
    var description: String
}

/// A child started with posix_spawn; its stdout/stderr go to files (no pipes,
/// so no deadlock, and a container that inherits them cannot block us).
final class SpawnedProcess {
    let pid: pid_t
    let args: [String]
    let stdoutPath: String
    let stderrPath: String
    private let ownsStdout: Bool
    private(set) var result: ProcResult?

    fileprivate init(pid: pid_t, args: [String], stdoutPath: String, stderrPath: String, ownsStdout: Bool) {
        self.pid = pid
        self.args = args
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
        self.ownsStdout = ownsStdout
    }

    /// Non-blocking: has the process exited (and been reaped)?
    func poll() -> ProcResult? {
        if let r = result { return r }
        var st: Int32 = 0
        let r = waitpid(pid, &st, WNOHANG)
        if r == pid {
            finish(status: st, timedOut: false)
        } else if r < 0 && errno == ECHILD {
            // Someone else reaped it (nobody should): report an impossible status.
            finish(status: -1, timedOut: false)
        }
        return result
    }

    /// Waits (polling waitpid on this pid only) up to `timeout`; on timeout
    /// SIGKILLs the process and returns a result with timedOut = true.
    @discardableResult
    func wait(timeout: Double = 30) -> ProcResult {
        let deadline = Date().addingTimeInterval(timeout)
        var delay: useconds_t = 500
        while true {
            if let r = poll() { return r }
            if Date() > deadline { break }
            usleep(delay)
            delay = min(delay * 2, 20_000)
        }
        _ = Glibc.kill(pid, SIGKILL)
        var st: Int32 = 0
        while waitpid(pid, &st, 0) < 0 && errno == EINTR {}
        finish(status: st, timedOut: true)
        return result!
    }

    func kill(signal: Int32 = SIGKILL) {
        if result == nil { _ = Glibc.kill(pid, signal) }
    }

    private func finish(status st: Int32, timedOut: Bool) {
        let (code, sig) = decodeWaitStatus(st)
        let out = readFile(stdoutPath) ?? ""
        let err = readFile(stderrPath) ?? ""
        if ownsStdout { unlink(stdoutPath) }
        unlink(stderrPath)
        result = ProcResult(status: code, signal: sig, stdout: out, stderr: err, timedOut: timedOut, args: args)
    }
}

func decodeWaitStatus(_ st: Int32) -> (Int32, Int32?) {
    if st == -1 { return (-1, nil) }
    let low = st & 0x7f
    if low == 0 { return ((st >> 8) & 0xff, nil) }  // exited
    if low != 0x7f { return (128 + low, low) }      // killed by signal
    return (-1, nil)
}

private func makeTempFile(_ tag: String) throws -> String {
    var template = Array("/tmp/swrun-it-\(tag).XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else { throw SpawnError(description: "mkstemp failed: errno \(errno)") }
    close(fd)
    return String(cString: template)
}

/// Starts `args[0]` (a path, or a name looked up in PATH) with stdin from
/// `stdin` (or /dev/null) and stdout/stderr redirected to temp files.
/// `fds` maps a child fd number (>= 3) to a parent fd to dup onto it; all other
/// fds above 2 are closed in the child.
func spawnProcess(_ args: [String], stdin: String? = nil, env: [String: String] = [:], cwd: String? = nil,
                  fds: [Int32: Int32] = [:], stdoutFile: String? = nil) throws -> SpawnedProcess {
    precondition(!args.isEmpty)
    let outPath = try stdoutFile ?? makeTempFile("out")
    let errPath = try makeTempFile("err")
    var inPath = "/dev/null"
    var inTemp: String?
    if let s = stdin {
        let p = try makeTempFile("in")
        try s.write(toFile: p, atomically: false, encoding: .utf8)
        inPath = p
        inTemp = p
    }
    defer { if let p = inTemp { unlink(p) } }

    var fa = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&fa)
    defer { posix_spawn_file_actions_destroy(&fa) }
    posix_spawn_file_actions_addopen(&fa, 0, inPath, O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&fa, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o644)
    posix_spawn_file_actions_addopen(&fa, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o644)
    // dup2 the requested fds; go through high temporary numbers first so that a
    // source fd that equals another target is not clobbered.
    let mapping = fds.sorted { $0.key < $1.key }
    let tmpBase: Int32 = 900
    for (i, m) in mapping.enumerated() { posix_spawn_file_actions_adddup2(&fa, m.value, tmpBase + Int32(i)) }
    for (i, m) in mapping.enumerated() { posix_spawn_file_actions_adddup2(&fa, tmpBase + Int32(i), m.key) }
    let maxTarget = mapping.map { $0.key }.max() ?? 2
    if let closeFrom = addCloseFrom {
        _ = closeFrom(&fa, maxTarget + 1)
    }
    if let d = cwd {
        guard let chdirFn = addChdir else { throw SpawnError(description: "posix_spawn_file_actions_addchdir_np missing") }
        _ = chdirFn(&fa, d)
    }

    var environment = ProcessInfo.processInfo.environment
    for (k, v) in env { environment[k] = v }
    let envStrings = environment.map { "\($0.key)=\($0.value)" }

    var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
    var envp: [UnsafeMutablePointer<CChar>?] = envStrings.map { strdup($0) } + [nil]
    defer {
        argv.forEach { free($0) }
        envp.forEach { free($0) }
    }
    var pid: pid_t = 0
    let rc = posix_spawnp(&pid, args[0], &fa, nil, &argv, &envp)
    guard rc == 0 else {
        unlink(errPath)
        if stdoutFile == nil { unlink(outPath) }
        throw SpawnError(description: "posix_spawn \(args[0]) failed: \(String(cString: strerror(rc)))")
    }
    return SpawnedProcess(pid: pid, args: args, stdoutPath: outPath, stderrPath: errPath, ownsStdout: stdoutFile == nil)
}

/// Runs a command to completion (30 s timeout: then SIGKILL and a test failure).
@discardableResult
func runProcess(_ args: [String], stdin: String? = nil, env: [String: String] = [:], cwd: String? = nil,
                fds: [Int32: Int32] = [:], stdoutFile: String? = nil, timeout: Double = 30,
                file: StaticString = #filePath, line: UInt = #line) -> ProcResult {
    let p: SpawnedProcess
    do {
        p = try spawnProcess(args, stdin: stdin, env: env, cwd: cwd, fds: fds, stdoutFile: stdoutFile)
    } catch {
        XCTFail("\(error)", file: file, line: line)
        return ProcResult(status: -1, signal: nil, stdout: "", stderr: "\(error)", args: args)
    }
    let r = p.wait(timeout: timeout)
    if r.timedOut {
        XCTFail("timed out after \(timeout)s and was killed: \(r)", file: file, line: line)
    }
    return r
}

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

// MARK: - TestBundle

/// An OCI bundle: <dir>/config.json (from `$SWRUN_BIN spec`, then edited) and
/// <dir>/rootfs with a static busybox.
final class TestBundle {
    let path: String
    var rootfs: String { path + "/rootfs" }
    var configPath: String { path + "/config.json" }
    var config: [String: Any]

    /// Creates the bundle dir, the rootfs and the config; `args` become process.args.
    init(path: String, args: [String]) throws {
        self.path = path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        chmod(path, 0o755)
        try TestBundle.populateRootfs(path + "/rootfs")
        let r = runProcess([Suite.bin, "spec"], cwd: path)
        guard r.status == 0, let text = readFile(path + "/config.json"),
              let obj = parseJSON(text) as? [String: Any] else {
            throw SpawnError(description: "`spec` did not produce a config.json: \(r)")
        }
        config = obj
        var p = process
        p["terminal"] = false
        p["args"] = args
        process = p
        // Most tests write somewhere in the rootfs; the readonly root is tested on its own.
        var root = config["root"] as? [String: Any] ?? [:]
        root["readonly"] = false
        config["root"] = root
    }

    static func populateRootfs(_ rootfs: String) throws {
        let fm = FileManager.default
        for d in ["bin", "proc", "sys", "dev", "tmp", "etc", "root", "home/user", "var/tmp"] {
            try fm.createDirectory(atPath: rootfs + "/" + d, withIntermediateDirectories: true)
        }
        chmod(rootfs, 0o755)
        chmod(rootfs + "/tmp", 0o1777)
        chown(rootfs + "/home/user", 1000, 1000)
        try fm.copyItem(atPath: "/bin/busybox", toPath: rootfs + "/bin/busybox")
        chmod(rootfs + "/bin/busybox", 0o755)
        let list = runProcess(["/bin/busybox", "--list"])
        var applets = lines(list.stdout)
        if applets.isEmpty {
            applets = ["sh", "ls", "cat", "echo", "ps", "id", "hostname", "sleep", "true", "false", "mount", "env", "pwd",
                       "test", "grep", "readlink", "stat", "touch", "mkdir", "wc", "kill", "umask", "printf", "df", "head"]
        }
        for a in applets where a != "busybox" && !a.contains("/") {
            symlink("busybox", rootfs + "/bin/" + a)
        }
        try writeFile(rootfs + "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n")
        try writeFile(rootfs + "/etc/group", "root:x:0:\nuser:x:1000:\n")
    }

    // Convenience accessors for the JSON tree (get, mutate, set back).
    var process: [String: Any] {
        get { config["process"] as? [String: Any] ?? [:] }
        set { config["process"] = newValue }
    }

    var linux: [String: Any] {
        get { config["linux"] as? [String: Any] ?? [:] }
        set { config["linux"] = newValue }
    }

    var mounts: [[String: Any]] {
        get { config["mounts"] as? [[String: Any]] ?? [] }
        set { config["mounts"] = newValue }
    }

    var args: [String] {
        get { process["args"] as? [String] ?? [] }
        set { process["args"] = newValue }
    }

    var namespaces: [[String: Any]] {
        get { linux["namespaces"] as? [[String: Any]] ?? [] }
        set { linux["namespaces"] = newValue }
    }

    var resources: [String: Any] {
        get { linux["resources"] as? [String: Any] ?? [:] }
        set { linux["resources"] = newValue }
    }

    func addMount(destination: String, type: String, source: String, options: [String]? = nil) {
        var m: [String: Any] = ["destination": destination, "type": type, "source": source]
        if let o = options { m["options"] = o }
        mounts.append(m)
    }

    /// Bind-mounts a host directory into the container.
    func bind(_ hostPath: String, at destination: String, readonly: Bool = false) {
        addMount(destination: destination, type: "bind", source: hostPath,
                 options: readonly ? ["rbind", "ro"] : ["rbind", "rw"])
    }

    /// Adds (or replaces) a namespace entry.
    func setNamespace(_ type: String, path: String? = nil) {
        var ns = namespaces.filter { ($0["type"] as? String) != type }
        var e: [String: Any] = ["type": type]
        if let p = path { e["path"] = p }
        ns.append(e)
        namespaces = ns
    }

    func removeNamespace(_ type: String) {
        namespaces = namespaces.filter { ($0["type"] as? String) != type }
    }

    func setEnv(_ name: String, _ value: String) {
        var env = (process["env"] as? [String] ?? []).filter { !$0.hasPrefix(name + "=") }
        env.append("\(name)=\(value)")
        process["env"] = env
    }

    func writeConfig() throws {
        let data = try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: configPath))
    }

    /// Gives the whole rootfs to a (mapped) host uid/gid, as for a user-namespaced container.
    func chownRootfs(uid: Int, gid: Int) {
        let r = runProcess(["chown", "-hR", "\(uid):\(gid)", rootfs])
        XCTAssertEqual(r.status, 0, "chown rootfs: \(r)")
    }

    /// Writes a file inside the rootfs (path relative to the container's /).
    func writeRootfsFile(_ path: String, _ contents: String, mode: mode_t = 0o644) throws {
        let full = rootfs + "/" + path
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try writeFile(full, contents, mode: mode)
    }
}

// MARK: - Sandbox

/// Per-test world: a temp dir holding bundles, a host dir to bind into
/// containers, and the --root state dir. Its teardown force-deletes every
/// container it created, reaps their inits, and asserts that no state, cgroup,
/// process or mount is left behind.
final class Sandbox {
    unowned let test: IntegrationTestCase
    let dir: String
    let stateRoot: String
    /// A host directory that tests bind into containers (mode 0777).
    let hostDir: String
    private(set) var bundles: [TestBundle] = []
    private(set) var ids: [String] = []
    private var initPids: Set<pid_t> = []
    private var helpers: [SpawnedProcess] = []
    private var background: [SpawnedProcess] = []
    private let mountsBefore: Set<String>
    private var tornDown = false
    private var lockFD: Int32 = -1

    var bundle: TestBundle { bundles[0] }
    /// The runtime binary this sandbox runs (a copy, for attack tests).
    var binary = Suite.bin

    init(test: IntegrationTestCase, args: [String], file: StaticString, line: UInt) throws {
        self.test = test
        var template = Array("/tmp/swrun-it.XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw SpawnError(description: "mkdtemp failed")
        }
        let raw = String(cString: template)
        dir = URL(fileURLWithPath: raw).resolvingSymlinksInPath().path
        chmod(dir, 0o755)  // user-namespaced containers must traverse it
        stateRoot = dir + "/state"
        hostDir = dir + "/host"
        mountsBefore = Set(lines(readFile("/proc/self/mountinfo") ?? ""))
        try FileManager.default.createDirectory(atPath: hostDir, withIntermediateDirectories: true)
        chmod(hostDir, 0o777)
        lockFD = Suite.lockShared()
        bundles.append(try TestBundle(path: dir + "/bundle", args: args))
    }

    deinit {
        if !tornDown && lockFD >= 0 { close(lockFD) }
    }

    /// An extra bundle in this sandbox (shares the --root state dir).
    func addBundle(args: [String]) throws -> TestBundle {
        let b = try TestBundle(path: dir + "/bundle\(bundles.count)", args: args)
        bundles.append(b)
        return b
    }

    /// A fresh unique container id `it-<test>-<random>`, registered for teardown.
    func newID() -> String {
        let id = "it-\(test.shortTestName)-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
        ids.append(id)
        return id
    }

    func cgroupsPath(for id: String) -> String { "/\(Suite.cgroupParent)/\(id)" }

    /// Registers an id the test made up itself (e.g. for bad-input tests).
    func register(_ id: String) {
        if !ids.contains(id) { ids.append(id) }
    }

    /// Runs the binary under test with the global `--root <stateRoot>` first.
    @discardableResult
    func swrun(_ args: [String], stdin: String? = nil, fds: [Int32: Int32] = [:], stdoutFile: String? = nil,
               cwd: String? = nil, timeout: Double = 30, file: StaticString = #filePath, line: UInt = #line) -> ProcResult {
        runProcess([binary, "--root", stateRoot] + args, stdin: stdin, cwd: cwd, fds: fds, stdoutFile: stdoutFile,
                   timeout: timeout, file: file, line: line)
    }

    /// Starts the binary under test without waiting (e.g. a foreground `run`).
    func spawnSwrun(_ args: [String], stdin: String? = nil, fds: [Int32: Int32] = [:]) throws -> SpawnedProcess {
        let p = try spawnProcess([binary, "--root", stateRoot] + args, stdin: stdin, fds: fds)
        background.append(p)
        return p
    }

    /// Writes the bundle's config with `linux.cgroupsPath = /swrun-it/<id>`.
    func prepare(_ id: String, bundle b: TestBundle? = nil) throws {
        let b = b ?? bundle
        register(id)
        var l = b.linux
        l["cgroupsPath"] = cgroupsPath(for: id)
        b.linux = l
        try b.writeConfig()
    }

    /// `create --bundle <bundle> [extra] <id>` (config written first).
    @discardableResult
    func create(_ id: String, bundle b: TestBundle? = nil, extra: [String] = [], stdin: String? = nil,
                fds: [Int32: Int32] = [:], stdoutFile: String? = nil,
                file: StaticString = #filePath, line: UInt = #line) throws -> ProcResult {
        let b = b ?? bundle
        try prepare(id, bundle: b)
        let r = swrun(["create", "--bundle", b.path] + extra + [id], stdin: stdin, fds: fds, stdoutFile: stdoutFile,
                      file: file, line: line)
        if r.status == 0, let pid = statePid(id) { initPids.insert(pid) }
        return r
    }

    /// `run --bundle <bundle> [extra] <id>` (config written first).
    @discardableResult
    func run(_ id: String, bundle b: TestBundle? = nil, extra: [String] = [], stdin: String? = nil,
             fds: [Int32: Int32] = [:], timeout: Double = 30,
             file: StaticString = #filePath, line: UInt = #line) throws -> ProcResult {
        let b = b ?? bundle
        try prepare(id, bundle: b)
        let r = swrun(["run", "--bundle", b.path] + extra + [id], stdin: stdin, fds: fds, timeout: timeout,
                      file: file, line: line)
        if let pid = statePid(id) { initPids.insert(pid) }
        return r
    }

    /// Creates and starts a container, failing the test if either step fails.
    func createAndStart(_ id: String, bundle b: TestBundle? = nil, file: StaticString = #filePath, line: UInt = #line) throws {
        let c = try create(id, bundle: b, file: file, line: line)
        guard c.status == 0 else {
            XCTFail("create failed: \(c)", file: file, line: line)
            throw SpawnError(description: "create failed")
        }
        let s = swrun(["start", id], file: file, line: line)
        guard s.status == 0 else {
            XCTFail("start failed: \(s)", file: file, line: line)
            throw SpawnError(description: "start failed")
        }
    }

    /// Parsed `state <id>` output, nil if the command fails.
    func state(_ id: String, file: StaticString = #filePath, line: UInt = #line) -> [String: Any]? {
        let r = swrun(["state", id], file: file, line: line)
        guard r.status == 0, let obj = parseJSON(r.stdout) as? [String: Any] else { return nil }
        if let pid = intValue(obj["pid"]), pid > 0 { initPids.insert(pid_t(pid)) }
        return obj
    }

    func status(_ id: String) -> String? { state(id)?["status"] as? String }

    func statePid(_ id: String) -> pid_t? {
        guard let p = intValue(state(id)?["pid"]), p > 0 else { return nil }
        return pid_t(p)
    }

    /// Polls `state` until the status is `want`.
    @discardableResult
    func waitForStatus(_ id: String, _ want: String, timeout: Double = 10,
                       file: StaticString = #filePath, line: UInt = #line) -> Bool {
        var last: String?
        let ok = waitUntil(timeout: timeout) {
            last = status(id)
            return last == want
        }
        if !ok { XCTFail("container \(id) never reached status \(want) (last: \(last ?? "no state"))", file: file, line: line) }
        return ok
    }

    /// Polls for a file in the host dir.
    @discardableResult
    func waitForHostFile(_ name: String, timeout: Double = 10, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        let ok = waitUntil(timeout: timeout) { fileExists(hostDir + "/" + name) }
        if !ok { XCTFail("\(hostDir)/\(name) never appeared", file: file, line: line) }
        return ok
    }

    /// Starts a helper process that teardown will SIGKILL and reap.
    func startHelper(_ args: [String]) throws -> SpawnedProcess {
        let p = try spawnProcess(args)
        helpers.append(p)
        return p
    }

    /// Reaps a container init (by pid) once it is gone.
    func reapInit(_ pid: pid_t) { reap(pid) }

    /// Processes whose root directory is inside this sandbox.
    func processesRootedHere() -> [pid_t] {
        var rootStats: [(dev_t, ino_t)] = []
        for b in bundles {
            var st = stat()
            if stat(b.rootfs, &st) == 0 { rootStats.append((st.st_dev, st.st_ino)) }
        }
        let me = getpid()
        var found: [pid_t] = []
        for e in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(e), pid != me else { continue }
            var hit = false
            if let link = readLink("/proc/\(pid)/root"), link.hasPrefix(dir + "/") { hit = true }
            var st = stat()
            if !hit, stat("/proc/\(pid)/root/", &st) == 0 {
                hit = rootStats.contains { $0.0 == st.st_dev && $0.1 == st.st_ino }
            }
            if hit { found.append(pid) }
        }
        return found
    }

    /// Asserts that `id` left nothing behind: `state` fails, no state entry, no
    /// cgroup dir, no process rooted in the bundle (checked before teardown's
    /// own `delete --force` could hide a leak).
    func assertNoTrace(of id: String, file: StaticString = #filePath, line: UInt = #line) {
        let st = swrun(["state", id], file: file, line: line)
        XCTAssertNotEqual(st.status, 0, "state \(id) should fail: \(st)", file: file, line: line)
        XCTAssertFalse(fileExists(stateRoot + "/" + id), "state entry \(stateRoot)/\(id) left behind", file: file, line: line)
        for m in Suite.cgroupMounts {
            XCTAssertFalse(isDirectory("\(m)/\(Suite.cgroupParent)/\(id)"), "cgroup \(m)/\(Suite.cgroupParent)/\(id) left behind",
                           file: file, line: line)
        }
        var left: [pid_t] = []
        let gone = waitUntil(timeout: 3) {
            left = processesRootedHere()
            return left.isEmpty
        }
        XCTAssertTrue(gone, "processes left rooted in the bundle: \(left)", file: file, line: line)
    }

    /// Always runs (addTeardownBlock). Cleans up, then asserts nothing leaked.
    func teardown() {
        if tornDown { return }
        tornDown = true
        defer {
            if lockFD >= 0 { close(lockFD) }
            lockFD = -1
        }
        // Foreground `run`s still going.
        for p in background where p.poll() == nil {
            p.kill()
            p.wait(timeout: 5)
        }
        // Record init pids, then force-delete everything we created.
        for id in ids.reversed() {
            if let pid = statePid(id) { initPids.insert(pid) }
            let r = swrun(["delete", "--force", id], timeout: 20)
            if r.timedOut { XCTFail("teardown: delete --force \(id) timed out") }
        }
        for p in helpers where p.poll() == nil {
            p.kill()
            p.wait(timeout: 5)
        }
        for pid in initPids.sorted() {
            if !reap(pid, timeout: 5) {
                XCTFail("teardown: container init \(pid) still alive after delete --force (state \(processStateLetter(pid).map { String($0) } ?? "?"))")
                kill(pid, SIGKILL)
                reap(pid, timeout: 5)
            }
        }

        // 1. No state left in --root.
        if isDirectory(stateRoot) {
            let left = (try? FileManager.default.contentsOfDirectory(atPath: stateRoot)) ?? []
            if !left.isEmpty { XCTFail("teardown: state dir \(stateRoot) not empty: \(left)") }
        }

        // 2. No process rooted in our bundles.
        let leaked = processesRootedHere()
        if !leaked.isEmpty {
            let desc = leaked.map { "\($0) \(readFile("/proc/\($0)/cmdline")?.replacingOccurrences(of: "\0", with: " ") ?? "")" }
            XCTFail("teardown: processes still rooted in the bundle: \(desc)")
            for pid in leaked { kill(pid, SIGKILL) }
            for pid in leaked { reap(pid, timeout: 2) }
        }

        // 3. No cgroup dir left.
        for id in ids {
            for m in Suite.cgroupMounts {
                let p = "\(m)/\(Suite.cgroupParent)/\(id)"
                if isDirectory(p) {
                    XCTFail("teardown: cgroup \(p) left behind")
                    Sandbox.removeCgroupTree(p)
                }
            }
        }

        // 4. No new mount mentioning our paths in our mount namespace.
        let now = lines(readFile("/proc/self/mountinfo") ?? "")
        let newMounts = now.filter { !mountsBefore.contains($0) && $0.contains(dir) }
        if !newMounts.isEmpty {
            XCTFail("teardown: mounts leaked into the test's mount namespace:\n" + newMounts.joined(separator: "\n"))
            for l in newMounts.reversed() {
                let f = l.split(separator: " ")
                if f.count > 4 { umount2(String(f[4]), Int32(MNT_DETACH)) }
            }
        }

        // Only remove the tree when nothing is mounted inside it any more.
        let stillMounted = lines(readFile("/proc/self/mountinfo") ?? "").contains { !mountsBefore.contains($0) && $0.contains(dir) }
        if !stillMounted {
            try? FileManager.default.removeItem(atPath: dir)
        }
    }

    /// rmdir a leaked cgroup subtree (kill its tasks first); never removes files.
    static func removeCgroupTree(_ path: String) {
        let subs = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { isDirectory(path + "/" + $0) }
        for s in subs { removeCgroupTree(path + "/" + s) }
        for l in lines(readFile(path + "/cgroup.procs") ?? "") {
            if let pid = pid_t(trimmed(l)) { kill(pid, SIGKILL); reap(pid, timeout: 2) }
        }
        _ = waitUntil(timeout: 2) { rmdir(path) == 0 || errno == ENOENT }
    }
}

// MARK: - Assertions

/// Asserts a file of cgroup `path` (e.g. /swrun-it/ID): `v1` (file and
/// expected value) where a v1 hierarchy holds the file's controller, else
/// `v2` on the cgroup2 mount.
func XCTAssertCgroup(_ path: String, v1: (file: String, value: String), v2: (file: String, value: String),
                     _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    let got = Suite.cgroupValue(path, v1: v1.file, v2: v2.file)
    let want = got?.isV2 == true ? v2 : v1
    XCTAssertEqual(got?.value ?? "<missing \(v1.file) or \(v2.file) of \(path)>", want.value,
                   "\(want.file) of \(path) \(message)", file: file, line: line)
}

/// Asserts that `pid` is in cgroup `path` for every controller the host
/// has (Suite.controllers): its /proc/PID/cgroup names that directory
/// (CgroupLocator), which exists and lists it.
func XCTAssertInCgroup(_ pid: pid_t, _ path: String, file: StaticString = #filePath, line: UInt = #line) {
    let controllers = Suite.controllers
    XCTAssertFalse(controllers.isEmpty, "this host has no cgroup controller", file: file, line: line)
    for c in controllers {
        guard let dir = Suite.cgroupDir(c, path) else {
            XCTFail("no hierarchy serves \(c)", file: file, line: line)
            continue
        }
        XCTAssertEqual(CgroupLocator.directory(of: pid, controller: c), dir, "\(c) cgroup of \(pid)", file: file, line: line)
        XCTAssertTrue(isDirectory(dir), "\(dir) should exist", file: file, line: line)
        let procs = lines(readFile(dir + "/cgroup.procs") ?? "").map { trimmed($0) }
        XCTAssertTrue(procs.contains(String(pid)), "\(dir)/cgroup.procs should list \(pid): \(procs)", file: file, line: line)
    }
}

/// Asserts that cgroup `path` is in no cgroup mount.
func XCTAssertNoCgroup(_ path: String, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    for m in Suite.cgroupMounts {
        XCTAssertFalse(isDirectory(m + path), "cgroup \(m + path) left \(message)", file: file, line: line)
    }
}

/// Asserts a failing command: non-zero exit and a non-empty stderr mentioning
/// (case-insensitively) one of `words`.
func XCTAssertFails(_ r: ProcResult, mentioning words: [String], file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertNotEqual(r.status, 0, "expected failure: \(r)", file: file, line: line)
    XCTAssertFalse(r.timedOut, file: file, line: line)
    let err = r.stderr.lowercased()
    XCTAssertFalse(trimmed(err).isEmpty, "expected an error message on stderr: \(r)", file: file, line: line)
    if !words.isEmpty {
        XCTAssertTrue(words.contains { err.contains($0.lowercased()) },
                      "stderr should mention one of \(words): \(r)", file: file, line: line)
    }
}

func XCTAssertSucceeds(_ r: ProcResult, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(r.status, 0, "expected success\(message.isEmpty ? "" : " (\(message))"): \(r)", file: file, line: line)
}
