import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

final class HookTests: IntegrationTestCase {
    /// A hook script on the host that appends "<name> <state JSON>" to a log.
    func hookScript(_ sb: Sandbox, body: String = "") throws -> String {
        let path = sb.dir + "/hook.sh"
        try writeFile(path, "#!/bin/sh\n\(body)\nprintf '%s %s\\n' \"$1\" \"$(cat)\" >> \(sb.dir)/hooks.log\n", mode: 0o755)
        return path
    }

    func hook(_ path: String, _ name: String, timeout: Int? = nil, env: [String] = []) -> [String: Any] {
        var h: [String: Any] = ["path": path, "args": [path, name], "env": env]
        if let timeout { h["timeout"] = timeout }
        return h
    }

    func logLines(_ sb: Sandbox) -> [(name: String, state: [String: Any])] {
        lines(readFile(sb.dir + "/hooks.log") ?? "").compactMap { line in
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2, let state = parseJSON(parts[1]) as? [String: Any] else { return nil }
            return (parts[0], state)
        }
    }

    func testHooksRunInOrderWithTheStateOnStdin() throws {
        try swrunOnly("runc 1.1.5 runs poststart during create and tells createRuntime hooks \"created\"")
        let sb = try makeSandbox(args: ["sh", "-c", "while :; do sleep 0.1; done"])
        let script = try hookScript(sb)
        sb.bundle.config["hooks"] = [
            "prestart": [hook(script, "prestart")],
            "createRuntime": [hook(script, "createRuntime")],
            "poststart": [hook(script, "poststart")],
            "poststop": [hook(script, "poststop")],
        ]
        sb.bundle.config["annotations"] = ["org.example.key": "value"]
        let id = sb.newID()
        XCTAssertSucceeds(try sb.create(id))
        let pid = try XCTUnwrap(sb.statePid(id))
        XCTAssertEqual(logLines(sb).map(\.name), ["prestart", "createRuntime"])
        for entry in logLines(sb) {
            XCTAssertEqual(entry.state["id"] as? String, id)
            XCTAssertEqual(entry.state["status"] as? String, "creating")
            XCTAssertEqual(intValue(entry.state["pid"]), Int(pid), "the init's host pid")
            XCTAssertEqual((entry.state["annotations"] as? [String: String])?["org.example.key"], "value")
            XCTAssertEqual(entry.state["bundle"] as? String, sb.bundle.path)
        }
        XCTAssertSucceeds(sb.swrun(["start", id]))
        XCTAssertEqual(logLines(sb).last?.name, "poststart")
        XCTAssertEqual(logLines(sb).last?.state["status"] as? String, "running")
        XCTAssertSucceeds(sb.swrun(["delete", "--force", id]))
        XCTAssertEqual(logLines(sb).last?.name, "poststop")
        XCTAssertEqual(logLines(sb).last?.state["status"] as? String, "stopped")
    }

    func testCreateRuntimeHookSeesTheContainersNamespacesBeforePivot() throws {
        let sb = try makeSandbox(args: ["true"])
        let script = try hookScript(sb, body: "pid=$(sed 's/.*\"pid\":\\([0-9]*\\).*/\\1/'); readlink /proc/$pid/ns/net > \(sb.dir)/netns; readlink /proc/$pid/root > \(sb.dir)/root")
        sb.bundle.config["hooks"] = ["createRuntime": [hook(script, "createRuntime")]]
        let id = sb.newID()
        XCTAssertSucceeds(try sb.create(id))
        let pid = try XCTUnwrap(sb.statePid(id))
        XCTAssertEqual(trimmed(readFile(sb.dir + "/netns") ?? ""), readLink("/proc/\(pid)/ns/net"), "the network namespace exists")
        XCTAssertEqual(trimmed(readFile(sb.dir + "/root") ?? ""), "/", "pivot_root has not happened yet")
    }

