import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// What the kernel reports back through the container's cgroup: an OOM
/// kill as an "oom" event (v1 memory.oom_control, v2 memory.events), and on
/// a unified host the `unified` keys, io weight and cpuset as files.
/// The v2 cases run in the guest (`make vm-test`).
final class CgroupV2ResourceTests: IntegrationTestCase {
    func testAnOomKillIsReportedByEvents() throws {
        // The shell doubles a string until the 32 MiB limit kills it.
        let sb = try makeSandbox(args: ["sh", "-c", "touch /host/started; sleep 1; x=a; while :; do x=$x$x; done"])
        sb.bundle.bind(sb.hostDir, at: "/host")
        var res = sb.bundle.resources
        res["memory"] = ["limit": 32 << 20]
        sb.bundle.resources = res
        let id = sb.newID()
        try sb.createAndStart(id)
        XCTAssertTrue(sb.waitForHostFile("started"))
        let events = try sb.spawnSwrun(["events", "--interval", "1s", id])
        XCTAssertTrue(sb.waitForStatus(id, "stopped", timeout: 60), "the hog was not killed")
        // swrun's events ends with the container; runc's goes on.
        var r = events.wait(timeout: 3)
        if r.timedOut {
            events.kill(signal: SIGTERM)
            r = events.wait(timeout: 5)
        }
        let types = lines(r.stdout).compactMap { (parseJSON($0) as? [String: Any])?["type"] as? String }
        XCTAssertTrue(types.contains("oom"), "no oom event: \(r)")
        XCTAssertTrue(types.contains("stats"), "\(r)")
        XCTAssertSucceeds(sb.swrun(["delete", "--force", id]))
    }

    private func unifiedOnly() throws {
        guard Suite.isUnifiedOnly else { throw XCTSkip("needs the unified cgroup v2 hierarchy: run in the guest (make vm-test)") }
    }

    func testUnifiedKeysIoWeightAndCpusetReachTheFiles() throws {
        try unifiedOnly()
        let sb = try makeSandbox(args: ["sleep", "1000"])
        var res = sb.bundle.resources
        res["unified"] = ["memory.high": "\(48 << 20)", "memory.oom.group": "1", "pids.max": "12", "cpu.weight": "50"]
        res["blockIO"] = ["weight": 500]
        res["cpu"] = ["cpus": "0", "mems": "0"]
        sb.bundle.resources = res
        let id = sb.newID()
        try sb.createAndStart(id)
        let pid = sb.statePid(id) ?? 0
        XCTAssertEqual(CgroupLocator.read(pid, "memory", "memory.high"), "\(48 << 20)")
        XCTAssertEqual(CgroupLocator.read(pid, "memory", "memory.oom.group"), "1")
        XCTAssertEqual(CgroupLocator.read(pid, "pids", "pids.max"), "12")
        XCTAssertEqual(CgroupLocator.read(pid, "cpu", "cpu.weight"), "50")
        XCTAssertEqual(CgroupLocator.read(pid, "cpuset", "cpuset.cpus"), "0")
        XCTAssertEqual(CgroupLocator.read(pid, "cpuset", "cpuset.mems"), "0")
        // BFQ takes the blkio weight as it is; io.weight its 1-10000 mapping.
        if let bfq = CgroupLocator.read(pid, "io", "io.bfq.weight") {
            XCTAssertEqual(bfq, "default 500")
        } else {
            XCTAssertEqual(CgroupLocator.read(pid, "io", "io.weight"), "default 4950")
        }
        XCTAssertSucceeds(sb.swrun(["delete", "--force", id]))
        reap(pid)
    }
}
