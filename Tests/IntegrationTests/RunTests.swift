import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// `run` (foreground and --detach).
final class RunTests: IntegrationTestCase {
    func testRunPropagatesExitStatus() throws {
        let sb = try makeSandbox(args: ["sh", "-c", "exit 3"])
        let r = try sb.run(sb.newID())
        XCTAssertEqual(r.status, 3, "\(r)")
        XCTAssertNil(r.signal)

        sb.bundle.args = ["sh", "-c", "exit 0"]
        XCTAssertEqual(try sb.run(sb.newID()).status, 0)

        sb.bundle.args = ["false"]
        XCTAssertEqual(try sb.run(sb.newID()).status, 1)
    }

    func testRunForwardsStdoutAndStderr() throws {
        let sb = try makeSandbox(args: ["sh", "-c", "echo hello-from-container; echo oops-on-stderr >&2; echo line2"])
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        XCTAssertEqual(r.stdout, "hello-from-container\nline2\n")
        XCTAssertTrue(r.stderr.contains("oops-on-stderr"), "\(r)")
        XCTAssertFalse(r.stdout.contains("oops-on-stderr"))
    }

    func testRunForwardsStdin() throws {
        let sb = try makeSandbox(args: ["sh", "-c", "tr a-z A-Z"])
        let r = try sb.run(sb.newID(), stdin: "some input\nmore\n")
        XCTAssertSucceeds(r)
        XCTAssertEqual(r.stdout, "SOME INPUT\nMORE\n")
    }

    /// A foreground `run` of a looping container, once its process started.
    private func foregroundRun() throws -> (sb: Sandbox, id: String, run: SpawnedProcess) {
        let sb = try makeSandbox(args: ["sh", "-c", "touch /host/started; while :; do sleep 0.1; done"])
        sb.bundle.bind(sb.hostDir, at: "/host")
        let id = sb.newID()
        try sb.prepare(id)
        let p = try sb.spawnSwrun(["run", "--bundle", sb.bundle.path, id])
        XCTAssertTrue(waitUntil { fileExists(sb.hostDir + "/started") }, "container never started")
        return (sb, id, p)
    }

    func testRunKilledFromOutsideReturns128PlusSignal() throws {
        let (sb, id, p) = try foregroundRun()
        XCTAssertEqual(sb.status(id), "running")
        XCTAssertSucceeds(sb.swrun(["kill", id, "KILL"]))
        let r = p.wait(timeout: 20)
        XCTAssertFalse(r.timedOut)
        XCTAssertEqual(r.status, 128 + SIGKILL, "\(r)")
        XCTAssertNil(r.signal, "run itself should exit normally with 128+signal")
        XCTAssertNil(sb.state(id), "run must delete the container after it exits")
    }

    /// A foreground `run` that is itself SIGKILLed leaves the container
    /// running; `delete --force` then removes it all, cgroups included.
    func testRunSigkilledLeavesNothingAfterDeleteForce() throws {
        let (sb, id, p) = try foregroundRun()
        let initPid = sb.statePid(id) ?? 0
        XCTAssertTrue(Suite.cgroupDir("pids", sb.cgroupsPath(for: id)).map(isDirectory) ?? false)
        p.kill()
        XCTAssertEqual(p.wait(timeout: 10).signal, SIGKILL)
        XCTAssertSucceeds(sb.swrun(["delete", "--force", id]))
        reap(initPid)
        sb.assertNoTrace(of: id)
    }

    /// Foreground run forwards what it receives to the init, as runc does:
    /// the usual ones and the rest (SIGALRM, real-time 36 = SIGRTMIN+2) alike.
    func testRunForwardsSignalsToTheInit() throws {
        for (sig, name) in [(SIGTERM, "TERM"), (SIGALRM, "ALRM"), (Int32(36), "RT")] {
            let sb = try makeSandbox(args: ["sh", "-c",
                "trap 'echo got-\(name); exit 0' \(sig); touch /host/ready; while :; do sleep 0.05; done"])
            sb.bundle.bind(sb.hostDir, at: "/host")
            let id = sb.newID()
            try sb.prepare(id)
            let p = try sb.spawnSwrun(["run", "--bundle", sb.bundle.path, id])
            XCTAssertTrue(waitUntil { fileExists(sb.hostDir + "/ready") }, "container never started")
            kill(p.pid, sig)
            let r = p.wait(timeout: 20)
            XCTAssertEqual(r.status, 0, "\(name): \(r)")
            XCTAssertEqual(trimmed(r.stdout), "got-\(name)", "\(r)")
        }
    }

    func testRunSelfSignalledProcessReturns128PlusSignal() throws {
        // Without a pid namespace the shell is not an init and may signal itself.
        let sb = try makeSandbox(args: ["sh", "-c", "kill -USR1 $$; sleep 5"])
        sb.bundle.removeNamespace("pid")
        let r = try sb.run(sb.newID())
        XCTAssertEqual(r.status, 128 + SIGUSR1, "\(r)")
    }

