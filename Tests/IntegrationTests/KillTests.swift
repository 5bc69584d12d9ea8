import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// kill as containerd and podman use it: probes, and --all after the init
/// is gone.
final class KillTests: IntegrationTestCase {
    func testSignalZeroProbes() throws {
        let sb = try makeSandbox(args: ["sleep", "1000"])
        let id = sb.newID()
        try sb.createAndStart(id)
        XCTAssertSucceeds(sb.swrun(["kill", id, "0"]))
        XCTAssertSucceeds(sb.swrun(["kill", "--all", id, "0"]))
        XCTAssertEqual(sb.status(id), "running", "signal 0 delivers nothing")
    }

    /// With the host's pid namespace the init's children outlive it in the
    /// container's cgroup; kill --all must still reach them, exit 0.
    func testKillAllAfterTheInitExitedSignalsWhatIsLeft() throws {
        let sb = try makeSandbox(args: ["sh", "-c", "sleep 1000 & echo $! > /host/child; exit 0"])
        sb.bundle.bind(sb.hostDir, at: "/host")
        sb.bundle.removeNamespace("pid")
        let id = sb.newID()
        try sb.createAndStart(id)
        XCTAssertTrue(sb.waitForHostFile("child"))
        XCTAssertTrue(sb.waitForStatus(id, "stopped"))
        guard let child = readFile(sb.hostDir + "/child").flatMap({ pid_t(trimmed($0)) }) else { return XCTFail("no child pid") }
        XCTAssertTrue(processExists(child))
        XCTAssertSucceeds(sb.swrun(["kill", "--all", id, "KILL"]))
        XCTAssertTrue(waitUntil(timeout: 5) { processStateLetter(child) == nil || processStateLetter(child) == "Z" }, "the leftover child still runs")
        reap(child)
        XCTAssertSucceeds(sb.swrun(["delete", id]))
    }

    func testNotifyAsTheDefaultSeccompActionIsRefused() throws {
        let sb = try makeSandbox()
        var l = sb.bundle.linux
        l["seccomp"] = ["defaultAction": "SCMP_ACT_NOTIFY", "listenerPath": sb.dir + "/listener.sock",
                        "architectures": ["SCMP_ARCH_X86_64"]]
        sb.bundle.linux = l
        let id = sb.newID()
        let r = try sb.run(id, timeout: 15)
        XCTAssertFails(r, mentioning: ["SCMP_ACT_NOTIFY", "notify"])
        sb.assertNoTrace(of: id)
    }
}
