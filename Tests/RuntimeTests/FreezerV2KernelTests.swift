import Glibc
import OCI
@testable import SwrunRuntime
import XCTest

/// pause/resume through cgroup.freeze on the real cgroup2 mount. Containers
/// on this hybrid host use the v1 freezer, so the v2 path is driven here
/// directly, on a throwaway cgroup holding a real writer process.
final class FreezerV2KernelTests: XCTestCase {
    private var cgroup = ""
    private var pid: pid_t = 0
    private var dir = ""

    override func setUpWithError() throws {
        guard let v2 = CgroupHierarchy.current().first(where: \.isV2) else {
            throw XCTSkip("no cgroup2 mount in /proc/self/mountinfo")
        }
        cgroup = "\(v2.mountPoint)/swrun-freezetest-\(getpid())"
        guard mkdir(cgroup, 0o755) == 0 else { throw RuntimeError("mkdir", path: cgroup, errno: errno) }
        guard Sys.exists(cgroup + "/cgroup.freeze") else {
            rmdir(cgroup)
            throw XCTSkip("this kernel's cgroup2 has no cgroup.freeze")
        }
        dir = try makeTemporaryDirectory("freezetest")
    }

    override func tearDown() {
        if pid > 0 {
            _ = try? Sys.writeExisting(cgroup + "/cgroup.freeze", "0")
            kill(pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
        if !cgroup.isEmpty { CgroupDirectories.remove([cgroup]) }
        if !dir.isEmpty { Sys.removeTree(dir) }
    }

    /// The container's cgroups as pause and resume see them: only v2.
    private func containerCgroups() -> V2Driver {
        V2Driver(ContainerCgroups(recorded: [cgroup], created: [], in: CgroupHierarchy.current().filter(\.isV2)))
    }

    private func lineCount() -> Int {
        ((try? Sys.readText(dir + "/ticks")) ?? "").split(separator: "\n").count
    }

    private func waitForTicks(beyond n: Int) -> Bool {
        for _ in 0..<300 where lineCount() <= n { Sys.sleepMillis(10) }
        return lineCount() > n
    }

    func testFreezeStopsTheCgroupsProcessesAndThawResumesThem() throws {
        let script = "echo $$ > \(cgroup)/cgroup.procs || exit 99; while :; do echo t >> \(dir)/ticks; sleep 0.01; done"
        let args = ["/bin/sh", "-c", script]
        let argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        XCTAssertEqual(posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ), 0)
        XCTAssertTrue(waitForTicks(beyond: 0), "the writer runs in the cgroup")

        let cg = containerCgroups()
        XCTAssertEqual(cg.paths, [cgroup])
        XCTAssertFalse(cg.isFrozen())
        try cg.freeze()
        XCTAssertTrue(cg.isFrozen())
        XCTAssertTrue(try Sys.readText(cgroup + "/cgroup.events").contains("frozen 1"), "freeze returned once the kernel said frozen")
        let frozenAt = lineCount()
        Sys.sleepMillis(200)
        XCTAssertEqual(lineCount(), frozenAt, "a frozen writer writes nothing")

        try cg.thaw()
        XCTAssertFalse(cg.isFrozen())
        XCTAssertTrue(try Sys.readText(cgroup + "/cgroup.events").contains("frozen 0"))
        XCTAssertTrue(waitForTicks(beyond: frozenAt), "the writer goes on after thaw")
    }
}
