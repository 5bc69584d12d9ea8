import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

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
