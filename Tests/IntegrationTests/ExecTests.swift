import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

final class ExecTests: IntegrationTestCase {
    static let loop = ["sh", "-c", "while :; do sleep 0.1; done"]

    func runningSandbox() throws -> (Sandbox, String) {
        let sb = try makeSandbox(args: Self.loop)
        sb.bundle.bind(sb.hostDir, at: "/host")
        let id = sb.newID()
        try sb.createAndStart(id)
        return (sb, id)
    }

    func testExecJoinsTheContainerAndReturnsTheStatus() throws {
        let (sb, id) = try runningSandbox()
        let initPid = try XCTUnwrap(sb.statePid(id))
        let r = sb.swrun(["exec", id, "sh", "-c", "echo pid=$$; hostname; for n in net mnt pid; do readlink /proc/self/ns/$n; done; exit 4"])
        XCTAssertEqual(r.status, 4, "\(r)")
        let out = lines(r.stdout)
        XCTAssertNotEqual(out.first, "pid=1", "the exec'd shell is not the init")
        XCTAssertTrue(out.first?.hasPrefix("pid=") == true, "\(r)")
        XCTAssertEqual(out.dropFirst().first, sb.bundle.config["hostname"] as? String, "hostname of the container's uts namespace")
        for (i, ns) in ["net", "mnt", "pid"].enumerated() {
            XCTAssertEqual(out.count > 2 + i ? out[2 + i] : nil, readLink("/proc/\(initPid)/ns/\(ns)"), "\(ns) namespace of the init")
        }
    }

    func testExecFlagsUserEnvCwdGroups() throws {
        let (sb, id) = try runningSandbox()
        let r = sb.swrun(["exec", "--user", "1000:100", "--additional-gids", "5", "-e", "FOO=bar", "--cwd", "/tmp",
                          id, "sh", "-c", "id -u; id -g; id -G; echo $FOO; pwd"])
        XCTAssertSucceeds(r)
        XCTAssertEqual(lines(r.stdout), ["1000", "100", "100 5", "bar", "/tmp"])
    }

    /// execCPUAffinity: `initial` applies before the cgroup join, `final`
    /// after it; the process runs with `final`.
    func testExecCPUAffinityFinalWins() throws {
        try swrunOnly("process.execCPUAffinity is not in runc 1.1.5")
        guard sysconf(Int32(_SC_NPROCESSORS_ONLN)) >= 2 else { throw XCTSkip("needs two online CPUs, this host has one") }
        let (sb, id) = try runningSandbox()
        let process: [String: Any] = [
            "args": ["sh", "-c", "grep Cpus_allowed_list /proc/self/status"],
            "env": ["PATH=/bin"], "cwd": "/", "user": ["uid": 0, "gid": 0],
            "execCPUAffinity": ["initial": "0", "final": "1"],
        ]
        let path = sb.dir + "/affinity.json"
        try JSONSerialization.data(withJSONObject: process).write(to: URL(fileURLWithPath: path))
        let r = sb.swrun(["exec", "--process", path, id])
        XCTAssertSucceeds(r)
        XCTAssertEqual(trimmed(r.stdout), "Cpus_allowed_list:\t1", "\(r)")
    }

    func testExecInheritsTheContainerEnv() throws {
        let sb = try makeSandbox(args: Self.loop)
        sb.bundle.setEnv("FROM_CONFIG", "yes")
        let id = sb.newID()
        try sb.createAndStart(id)
        let r = sb.swrun(["exec", id, "sh", "-c", "echo $FROM_CONFIG"])
        XCTAssertEqual(trimmed(r.stdout), "yes", "\(r)")
    }

    func testExecDetachWritesTheHostPidAndJoinsTheCgroup() throws {
        let (sb, id) = try runningSandbox()
        let pidFile = sb.dir + "/exec.pid"
        XCTAssertSucceeds(sb.swrun(["exec", "--detach", "--pid-file", pidFile, id, "sleep", "30"]))
        let pid = try XCTUnwrap(Int32(trimmed(readFile(pidFile) ?? "")), "pid file holds the pid only")
        XCTAssertEqual(readFile("/proc/\(pid)/cmdline")?.replacingOccurrences(of: "\0", with: " "), "sleep 30 ")
        XCTAssertInCgroup(pid, "/swrun-it/\(id)")
        let cgroup = readFile("/proc/\(pid)/cgroup") ?? ""
        if let unified = Suite.cgroupDir("unified", "/swrun-it/\(id)"), isDirectory(unified) {
            XCTAssertTrue(lines(cgroup).contains("0::/swrun-it/\(id)"), "and the v2 one: \(cgroup)")
        }
        XCTAssertEqual(readLink("/proc/\(pid)/root"), readLink("/proc/\(sb.statePid(id)!)/root"))
        // Its parent (swrun exec) is gone, so it is ours (the subreaper's)
        // to reap: until then its pid pins the container's pid namespace.
        kill(pid, SIGKILL)
        XCTAssertTrue(reap(pid))
    }