    /// A create killed half-way (here by its own createRuntime hook) leaves
    /// a container that reads as stopped and that delete removes whole:
    /// the init dies with its parent, and the cgroups are on record.
    func testCreateKilledHalfWayIsStoppedAndDeleteRemovesItsCgroups() throws {
        try swrunOnly("runc 1.1.5 leaves its init and cgroups behind when create is killed")
        let sb = try makeSandbox(args: ["true"])
        let script = try hookScript(sb, body: "kill -9 $PPID")
        sb.bundle.config["hooks"] = ["createRuntime": [hook(script, "createRuntime")]]
        let id = sb.newID()
        try sb.prepare(id)
        let r = sb.swrun(["create", "--bundle", sb.bundle.path, id])
        XCTAssertEqual(r.signal, SIGKILL, "\(r)")
        let cgroup = "/sys/fs/cgroup/pids" + sb.cgroupsPath(for: id)
        XCTAssertTrue(FileManager.default.fileExists(atPath: cgroup), "the killed create made \(cgroup)")
        let state = sb.swrun(["state", id])
        XCTAssertSucceeds(state)
        XCTAssertEqual((parseJSON(state.stdout) as? [String: Any])?["status"] as? String, "stopped", "\(state)")
        XCTAssertSucceeds(sb.swrun(["delete", id]))
        XCTAssertFalse(FileManager.default.fileExists(atPath: cgroup), "delete removed \(cgroup)")
    }

    func testFailingCreateRuntimeHookFailsCreateAndLeavesNothing() throws {
        let sb = try makeSandbox(args: ["true"])
        let script = try hookScript(sb, body: "echo hook-said-no >&2; exit 3")
        sb.bundle.config["hooks"] = ["createRuntime": [hook(script, "createRuntime")]]
        let id = sb.newID()
        try sb.prepare(id)
        let r = sb.swrun(["create", "--bundle", sb.bundle.path, id])
        XCTAssertFails(r, mentioning: ["hook"])
        if !Suite.isRunc {
            XCTAssertTrue(r.stderr.contains("hooks.createRuntime[0]") && r.stderr.contains("hook-said-no"), "\(r)")
        }
        sb.assertNoTrace(of: id)
    }

    func testFailingPoststartHookIsOnlyAWarning() throws {
        try swrunOnly("runc 1.1.5 runs poststart during create and fails it")
        let sb = try makeSandbox(args: ["sh", "-c", "while :; do sleep 0.1; done"])
        let script = try hookScript(sb, body: "exit 1")
        sb.bundle.config["hooks"] = ["poststart": [hook(script, "poststart")]]
        let id = sb.newID()
        XCTAssertSucceeds(try sb.create(id))
        let r = sb.swrun(["start", id])
        XCTAssertSucceeds(r, "poststart failures are warnings (config.md)")
        XCTAssertTrue(r.stderr.contains("warning"), "\(r)")
        XCTAssertEqual(sb.status(id), "running")
    }

    func testHookTimeoutKillsTheHook() throws {
        try swrunOnly("runc 1.1.5 leaves the cgroup behind when a hook times out")
        let sb = try makeSandbox(args: ["true"])
        let script = try hookScript(sb, body: "sleep 30")
        sb.bundle.config["hooks"] = ["createRuntime": [hook(script, "createRuntime", timeout: 1)]]
        let id = sb.newID()
        try sb.prepare(id)
        let start = Date()
        XCTAssertFails(sb.swrun(["create", "--bundle", sb.bundle.path, id]), mentioning: ["timed out", "timeout", "hook"])
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        sb.assertNoTrace(of: id)
    }

    func testContainerNamespaceHooksAreRefusedByName() throws {
        try swrunOnly("createContainer/startContainer hooks are not implemented yet")
        let sb = try makeSandbox(args: ["true"])
        sb.bundle.config["hooks"] = ["createContainer": [hook("/bin/true", "createContainer")]]
        let id = sb.newID()
        try sb.prepare(id)
        XCTAssertFails(sb.swrun(["create", "--bundle", sb.bundle.path, id]), mentioning: ["hooks.createContainer"])
        sb.assertNoTrace(of: id)
    }
}
