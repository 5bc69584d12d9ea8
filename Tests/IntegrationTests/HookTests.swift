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

    /// A hook without `env` runs with the runtime's environment (runc's
    /// exec.Cmd with a nil Env, crun alike), so PATH lookups in it work; an
    /// empty `env` is an empty environment.
    func testHookWithoutEnvGetsTheRuntimesEnvironment() throws {
        let sb = try makeSandbox(args: ["true"])
        let script = sb.dir + "/env-hook.sh"
        try writeFile(script, "#!/bin/sh\necho \"$1 marker=${SWRUN_HOOK_MARKER:-unset}\" >> \(sb.dir)/env.log\n", mode: 0o755)
        sb.bundle.config["hooks"] = [
            "prestart": [["path": script, "args": [script, "none"]], ["path": script, "args": [script, "empty"], "env": [String]()]],
            "createContainer": [["path": script, "args": [script, "inside"]]],
        ]
        try sb.bundle.writeConfig()
        let id = sb.newID()
        let r = runProcess([sb.binary, "--root", sb.stateRoot, "run", "--bundle", sb.bundle.path, id],
                           env: ["SWRUN_HOOK_MARKER": "from-the-runtime"])
        XCTAssertSucceeds(r)
        let log = lines(readFile(sb.dir + "/env.log") ?? "")
        XCTAssertTrue(log.contains("none marker=from-the-runtime"), "\(log)")
        XCTAssertTrue(log.contains("empty marker=unset"), "\(log)")
        try swrunOnly("runc 1.1.5 gives createContainer hooks its init's environment, by then the container process's")
        XCTAssertTrue(log.contains("inside marker=from-the-runtime"), "\(log)")
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
        let cgroup = Suite.cgroupDir("pids", sb.cgroupsPath(for: id)) ?? "<no pids hierarchy>"
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

    /// Both places that run hooks honour the timeout: swrun itself
    /// (createRuntime) and the init (createContainer).
    func testHookTimeoutKillsTheHook() throws {
        try swrunOnly("runc 1.1.5 leaves the cgroup behind when a hook times out, and waits for a hook's children")
        for kind in ["createRuntime", "createContainer"] {
            let sb = try makeSandbox(args: ["true"])
            let script = try hookScript(sb, body: "sleep 20")
            sb.bundle.config["hooks"] = [kind: [hook(script, kind, timeout: 1)]]
            let id = sb.newID()
            try sb.prepare(id)
            let start = Date()
            XCTAssertFails(sb.swrun(["create", "--bundle", sb.bundle.path, id]), mentioning: ["timed out", "timeout", "hook"])
            XCTAssertLessThan(Date().timeIntervalSince(start), 10, kind)
            sb.assertNoTrace(of: id)
        }
    }

    /// config.md: createContainer hooks run in the container's namespaces,
    /// after createRuntime and before pivot_root, their path resolving in
    /// the runtime's (here: the host's) filesystem.
    func testCreateContainerHookRunsInTheContainersNamespacesBeforePivot() throws {
        let sb = try makeSandbox(args: ["true"])
        let script = try hookScript(sb, body: """
            if [ "$1" = createContainer ]; then
              readlink /proc/self/ns/net > \(sb.dir)/hook-net; readlink /proc/self/ns/mnt > \(sb.dir)/hook-mnt
              readlink /proc/self/ns/uts > \(sb.dir)/hook-uts; ls \(sb.bundle.rootfs)/bin/busybox > \(sb.dir)/hook-rootfs
            fi
            """)
        sb.bundle.config["hooks"] = ["createRuntime": [hook(script, "createRuntime")],
                                     "createContainer": [hook(script, "createContainer", env: ["HOOK_ENV=1"])]]
        let id = sb.newID()
        XCTAssertSucceeds(try sb.create(id))
        let pid = try XCTUnwrap(sb.statePid(id))
        XCTAssertEqual(logLines(sb).map(\.name), ["createRuntime", "createContainer"], "createContainer runs after createRuntime")
        for ns in ["net", "mnt", "uts"] {
            XCTAssertEqual(trimmed(readFile(sb.dir + "/hook-" + ns) ?? ""), readLink("/proc/\(pid)/ns/\(ns)"), "in the container's \(ns) namespace")
            XCTAssertNotEqual(readLink("/proc/\(pid)/ns/\(ns)"), readLink("/proc/self/ns/\(ns)"))
        }
        XCTAssertEqual(trimmed(readFile(sb.dir + "/hook-rootfs") ?? ""), sb.bundle.rootfs + "/bin/busybox", "host paths: before pivot_root")
        let state = try XCTUnwrap(logLines(sb).last?.state)
        XCTAssertEqual(state["status"] as? String, "creating")
        XCTAssertEqual(state["id"] as? String, id)
        if !Suite.isRunc {  // runc 1.1.5 passes 1, the init's pid in its own namespace
            XCTAssertEqual(intValue(state["pid"]), Int(pid), "the init's host pid")
        }
    }

    /// startContainer hooks run inside the container (path resolved in it)
    /// when start releases the init, before the user process.
    func testStartContainerHookRunsInsideBeforeTheProcess() throws {
        let sb = try makeSandbox(args: ["sh", "-c", "cat /host/hooked > /host/process-saw"])
        sb.bundle.bind(sb.hostDir, at: "/host")
        try sb.bundle.writeRootfsFile("hooks/start.sh", "#!/bin/sh\ncat > /host/start-state; echo \"$0 $1 $HOOK_ENV\" > /host/hooked\n", mode: 0o755)
        sb.bundle.config["hooks"] = ["startContainer": [["path": "/hooks/start.sh", "args": ["/hooks/start.sh", "arg1"], "env": ["HOOK_ENV=inside"]]]]
        let id = sb.newID()
        XCTAssertSucceeds(try sb.create(id))
        XCTAssertFalse(fileExists(sb.hostDir + "/hooked"), "not at create")
        XCTAssertSucceeds(sb.swrun(["start", id]))
        XCTAssertTrue(sb.waitForStatus(id, "stopped"))
        XCTAssertEqual(readFile(sb.hostDir + "/process-saw"), "/hooks/start.sh arg1 inside\n", "the hook ran before the process")
        let state = try XCTUnwrap(parseJSON(readFile(sb.hostDir + "/start-state") ?? "") as? [String: Any])
        XCTAssertEqual(state["status"] as? String, "created")
        XCTAssertEqual(state["id"] as? String, id)
    }

    func testFailingCreateContainerHookFailsCreateAndLeavesNothing() throws {
        let sb = try makeSandbox(args: ["true"])
        let script = try hookScript(sb, body: "echo container-hook-said-no >&2; exit 4")
        sb.bundle.config["hooks"] = ["createContainer": [hook(script, "createContainer")]]
        let id = sb.newID()
        try sb.prepare(id)
        let r = sb.swrun(["create", "--bundle", sb.bundle.path, id])
        XCTAssertFails(r, mentioning: ["hook"])
        if !Suite.isRunc {
            XCTAssertTrue(r.stderr.contains("hooks.createContainer[0]") && r.stderr.contains("exited with status 4")
                          && r.stderr.contains("container-hook-said-no"), "\(r)")
        }
        sb.assertNoTrace(of: id)
    }

    func testFailingStartContainerHookStopsTheContainerBeforeItsProcess() throws {
        let sb = try makeSandbox(args: ["sh", "-c", "touch /host/process-ran"])
        sb.bundle.bind(sb.hostDir, at: "/host")
        try sb.bundle.writeRootfsFile("hooks/fail.sh", "#!/bin/sh\necho start-hook-said-no >&2; exit 5\n", mode: 0o755)
        sb.bundle.config["hooks"] = ["startContainer": [["path": "/hooks/fail.sh"]]]
        let r = try sb.run(sb.newID())
        XCTAssertNotEqual(r.status, 0, "\(r)")
        XCTAssertTrue(r.stderr.contains("start-hook-said-no") || Suite.isRunc, "\(r)")
        XCTAssertFalse(fileExists(sb.hostDir + "/process-ran"), "the process never ran")
    }
}