    func testExecProcessJSONAsContainerdWritesIt() throws {
        let (sb, id) = try runningSandbox()
        let process: [String: Any] = [
            "user": ["uid": 1000, "gid": 0, "additionalGids": [0]],
            "args": ["sh", "-c", "id -u; pwd; grep -E 'NoNewPrivs|CapBnd' /proc/self/status; ulimit -n"],
            "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
            "cwd": "/tmp",
            "capabilities": ["bounding": ["CAP_CHOWN", "CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]],
            "rlimits": [["type": "RLIMIT_NOFILE", "hard": 512, "soft": 256]],
            "noNewPrivileges": true,
        ]
        let path = sb.dir + "/process.json"
        try JSONSerialization.data(withJSONObject: process).write(to: URL(fileURLWithPath: path))
        let r = sb.swrun(["exec", "--process", path, id])
        XCTAssertSucceeds(r)
        let out = lines(r.stdout)
        XCTAssertEqual(out.first, "1000")
        XCTAssertEqual(out.dropFirst().first, "/tmp")
        XCTAssertTrue(r.stdout.contains("NoNewPrivs:\t1"), "\(r)")
        XCTAssertTrue(r.stdout.contains("CapBnd:\t0000000000000021"), "bounding = CHOWN|KILL: \(r)")
        // runc 1.1.5 sets an exec's limits from its parent (prlimit) while
        // its Go init starts, and Go's runtime raises the soft NOFILE limit
        // to the hard one at start-up: the exec gets 256 or 512.
        if !Suite.isRunc { XCTAssertEqual(out.last, "256") }
    }

    func testExecCapAndNoNewPrivs() throws {
        let (sb, id) = try runningSandbox()
        let r = sb.swrun(["exec", "--cap", "CAP_SYS_ADMIN", "--no-new-privs", id, "grep", "-E", "CapEff|NoNewPrivs", "/proc/self/status"])
        XCTAssertSucceeds(r)
        let eff = statusField(r.stdout, "CapEff").flatMap { UInt64($0, radix: 16) } ?? 0
        XCTAssertNotEqual(eff & (1 << 21), 0, "CAP_SYS_ADMIN added: \(r)")
        XCTAssertEqual(statusField(r.stdout, "NoNewPrivs"), "1")
    }

    /// `exec --env NAME=V` replaces the config's NAME instead of adding a
    /// second entry that programs looking up the first one never see.
    func testExecEnvReplacesTheConfigsVariable() throws {
        let (sb, id) = try runningSandbox()
        let r = sb.swrun(["exec", "--env", "PATH=/bin:/custom", "--env", "NEW=1", id, "env"])
        XCTAssertSucceeds(r)
        let env = lines(r.stdout)
        XCTAssertEqual(env.filter { $0.hasPrefix("PATH=") }, ["PATH=/bin:/custom"], "\(r)")
        XCTAssertEqual(env.filter { $0.hasPrefix("NEW=") }, ["NEW=1"], "\(r)")
    }

    /// `exec --cap` grants the capability to this process only: bounding,
    /// effective and permitted, never inheritable or ambient, which would
    /// carry it into what the process execs (CVE-2022-29162).
    func testExecCapIsNotInheritable() throws {
        let (sb, id) = try runningSandbox()
        let r = sb.swrun(["exec", "--cap", "CAP_NET_ADMIN", id, "grep", "^Cap", "/proc/self/status"])
        XCTAssertSucceeds(r)
        let prm = statusField(r.stdout, "CapPrm").flatMap { UInt64($0, radix: 16) } ?? 0
        XCTAssertNotEqual(prm & (1 << 12), 0, "CAP_NET_ADMIN permitted: \(r)")
        XCTAssertEqual(statusField(r.stdout, "CapInh"), "0000000000000000", "\(r)")
        XCTAssertEqual(statusField(r.stdout, "CapAmb"), "0000000000000000", "\(r)")
    }

    func testExecWithTerminalThroughConsoleSocket() throws {
        let (sb, id) = try runningSandbox()
        let sock = sb.dir + "/exec-console.sock"
        let listener = try ConsoleListener(path: sock)
        let pidFile = sb.dir + "/exec-tty.pid"
        let p = try sb.spawnSwrun(["exec", "--tty", "--detach", "--console-socket", sock, "--pid-file", pidFile, id, "sh"])
        let got = listener.receive()
        XCTAssertSucceeds(p.wait())
        let master = try XCTUnwrap(got?.fd)
        defer { close(master) }
        _ = "tty; echo exec-tty-$((6*7)); exit\n".withCString { write(master, $0, strlen($0)) }
        let out = readUntil(master, "exec-tty-42")
        XCTAssertTrue(out.contains("exec-tty-42"), out)
        XCTAssertTrue(out.contains("/dev/pts/"), out)
        let pid = try XCTUnwrap(Int32(trimmed(readFile(pidFile) ?? "")))
        XCTAssertTrue(reap(pid), "the detached shell exits on `exit`")
    }

    func testManyExecsAtOnce() throws {
        let (sb, id) = try runningSandbox()
        let procs = try (0..<6).map { i in try sb.spawnSwrun(["exec", id, "sh", "-c", "sleep 0.3; echo n\(i)"]) }
        for (i, p) in procs.enumerated() {
            let r = p.wait()
            XCTAssertSucceeds(r)
            XCTAssertEqual(trimmed(r.stdout), "n\(i)")
        }
    }

    func testExecPreserveFds() throws {
        let (sb, id) = try runningSandbox()
        let path = sb.dir + "/extra.txt"
        try writeFile(path, "through-fd-3\n")
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        let r = sb.swrun(["exec", "--preserve-fds", "1", id, "cat", "/proc/self/fd/3"], fds: [3: fd])
        XCTAssertSucceeds(r)
        XCTAssertEqual(trimmed(r.stdout), "through-fd-3")
    }

    func testExecIntoAStoppedContainerIsAnError() throws {
        let (sb, id) = try runningSandbox()
        XCTAssertSucceeds(sb.swrun(["kill", id, "KILL"]))
        XCTAssertTrue(sb.waitForStatus(id, "stopped"))
        XCTAssertFails(sb.swrun(["exec", id, "true"]), mentioning: ["stopped", "not running"])
    }

    func testExecOfAMissingCommandIsAClearErrorAndLeavesNoProcess() throws {
        // One process that never forks: the cgroup's pid list is stable.
        let sb = try makeSandbox(args: ["sleep", "1000"])
        let id = sb.newID()
        try sb.createAndStart(id)
        let procs = (Suite.cgroupDir("pids", "/swrun-it/\(id)") ?? "<no pids hierarchy>") + "/cgroup.procs"
        let before = lines(readFile(procs) ?? "")
        XCTAssertEqual(before.count, 1, "the init alone in \(procs)")
        XCTAssertFails(sb.swrun(["exec", id, "no-such-command"]), mentioning: ["no-such-command"])
        let after = lines(readFile(procs) ?? "")
        XCTAssertEqual(before, after, "no process is left in the container's cgroup")
    }

    func testExecOfAMissingContainer() throws {
        let sb = try makeSandbox()
        XCTAssertFails(sb.swrun(["exec", "it-no-such-container", "true"]), mentioning: ["not exist", "does not exist"])
    }

    /// An exec racing a kill and `delete --force` of its container fails,
    /// if it fails, by saying the container stopped or is gone, never with
    /// the syscall the vanished init made fail (open /proc/PID/ns/..., or
    /// clone3's ENOMEM into a dying pid namespace).
    func testExecRacingKillAndDeleteSaysTheContainerStopped() throws {
        try swrunOnly("runc 1.1.5 reports whichever syscall the race made fail")
        let sb = try makeSandbox(args: ["sleep", "1000"])
        var failures: [String] = []
        for round in 0..<12 {
            let id = sb.newID()
            try sb.createAndStart(id)
            let pid = sb.statePid(id) ?? 0
            let exec = try sb.spawnSwrun(["exec", id, "true"])
            usleep(UInt32(round % 4) * 1500)
            sb.swrun(["kill", id, "KILL"])
            let r = exec.wait(timeout: 10)
            reap(pid)
            XCTAssertSucceeds(sb.swrun(["delete", "--force", id]))
            // 137: the process started and died with its pid namespace.
            if r.status != 0 && !(r.status == 128 + SIGKILL && r.stderr.isEmpty) { failures.append("\(r)") }
        }
        for e in failures {
            XCTAssertTrue(e.contains("stopped container") || e.contains("does not exist"), "exec failed with the wrong error: \(e)")
        }
    }

    /// exec into a paused container is refused unless --ignore-paused; with
    /// it the process waits, frozen, until resume, then runs (as runc).
    func testExecIntoAPausedContainerNeedsIgnorePaused() throws {
        let sb = try makeSandbox(args: ["sleep", "1000"])
        sb.bundle.bind(sb.hostDir, at: "/host")
        let id = sb.newID()
        try sb.createAndStart(id)
        XCTAssertSucceeds(sb.swrun(["pause", id]))
        XCTAssertFails(sb.swrun(["exec", id, "true"]), mentioning: ["paused", "--ignore-paused"])
        let pidFile = sb.dir + "/paused-exec.pid"
        let exec = try sb.spawnSwrun(["exec", "-d", "--pid-file", pidFile, "--ignore-paused", id, "touch", "/host/ran"])
        usleep(500_000)
        XCTAssertNil(exec.poll(), "the exec waits while the container is frozen")
        XCTAssertFalse(fileExists(sb.hostDir + "/ran"))
        XCTAssertSucceeds(sb.swrun(["resume", id]))
        XCTAssertSucceeds(exec.wait(timeout: 10))
        XCTAssertTrue(waitUntil(timeout: 5) { fileExists(sb.hostDir + "/ran") }, "the process ran once resumed")
        // We are the detached process's subreaper: reap it, or the init
        // cannot finish its pid namespace on delete.
        if let pid = readFile(pidFile).flatMap({ pid_t(trimmed($0)) }) { reap(pid) }
    }

    /// exec --cgroup puts the process in an existing sub-cgroup of the
    /// container's; a missing one is an error naming it.
    func testExecIntoASubCgroup() throws {
        let sb = try makeSandbox(args: ["sleep", "1000"])
        let id = sb.newID()
        try sb.createAndStart(id)
        let initPid = sb.statePid(id) ?? 0
        let dir = try XCTUnwrap(CgroupLocator.directory(of: initPid, controller: "pids"))
        XCTAssertFails(sb.swrun(["exec", "--cgroup", "nosuch", id, "true"]), mentioning: ["nosuch"])
        // v1: only the pids hierarchy gets the sub-cgroup; v2: the one path.
        let unified = !(readFile("/proc/self/mountinfo") ?? "").contains(" - cgroup ")
        XCTAssertEqual(mkdir(dir + "/sub", 0o755), 0)
        defer { rmdir(dir + "/sub") }
        let r = sb.swrun(["exec"] + (unified ? ["--cgroup", "sub"] : ["--cgroup", "pids:sub"]) + [id, "sh", "-c", "sleep 1 & echo $!; wait"])
        XCTAssertSucceeds(r)
        XCTAssertEqual(trimmed(readFile(dir + "/sub/cgroup.procs") ?? ""), "", "the process has exited")
        let pidFile = sb.dir + "/sub-exec.pid"
        XCTAssertSucceeds(sb.swrun(["exec", "-d", "--pid-file", pidFile] + (unified ? ["--cgroup", "sub"] : ["--cgroup", "pids:sub"])
                                   + [id, "sleep", "1"]))
        let pid = try XCTUnwrap(readFile(pidFile).flatMap { pid_t(trimmed($0)) })
        XCTAssertEqual(trimmed(readFile(dir + "/sub/cgroup.procs") ?? ""), "\(pid)", "the exec'd process is in the sub-cgroup")
        reap(pid)
    }

    /// --pidfd-socket (runc 1.2) on create and exec: a pidfd of the init,
    /// then of the exec'd process, arrives on the socket.
    func testPidfdSocketSendsAPidfdOfTheProcess() throws {
        try swrunOnly("runc 1.1.5 has no --pidfd-socket")
        let sb = try makeSandbox(args: ["sleep", "1000"])
        let id = sb.newID()
        try sb.prepare(id)
        let socketPath = sb.dir + "/pidfd.sock"
        let listener = try ConsoleListener(path: socketPath)
        let create = try sb.spawnSwrun(["create", "--bundle", sb.bundle.path, "--pidfd-socket", socketPath, id])
        let got = listener.receive()
        XCTAssertSucceeds(create.wait())
        let (fd, tag) = try XCTUnwrap(got, "no pidfd arrived")
        defer { close(fd) }
        XCTAssertEqual(tag, "pidfd")
        XCTAssertEqual(readLink("/proc/self/fd/\(fd)"), "anon_inode:[pidfd]")
        XCTAssertEqual(procFdinfoPid(fd), sb.statePid(id), "the init's pidfd")
        XCTAssertSucceeds(sb.swrun(["start", id]))

        let execListener = try ConsoleListener(path: socketPath + "2")
        let pidFile = sb.dir + "/exec.pid"
        let exec = try sb.spawnSwrun(["exec", "-d", "--pid-file", pidFile, "--pidfd-socket", socketPath + "2", id, "sleep", "1"])
        let execGot = execListener.receive()
        XCTAssertSucceeds(exec.wait())
        let (execFd, _) = try XCTUnwrap(execGot, "no pidfd arrived for the exec")
        defer { close(execFd) }
        let execPid = readFile(pidFile).flatMap { pid_t(trimmed($0)) }
        XCTAssertEqual(procFdinfoPid(execFd), execPid)
        if let execPid { reap(execPid) }
    }

    private func procFdinfoPid(_ fd: Int32) -> pid_t? {
        let info = readFile("/proc/self/fdinfo/\(fd)") ?? ""
        return info.split(separator: "\n").first { $0.hasPrefix("Pid:") }.flatMap { pid_t(trimmed(String($0.dropFirst(4)))) }
    }
}
