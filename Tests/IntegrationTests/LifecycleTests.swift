import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// create → start → kill → delete, and what `state` says at each step.
final class LifecycleTests: IntegrationTestCase {
    /// A container command that marks that it ran, then loops until killed.
    static let markAndLoop = ["sh", "-c", "touch /host/started; while :; do sleep 0.1; done"]

    func testCreateStartKillDelete() throws {
        let sb = try makeSandbox(args: Self.markAndLoop)
        sb.bundle.bind(sb.hostDir, at: "/host")
        let id = sb.newID()
        let pidFile = sb.dir + "/init.pid"

        // create: the init exists but the user command has not run.
        let c = try sb.create(id, extra: ["--pid-file", pidFile])
        XCTAssertSucceeds(c)
        guard let st = sb.state(id) else { return XCTFail("state after create failed") }
        XCTAssertEqual(st["status"] as? String, "created")
        XCTAssertEqual(st["id"] as? String, id)
        let pid = intValue(st["pid"]) ?? 0
        XCTAssertGreaterThan(pid, 0)
        let pidText = readFile(pidFile) ?? ""
        XCTAssertNotNil(pidText.range(of: #"^[0-9]+\n?$"#, options: .regularExpression),
                        "pid file should hold just the pid, got \(pidText.debugDescription)")
        XCTAssertEqual(trimmed(pidText), String(pid))
        XCTAssertTrue(processExists(pid_t(pid)), "init \(pid) should exist after create")
        XCTAssertNotEqual(processStateLetter(pid_t(pid)), "Z", "init must not have exited after create")
        XCTAssertTrue(isDirectory(sb.stateRoot + "/" + id), "state dir \(sb.stateRoot)/\(id) should exist")
        // Give a runtime that wrongly runs the command at create a chance to show it.
        usleep(200_000)
        XCTAssertFalse(fileExists(sb.hostDir + "/started"), "the user command ran before start")

        // start: the command runs, the status is running, the pid unchanged.
        XCTAssertSucceeds(sb.swrun(["start", id]))
        sb.waitForHostFile("started")
        XCTAssertEqual(sb.status(id), "running")
        XCTAssertEqual(sb.statePid(id), pid_t(pid))

        // kill: the init dies; it is a zombie under our subreaper until delete.
        XCTAssertSucceeds(sb.swrun(["kill", id, "KILL"]))
        sb.waitForStatus(id, "stopped")

        // delete: state is gone.
        XCTAssertSucceeds(sb.swrun(["delete", id]))
        sb.reapInit(pid_t(pid))
        let after = sb.swrun(["state", id])
        XCTAssertFails(after, mentioning: ["exist", "not found", id])
        XCTAssertFalse(fileExists(sb.stateRoot + "/" + id), "state dir should be gone after delete")
        XCTAssertFalse(processExists(pid_t(pid)), "init should be gone after delete + reap")
        XCTAssertNoCgroup("/swrun-it/\(id)", "after delete")
    }

    func testKillDefaultsToSIGTERM() throws {
        let sb = try makeSandbox(args: ["sh", "-c",
                                        "trap 'touch /host/got-term; exit 0' TERM; touch /host/started; while :; do sleep 0.1; done"])
        sb.bundle.bind(sb.hostDir, at: "/host")
        let id = sb.newID()
        try sb.createAndStart(id)
        sb.waitForHostFile("started")
        XCTAssertSucceeds(sb.swrun(["kill", id]))
        sb.waitForHostFile("got-term")
        sb.waitForStatus(id, "stopped")
        XCTAssertSucceeds(sb.swrun(["delete", id]))
    }

    func testKillSignalByNameNumberAndSIGPrefix() throws {
        let sb = try makeSandbox(args: Self.markAndLoop)
        for sig in ["KILL", "9", "SIGKILL"] {
            let id = sb.newID()
            try sb.createAndStart(id)
            XCTAssertEqual(sb.status(id), "running")
            let pid = sb.statePid(id) ?? 0
            XCTAssertSucceeds(sb.swrun(["kill", id, sig]), "kill \(sig)")
            sb.waitForStatus(id, "stopped")
            XCTAssertSucceeds(sb.swrun(["delete", id]))
            sb.reapInit(pid)
            XCTAssertNil(sb.state(id), "state should fail after delete (signal \(sig))")
        }
    }

    func testKillWithTermSignalName() throws {
        // A TERM trap distinguishes TERM from any other signal.
        let sb = try makeSandbox(args: ["sh", "-c",
                                        "trap 'touch /host/term' TERM; trap 'touch /host/usr1' USR1; touch /host/started; while :; do sleep 0.1; done"])
        sb.bundle.bind(sb.hostDir, at: "/host")
        let id = sb.newID()
        try sb.createAndStart(id)
        sb.waitForHostFile("started")
        XCTAssertSucceeds(sb.swrun(["kill", id, "USR1"]))
        sb.waitForHostFile("usr1")
        XCTAssertFalse(fileExists(sb.hostDir + "/term"))
        XCTAssertEqual(sb.status(id), "running", "a trapped signal must not stop the container")
        XCTAssertSucceeds(sb.swrun(["kill", id, "SIGTERM"]))
        sb.waitForHostFile("term")
    }

    func testInitExitingOnItsOwnIsStopped() throws {
        let sb = try makeSandbox(args: ["sh", "-c", "echo done > /host/done"])
        sb.bundle.bind(sb.hostDir, at: "/host")
        let id = sb.newID()
        try sb.createAndStart(id)
        sb.waitForStatus(id, "stopped")
        XCTAssertEqual(trimmed(readFile(sb.hostDir + "/done") ?? ""), "done")
        // A stopped container is deleted without --force.
        XCTAssertSucceeds(sb.swrun(["delete", id]))
        XCTAssertNil(sb.state(id))
    }

    func testCreateUsesCallerStdioForTheContainer() throws {
        let sb = try makeSandbox(args: ["sh", "-c", "echo out-from-init; echo err-from-init >&2"])
        let id = sb.newID()
        let outFile = sb.dir + "/create.out"
        let c = try sb.create(id, stdoutFile: outFile)
        XCTAssertSucceeds(c)
        XCTAssertFalse((readFile(outFile) ?? "").contains("out-from-init"), "output before start")
        XCTAssertSucceeds(sb.swrun(["start", id]))
        sb.waitForStatus(id, "stopped")
        XCTAssertTrue(waitUntil(timeout: 5) { (readFile(outFile) ?? "").contains("out-from-init") },
                      "container stdout should go to create's stdout: \(readFile(outFile) ?? "")")
    }

    func testDeleteForceKillsRunningContainer() throws {
        let sb = try makeSandbox(args: Self.markAndLoop)
        sb.bundle.bind(sb.hostDir, at: "/host")
        let id = sb.newID()
        try sb.createAndStart(id)
        sb.waitForHostFile("started")
        let pid = sb.statePid(id) ?? 0
        XCTAssertGreaterThan(pid, 0)
        XCTAssertSucceeds(sb.swrun(["delete", "--force", id]))
        XCTAssertNil(sb.state(id), "state should fail after delete --force")
        XCTAssertTrue(reap(pid), "init should die after delete --force")
        XCTAssertFalse(processExists(pid))
        XCTAssertFalse(fileExists(sb.stateRoot + "/" + id))
    }

    func testDeleteForceOfCreatedContainer() throws {
        let sb = try makeSandbox(args: Self.markAndLoop)
        sb.bundle.bind(sb.hostDir, at: "/host")
        let id = sb.newID()
        XCTAssertSucceeds(try sb.create(id))
        let pid = sb.statePid(id) ?? 0
        XCTAssertSucceeds(sb.swrun(["delete", "--force", id]))
        XCTAssertNil(sb.state(id))
        XCTAssertTrue(reap(pid))
        XCTAssertFalse(processExists(pid))
        XCTAssertFalse(fileExists(sb.hostDir + "/started"), "the user command must never run")
    }

    func testDeleteOfCreatedContainerWithoutForce() throws {
        let sb = try makeSandbox(args: Self.markAndLoop)
        sb.bundle.bind(sb.hostDir, at: "/host")
        let id = sb.newID()
        XCTAssertSucceeds(try sb.create(id))
        let pid = sb.statePid(id) ?? 0
        // As runc and crun: the waiting init is killed and the container
        // deleted (containerd and podman rely on it when start never comes).
        XCTAssertSucceeds(sb.swrun(["delete", id]))
        XCTAssertNil(sb.state(id))
        sb.assertNoTrace(of: id)
        XCTAssertTrue(reap(pid))
        XCTAssertFalse(fileExists(sb.hostDir + "/started"), "the user command must never run")
    }

    func testStateReportsStoppedForZombieInit() throws {
        // The init exits but is not reaped (we are its subreaper and wait):
        // the runtime must read the zombie as stopped.
        let sb = try makeSandbox(args: ["sh", "-c", "exit 0"])
        let id = sb.newID()
        XCTAssertSucceeds(try sb.create(id))
        let pid = sb.statePid(id) ?? 0
        XCTAssertGreaterThan(pid, 0)
        XCTAssertSucceeds(sb.swrun(["start", id]))
        XCTAssertTrue(waitUntil { processStateLetter(pid) == "Z" || !processExists(pid) })
        XCTAssertEqual(processStateLetter(pid), "Z", "the init should be our unreaped zombie")
        XCTAssertEqual(sb.status(id), "stopped")
    }

    func testKillCreatedContainer() throws {
        let sb = try makeSandbox(args: Self.markAndLoop)
        sb.bundle.bind(sb.hostDir, at: "/host")
        let id = sb.newID()
        XCTAssertSucceeds(try sb.create(id))
        XCTAssertSucceeds(sb.swrun(["kill", id, "KILL"]))
        sb.waitForStatus(id, "stopped")
        XCTAssertFalse(fileExists(sb.hostDir + "/started"), "the user command must never run")
        XCTAssertNotEqual(sb.swrun(["start", id]).status, 0, "a stopped container cannot be started")
        XCTAssertFalse(fileExists(sb.hostDir + "/started"))
        XCTAssertSucceeds(sb.swrun(["delete", id]))
    }

    func testStateDetectsInitKilledOutsideTheRuntime() throws {
        let sb = try makeSandbox(args: Self.markAndLoop)
        sb.bundle.bind(sb.hostDir, at: "/host")
        let id = sb.newID()
        try sb.createAndStart(id)
        sb.waitForHostFile("started")
        let pid = sb.statePid(id) ?? 0
        XCTAssertGreaterThan(pid, 0)
        XCTAssertEqual(kill(pid, SIGKILL), 0)
        sb.waitForStatus(id, "stopped")
        XCTAssertSucceeds(sb.swrun(["delete", id]))
        XCTAssertNil(sb.state(id))
    }

    func testReapedInitIsStoppedToo() throws {
        // Once the zombie is reaped (and its pid possibly reused) the container is still stopped.
        let sb = try makeSandbox(args: Self.markAndLoop)
        sb.bundle.bind(sb.hostDir, at: "/host")
        let id = sb.newID()
        try sb.createAndStart(id)
        sb.waitForHostFile("started")
        let pid = sb.statePid(id) ?? 0
        XCTAssertSucceeds(sb.swrun(["kill", id, "KILL"]))
        XCTAssertTrue(reap(pid), "init should die")
        XCTAssertFalse(processExists(pid))
        XCTAssertEqual(sb.status(id), "stopped")
        XCTAssertSucceeds(sb.swrun(["delete", id]))
        XCTAssertNil(sb.state(id))
    }

    func testStateRootIsCreatedPrivate() throws {
        let sb = try makeSandbox(args: Self.markAndLoop)
        XCTAssertFalse(fileExists(sb.stateRoot))
        XCTAssertSucceeds(try sb.create(sb.newID()))
        var st = stat()
        XCTAssertEqual(stat(sb.stateRoot, &st), 0, "--root dir should be created")
        XCTAssertEqual(st.st_mode & 0o777, 0o700, "--root dir mode")
    }
}
