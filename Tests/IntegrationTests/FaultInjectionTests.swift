import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// swrun SIGKILLed at the end of each phase of create, start, exec,
/// delete and restore (SWRUN_FAULT_AFTER, a test hook in PhaseTimer): `delete --force`
/// then finishes within seconds and leaves no process, cgroup, mount or
/// state directory.
final class FaultInjectionTests: IntegrationTestCase {
    static let createPhases = ["load bundle", "publish state dir", "compile plan", "create cgroups", "clone",
                               "join cgroups", "child setup", "record created"]
    static let restorePhases = ["restore load bundle", "restore publish state dir", "restore create cgroups",
                                "restore mount points", "restore bind root", "restore criu", "restore unbind root",
                                "restore record"]

    override func setUpWithError() throws {
        try super.setUpWithError()
        try swrunOnly("SWRUN_FAULT_AFTER is swrun's test hook")
    }

    private func killed(_ r: ProcResult, _ phase: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.signal, SIGKILL, "swrun should have died after \"\(phase)\": \(r)", file: file, line: line)
    }

    /// Processes a killed swrun left to us (we are their subreaper, as a
    /// shim is): reaped as they exit, or a pid namespace cannot end.
    private func reapOrphans(except keep: pid_t) {
        let me = getpid()
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry), pid != keep, let stat = readFile("/proc/\(pid)/stat"),
                  let close = stat.range(of: ")", options: .backwards) else { continue }
            let fields = stat[close.upperBound...].split(separator: " ")
            if fields.count > 1, fields[0] == "Z", pid_t(fields[1]) == me { reap(pid, timeout: 0) }
        }
    }

    private func cleanedUp(_ sb: Sandbox, _ id: String, _ phase: String, file: StaticString = #filePath, line: UInt = #line) {
        let start = Date()
        guard let p = try? sb.spawnSwrun(["delete", "--force", id]) else { return XCTFail("spawn delete", file: file, line: line) }
        let finished = waitUntil(timeout: 10) {
            reapOrphans(except: p.pid)
            return p.poll() != nil
        }
        XCTAssertTrue(finished, "delete --force after a kill at \"\(phase)\" hung", file: file, line: line)
        let r = p.wait(timeout: 1)
        XCTAssertSucceeds(r, "after a kill at \"\(phase)\"", file: file, line: line)
        XCTAssertLessThan(Date().timeIntervalSince(start), 5, "delete --force took too long after \"\(phase)\"", file: file, line: line)
        sb.assertNoTrace(of: id, file: file, line: line)
    }

    func testCreateKilledAtEveryPhase() throws {
        for phase in Self.createPhases {
            let sb = try makeSandbox(args: ["sleep", "1000"])
            let id = sb.newID()
            try sb.prepare(id)
            let r = runProcess([sb.binary, "--root", sb.stateRoot, "create", "--bundle", sb.bundle.path, id],
                               env: ["SWRUN_FAULT_AFTER": phase])
            killed(r, phase)
            cleanedUp(sb, id, phase)
        }
    }

    func testStartKilledAtEveryPhase() throws {
        for phase in ["start checked", "start released"] {
            let sb = try makeSandbox(args: ["sleep", "1000"])
            let id = sb.newID()
            XCTAssertSucceeds(try sb.create(id))
            killed(runProcess([sb.binary, "--root", sb.stateRoot, "start", id], env: ["SWRUN_FAULT_AFTER": phase]), phase)
            cleanedUp(sb, id, phase)
        }
    }

    func testExecKilledAtEveryPhase() throws {
        for phase in ["exec clone", "exec join cgroups", "exec ready"] {
            let sb = try makeSandbox(args: ["sleep", "1000"])
            let id = sb.newID()
            try sb.createAndStart(id)
            let r = runProcess([sb.binary, "--root", sb.stateRoot, "exec", id, "sleep", "1000"], env: ["SWRUN_FAULT_AFTER": phase])
            killed(r, phase)
            XCTAssertEqual(sb.status(id), "running", "the container outlives a killed exec")
            cleanedUp(sb, id, phase)
        }
    }

    func testDeleteKilledAtEveryPhase() throws {
        for phase in ["delete kill", "delete cgroups"] {
            let sb = try makeSandbox(args: ["sleep", "1000"])
            let id = sb.newID()
            try sb.createAndStart(id)
            let pid = sb.statePid(id) ?? 0
            killed(runProcess([sb.binary, "--root", sb.stateRoot, "delete", "--force", id], env: ["SWRUN_FAULT_AFTER": phase]), phase)
            reap(pid)
            cleanedUp(sb, id, phase)
        }
    }

    /// restore killed after each phase. The phases before CRIU runs need
    /// no CRIU (images that name stdio only); with a working CRIU (the
    /// guest) a real checkpoint is restored, under a new id each time. A
    /// kill while the rootfs is bound at `<root>/<id>/criu-root` leaves
    /// that mount: `delete --force` detaches it and never walks into it,
    /// so the rootfs survives.
    func testRestoreKilledAtEveryPhase() throws {
        let sb = try makeSandbox(args: ["sleep", "1000"])
        let images = sb.dir + "/images"
        // Pipes for stdio: CRIU cannot dump a file on a mount the container lacks.
        let stdio = CheckpointTests.Stdio()
        addTeardownBlock { stdio.close() }
        let phases: [String]
        if CheckpointTests.criuProblem == nil {
            let original = sb.newID()
            XCTAssertSucceeds(try sb.run(original, extra: ["--detach"], fds: stdio.fds))
            let pid = sb.statePid(original) ?? 0
            XCTAssertSucceeds(sb.swrun(["checkpoint", "--image-path", images, "--work-path", sb.dir + "/work", original], timeout: 60))
            reap(pid)
            phases = Self.restorePhases
        } else {
            try FileManager.default.createDirectory(atPath: images, withIntermediateDirectories: true)
            try writeFile(images + "/descriptors.json", "[\"/dev/null\",\"/dev/null\",\"/dev/null\"]")
            phases = Array(Self.restorePhases.prefix { $0 != "restore criu" })
        }
        for phase in phases {
            let id = sb.newID()
            try sb.prepare(id)
            let r = runProcess([sb.binary, "--root", sb.stateRoot, "restore", "--detach", "--bundle", sb.bundle.path,
                                "--image-path", images, "--work-path", sb.dir + "/work", id],
                               env: ["SWRUN_FAULT_AFTER": phase], fds: stdio.fds, timeout: 60)
            killed(r, phase)
            cleanedUp(sb, id, phase)
            XCTAssertTrue(fileExists(sb.bundle.rootfs + "/bin/busybox"), "the rootfs survives delete after a kill at \(phase)")
            XCTAssertFalse((readFile("/proc/self/mountinfo") ?? "").contains(sb.stateRoot),
                           "nothing stays mounted under the state root after a kill at \(phase)")
        }
    }

    /// A create killed once its init was set up, and the cgroup
    /// frozen behind it (as a caller may do to stop a runaway start):
    /// `delete --force` thaws what it kills and still leaves nothing.
    func testDeleteForceAfterACreateKilledInAFrozenCgroup() throws {
        let sb = try makeSandbox(args: ["sleep", "1000"])
        let id = sb.newID()
        try sb.prepare(id)
        let phase = "record created"   // the init lives on, blocked on the exec fifo
        killed(runProcess([sb.binary, "--root", sb.stateRoot, "create", "--bundle", sb.bundle.path, id],
                          env: ["SWRUN_FAULT_AFTER": phase]), phase)
        let state = try XCTUnwrap(readFile(sb.stateRoot + "/" + id + "/state.json"))
        let record = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(state.utf8)) as? [String: Any])
        var frozen = 0
        for dir in record["cgroupPaths"] as? [String] ?? [] {
            if fileExists(dir + "/freezer.state"), (try? writeFile(dir + "/freezer.state", "FROZEN")) != nil { frozen += 1 }
            if fileExists(dir + "/cgroup.freeze"), (try? writeFile(dir + "/cgroup.freeze", "1")) != nil { frozen += 1 }
        }
        if frozen == 0 { throw XCTSkip("this host has neither a v1 freezer nor cgroup.freeze to freeze with") }
        cleanedUp(sb, id, phase + " (then frozen)")
    }
}
