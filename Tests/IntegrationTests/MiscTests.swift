import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// process.oomScoreAdj, domainname, kill --all without a pid namespace, and
/// bad mount/device input (clear errors, nothing left behind).
final class MiscTests: IntegrationTestCase {
    static let loop = ["sh", "-c", "while :; do sleep 0.1; done"]

    func testOomScoreAdj() throws {
        let sb = try makeSandbox(args: ["sh", "-c", "cat /proc/self/oom_score_adj > /host/adj; touch /host/started; while :; do sleep 0.1; done"])
        sb.bundle.bind(sb.hostDir, at: "/host")
        sb.bundle.process["oomScoreAdj"] = 500
        let id = sb.newID()
        try sb.createAndStart(id)
        sb.waitForHostFile("started")
        XCTAssertEqual(trimmed(readFile(sb.hostDir + "/adj") ?? ""), "500")
        let pid = try XCTUnwrap(sb.statePid(id))
        XCTAssertEqual(trimmed(readFile("/proc/\(pid)/oom_score_adj") ?? ""), "500", "the init's score, seen from the host")
        let r = sb.swrun(["exec", id, "cat", "/proc/self/oom_score_adj"])
        XCTAssertEqual(trimmed(r.stdout), "500", "exec'd processes get it too: \(r)")
        XCTAssertNotEqual(trimmed(readFile("/proc/self/oom_score_adj") ?? ""), "500", "the caller's own score is untouched")
    }

    func testDomainname() throws {
        try swrunOnly("runc 1.1.5 ignores domainname (added in runc 1.2)")
        let sb = try makeSandbox(args: ["sh", "-c", "echo domain=$(cat /proc/sys/kernel/domainname); echo host=$(hostname)"])
        sb.bundle.config["domainname"] = "example.org"
        sb.bundle.config["hostname"] = "box"
        let hostDomain = readFile("/proc/sys/kernel/domainname")
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        let k = MountFixture.keyed(r.stdout)
        XCTAssertEqual(k["domain"], "example.org", "\(r)")
        XCTAssertEqual(k["host"], "box", "\(r)")
        XCTAssertEqual(readFile("/proc/sys/kernel/domainname"), hostDomain, "the host's domainname is untouched")
    }

    func testKillAllReachesEveryProcessWithoutAPidNamespace() throws {
        let sb = try makeSandbox(args: ["sh", "-c",
                                        "sleep 1000 & echo $! > /host/p1; sleep 1001 & echo $! > /host/p2; touch /host/started; wait"])
        sb.bundle.bind(sb.hostDir, at: "/host")
        sb.bundle.removeNamespace("pid")
        let id = sb.newID()
        try sb.createAndStart(id)
        sb.waitForHostFile("started")
        let initPid = try XCTUnwrap(sb.statePid(id))
        // Without a pid namespace, the pids the shell wrote are host pids.
        let children = ["p1", "p2"].compactMap { pid_t(trimmed(readFile(sb.hostDir + "/" + $0) ?? "")) }
        XCTAssertEqual(children.count, 2)
        for c in children { XCTAssertEqual(processStateLetter(c).map { $0 != "Z" }, true, "child \(c) runs") }
        XCTAssertSucceeds(sb.swrun(["kill", "--all", id, "KILL"]))
        for pid in children + [initPid] {
            let gone = waitUntil(timeout: 5) {
                let s = processStateLetter(pid)
                return s == nil || s == "Z"
            }
            XCTAssertTrue(gone, "process \(pid) survived kill --all")
        }
        for c in children { reap(c) }
        XCTAssertTrue(sb.waitForStatus(id, "stopped"))
        let dir = Suite.cgroupDir("pids", "/\(Suite.cgroupParent)/\(id)") ?? "<no pids hierarchy>"
        let procs = readFile(dir + "/cgroup.procs")
        XCTAssertEqual(procs.map(trimmed), "", "the cgroup \(dir) is there and empty")
    }

    func testDeleteKillsWhatOutlivedTheInitWithoutAPidNamespace() throws {
        if Suite.isUnifiedOnly {
            // v2 keeps a killed task in its cgroup until it is reaped.
            try swrunOnly("runc 1.1.5 on cgroup v2 does not wait for the killed process to leave the cgroup: it leaves the cgroup behind")
        }
        let sb = try makeSandbox(args: ["sh", "-c", "sleep 1000 & echo $! > /host/bg; exit 0"])
        sb.bundle.bind(sb.hostDir, at: "/host")
        sb.bundle.removeNamespace("pid")
        let id = sb.newID()
        try sb.createAndStart(id)
        XCTAssertTrue(sb.waitForStatus(id, "stopped"), "the init exited")
        let bg = try XCTUnwrap(pid_t(trimmed(readFile(sb.hostDir + "/bg") ?? "")))
        XCTAssertEqual(processStateLetter(bg).map { $0 != "Z" }, true, "the background sleep outlived the init")
        XCTAssertSucceeds(sb.swrun(["delete", id]))
        let gone = waitUntil(timeout: 5) { processStateLetter(bg).map { $0 == "Z" } ?? true }
        XCTAssertTrue(gone, "delete killed \(bg)")
        XCTAssertTrue(reap(bg))
        sb.assertNoTrace(of: id)
    }

