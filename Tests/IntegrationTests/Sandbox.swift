import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

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