    func testRunDeletesContainerAfterExit() throws {
        let sb = try makeSandbox(args: ["sh", "-c", "echo bye"])
        let id = sb.newID()
        let r = try sb.run(id)
        XCTAssertSucceeds(r)
        XCTAssertEqual(r.stdout, "bye\n")
        XCTAssertFails(sb.swrun(["state", id]), mentioning: ["exist", "not found", id])
        let left = (try? FileManager.default.contentsOfDirectory(atPath: sb.stateRoot)) ?? []
        XCTAssertEqual(left, [], "state root should be empty after run")
        XCTAssertNoCgroup("/swrun-it/\(id)", "after run")
    }

    /// Foreground run is a child subreaper, as runc's: a process orphaned
    /// inside a container without its own pid namespace is adopted (and
    /// reaped) by run, not by whoever started run.
    func testRunAdoptsOrphansUnlessNoSubreaper() throws {
        for noSubreaper in [false, true] {
            let sb = try makeSandbox(args: ["sh", "-c",
                "(sh -c 'sleep 0.3; grep PPid /proc/self/status > /host/ppid' &); sleep 1"])
            sb.bundle.removeNamespace("pid")
            sb.bundle.bind(sb.hostDir, at: "/host")
            let id = sb.newID()
            try sb.prepare(id)
            let p = try sb.spawnSwrun(["run"] + (noSubreaper ? ["--no-subreaper"] : []) + ["--bundle", sb.bundle.path, id])
            let r = p.wait(timeout: 20)
            XCTAssertEqual(r.status, 0, "\(r)")
            let ppid = trimmed(readFile(sb.hostDir + "/ppid") ?? "").split(separator: "\t").last.map(String.init)
            let expected = noSubreaper ? getpid() : p.pid
            XCTAssertEqual(ppid, "\(expected)", noSubreaper ? "--no-subreaper: the orphan goes to our subreaper" : "run adopted the orphan")
            sb.assertNoTrace(of: id)
        }
    }

    func testRunKeepLeavesTheStoppedContainerForDelete() throws {
        let sb = try makeSandbox(args: ["sh", "-c", "exit 7"])
        let id = sb.newID()
        let r = try sb.run(id, extra: ["--keep"])
        XCTAssertEqual(r.status, 7, "\(r)")
        XCTAssertEqual(sb.status(id), "stopped")
        XCTAssertTrue(Suite.cgroupDir("pids", sb.cgroupsPath(for: id)).map(isDirectory) ?? false, "the cgroup stays until delete")
        XCTAssertSucceeds(sb.swrun(["delete", id]))
        sb.assertNoTrace(of: id)
    }

    func testRunDetach() throws {
        let sb = try makeSandbox(args: ["sh", "-c", "touch /host/started; while :; do sleep 0.1; done"])
        sb.bundle.bind(sb.hostDir, at: "/host")
        let id = sb.newID()
        let pidFile = sb.dir + "/detached.pid"
        let start = Date()
        let r = try sb.run(id, extra: ["--detach", "--pid-file", pidFile])
        XCTAssertSucceeds(r)
        XCTAssertLessThan(Date().timeIntervalSince(start), 10, "run --detach must return while the container runs")
        sb.waitForHostFile("started")
        guard let st = sb.state(id) else { return XCTFail("no state after run --detach") }
        XCTAssertEqual(st["status"] as? String, "running")
        let pid = intValue(st["pid"]) ?? 0
        XCTAssertGreaterThan(pid, 0)
        XCTAssertEqual(trimmed(readFile(pidFile) ?? ""), String(pid))
        XCTAssertSucceeds(sb.swrun(["kill", id, "KILL"]))
        sb.waitForStatus(id, "stopped")
        XCTAssertSucceeds(sb.swrun(["delete", id]))
        XCTAssertNil(sb.state(id))
    }

    func testRunDetachShortProcessThenDelete() throws {
        let sb = try makeSandbox(args: ["sh", "-c", "echo hi > /host/out"])
        sb.bundle.bind(sb.hostDir, at: "/host")
        let id = sb.newID()
        XCTAssertSucceeds(try sb.run(id, extra: ["-d"]))
        sb.waitForStatus(id, "stopped")
        XCTAssertEqual(readFile(sb.hostDir + "/out"), "hi\n")
        XCTAssertSucceeds(sb.swrun(["delete", id]))
    }

    func testRunTwoContainersConcurrently() throws {
        let sb = try makeSandbox(args: ["sh", "-c", "while :; do sleep 0.1; done"])
        let a = sb.newID(), b = sb.newID()
        XCTAssertSucceeds(try sb.run(a, extra: ["-d"]))
        XCTAssertSucceeds(try sb.run(b, extra: ["-d"]))
        XCTAssertEqual(sb.status(a), "running")
        XCTAssertEqual(sb.status(b), "running")
        XCTAssertNotEqual(sb.statePid(a), sb.statePid(b))
    }
}