    // MARK: bad input

    private func failingCreate(_ sb: Sandbox, file: StaticString = #filePath, line: UInt = #line) throws -> (String, ProcResult) {
        let id = sb.newID()
        try sb.prepare(id)
        let r = sb.swrun(["create", "--bundle", sb.bundle.path, id], file: file, line: line)
        return (id, r)
    }

    func testUnknownTmpfsOptionIsAClearErrorAndLeavesNothing() throws {
        let sb = try makeSandbox(args: Self.loop)
        sb.bundle.addMount(destination: "/scratch", type: "tmpfs", source: "tmpfs", options: ["size=1m", "bogus-opt=1"])
        let before = readFile("/proc/self/mountinfo") ?? ""
        let (id, r) = try failingCreate(sb)
        XCTAssertFails(r, mentioning: ["/scratch"])
        XCTAssertTrue(r.stderr.contains("bogus-opt"), "the unknown option is named: \(r)")
        sb.assertNoTrace(of: id)
        XCTAssertEqual(MountFixture.newMounts(before: before, now: readFile("/proc/self/mountinfo") ?? "", mentioning: sb.dir), [])
    }

    func testUnknownFilesystemTypeNamesTheDestination() throws {
        let sb = try makeSandbox(args: Self.loop)
        sb.bundle.addMount(destination: "/odd", type: "no-such-fs-type", source: "none")
        let (id, r) = try failingCreate(sb)
        XCTAssertFails(r, mentioning: ["/odd"])
        sb.assertNoTrace(of: id)
    }

    func testBindWithAMissingRelativeSourceNamesIt() throws {
        let sb = try makeSandbox(args: Self.loop)
        sb.bundle.addMount(destination: "/data", type: "bind", source: "no-such-source-dir", options: ["rbind"])
        let (id, r) = try failingCreate(sb)
        XCTAssertFails(r, mentioning: ["no-such-source-dir"])
        XCTAssertTrue(r.stderr.lowercased().contains("no such file"), "\(r)")
        sb.assertNoTrace(of: id)
        XCTAssertFalse(fileExists(sb.bundle.rootfs + "/data/no-such-source-dir"))
    }

    func testRelativeDestinationIsTakenRelativeToRoot() throws {
        // config.md: "it MAY be a relative path, in which case it MUST be
        // interpreted as relative to "/"" (deprecated, but valid).
        let sb = try makeSandbox(args: ["cat", "/proc/self/mountinfo"])
        sb.bundle.addMount(destination: "rel/dir", type: "tmpfs", source: "tmpfs", options: ["size=1m"])
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        XCTAssertEqual(MountFixture.entry(r.stdout, at: "/rel/dir")?.fsType, "tmpfs", "\(r)")
        XCTAssertTrue(isDirectory(sb.bundle.rootfs + "/rel/dir"))
    }

    func testDeviceWithABadTypeIsRefused() throws {
        let sb = try makeSandbox(args: Self.loop)
        var l = sb.bundle.linux
        l["devices"] = [["path": "/dev/odd", "type": "x", "major": 1, "minor": 3]]
        sb.bundle.linux = l
        let (id, r) = try failingCreate(sb)
        // runc: invalid device type "x"; swrun: linux.devices[0].type: ... got "x"
        XCTAssertFails(r, mentioning: ["device type", "devices[0].type"])
        sb.assertNoTrace(of: id)
    }

    func testDeviceWithABadTypeMessageNamesTheEntry() throws {
        try swrunOnly("runc does not say which entry")
        let sb = try makeSandbox(args: Self.loop)
        var l = sb.bundle.linux
        l["devices"] = [["path": "/dev/fine", "type": "c", "major": 1, "minor": 3],
                        ["path": "/dev/odd", "type": "x", "major": 1, "minor": 3]]
        sb.bundle.linux = l
        let (id, r) = try failingCreate(sb)
        XCTAssertFails(r, mentioning: ["linux.devices[1]"])
        XCTAssertTrue(r.stderr.contains("\"x\""), "the bad type is quoted: \(r)")
        sb.assertNoTrace(of: id)
    }
}
