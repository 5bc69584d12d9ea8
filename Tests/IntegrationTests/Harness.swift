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
