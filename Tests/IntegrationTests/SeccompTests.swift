import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

final class SeccompTests: IntegrationTestCase {
    func profile(_ rules: [[String: Any]], defaultAction: String = "SCMP_ACT_ALLOW") -> [String: Any] {
        ["defaultAction": defaultAction, "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"], "syscalls": rules]
    }

    func sandbox(_ args: [String], seccomp: [String: Any], noNewPrivileges: Bool) throws -> Sandbox {
        let sb = try makeSandbox(args: args)
        var l = sb.bundle.linux
        l["seccomp"] = seccomp
        sb.bundle.linux = l
        var p = sb.bundle.process
        p["noNewPrivileges"] = noNewPrivileges
        sb.bundle.process = p
        return sb
    }

    func testErrnoRuleBlocksASyscallWithAndWithoutNoNewPrivs() throws {
        for nnp in [false, true] {
            let deny = profile([["names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1]])
            let sb = try sandbox(["sh", "-c", "grep Seccomp: /proc/self/status; mkdir /tmp/blocked && echo made; touch /tmp/ok && echo touched"],
                                 seccomp: deny, noNewPrivileges: nnp)
            let r = try sb.run(sb.newID())
            XCTAssertTrue(r.stdout.contains("Seccomp:\t2"), "filter mode (nnp \(nnp)): \(r)")
            XCTAssertFalse(r.stdout.contains("made"), "mkdir is blocked (nnp \(nnp)): \(r)")
            XCTAssertTrue(r.stderr.contains("Operation not permitted"), "errnoRet 1 is EPERM: \(r)")
            XCTAssertTrue(r.stdout.contains("touched"), "other syscalls pass: \(r)")
        }
    }

    func testArgumentConditions() throws {
        // kill(pid, SIGUSR1) is refused, kill(pid, 0) is not.
        let rules: [[String: Any]] = [["names": ["kill"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
                                       "args": [["index": 1, "value": 10, "op": "SCMP_CMP_EQ"]]]]
        let sb = try sandbox(["sh", "-c", "kill -0 $$ && echo zero-ok; kill -USR1 $$ || echo usr1-refused"],
                             seccomp: profile(rules), noNewPrivileges: true)
        let r = try sb.run(sb.newID())
        XCTAssertTrue(r.stdout.contains("zero-ok"), "\(r)")
        XCTAssertTrue(r.stdout.contains("usr1-refused"), "\(r)")
        XCTAssertTrue(r.stderr.contains("Permission denied"), "errnoRet 13 is EACCES: \(r)")
    }

    func testDefaultErrnoRetAndAnAllowList() throws {
        // A client-style allow list with defaultErrnoRet 38 (ENOSYS), as podman writes it.
        let allow = ["execve", "brk", "mmap", "munmap", "mprotect", "arch_prctl", "set_tid_address", "exit_group", "exit",
                     "read", "write", "openat", "close", "fstat", "newfstatat", "getpid", "rt_sigaction", "rt_sigprocmask",
                     "ioctl", "getuid", "geteuid", "getgid", "getegid", "getppid", "getcwd", "uname", "prlimit64", "fcntl",
                     "dup2", "wait4", "clone", "fork", "vfork", "rt_sigreturn", "set_robust_list", "rseq", "getrandom",
                     "lseek", "stat", "lstat", "access", "faccessat", "faccessat2", "readlink", "statx", "sysinfo", "poll",
                     "setresuid", "setresgid", "setgroups", "capget", "capset", "prctl", "chdir", "umask", "close_range", "sendto",
                     "sendmsg", "getdents64", "futex", "fstatfs", "statfs", "getpgrp", "setpgid", "nanosleep",
                     "clock_nanosleep", "pipe2", "dup3", "gettid", "tgkill", "sched_getaffinity", "madvise", "sigaltstack",
                     "epoll_create1", "epoll_ctl", "epoll_pwait", "epoll_wait", "sched_yield", "mincore"]
        var p = profile([["names": allow, "action": "SCMP_ACT_ALLOW"]], defaultAction: "SCMP_ACT_ERRNO")
        p["defaultErrnoRet"] = 38
        let sb = try sandbox(["sh", "-c", "echo allowed; mkdir /tmp/x || echo mkdir-denied"], seccomp: p, noNewPrivileges: true)
        let r = try sb.run(sb.newID())
        XCTAssertTrue(r.stdout.contains("allowed"), "\(r)")
        XCTAssertTrue(r.stdout.contains("mkdir-denied"), "\(r)")
        XCTAssertTrue(r.stderr.contains("Function not implemented"), "ENOSYS: \(r)")
    }

    func testExecGetsTheContainersFilter() throws {
        let deny = profile([["names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1]])
        let sb = try sandbox(["sh", "-c", "while :; do sleep 0.1; done"], seccomp: deny, noNewPrivileges: false)
        let id = sb.newID()
        try sb.createAndStart(id)
        let r = sb.swrun(["exec", id, "sh", "-c", "grep Seccomp: /proc/self/status; mkdir /tmp/e && echo made"])
        XCTAssertTrue(r.stdout.contains("Seccomp:\t2"), "\(r)")
        XCTAssertFalse(r.stdout.contains("made"), "\(r)")
    }

    func testPodmanProfileRunsAContainer() throws {
        // The whole profile podman 4.3 wrote for a default `podman run`.
        let fixture = Suite.repoRoot + "/Specs/fixtures/podman-run-default.json"
        guard let data = FileManager.default.contents(atPath: fixture),
              let config = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let seccomp = (config["linux"] as? [String: Any])?["seccomp"] as? [String: Any] else {
            return XCTFail("cannot read \(fixture)")
        }
        let sb = try sandbox(["sh", "-c", "grep Seccomp: /proc/self/status; echo fine"], seccomp: seccomp, noNewPrivileges: false)
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        XCTAssertTrue(r.stdout.contains("Seccomp:\t2") && r.stdout.contains("fine"), "\(r)")
    }

    /// A container whose mkdir is SCMP_ACT_NOTIFY, and the agent socket
    /// its linux.seccomp.listenerPath names.
    func notifySandbox(_ args: [String], noNewPrivileges: Bool, metadata: String?) throws -> (Sandbox, ConsoleListener) {
        let sb = try sandbox(args, seccomp: profile([["names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"]]),
                             noNewPrivileges: noNewPrivileges)
        var l = sb.bundle.linux
        var sec = l["seccomp"] as! [String: Any]
        sec["listenerPath"] = sb.dir + "/agent.sock"
        if let metadata { sec["listenerMetadata"] = metadata }
        l["seccomp"] = sec
        sb.bundle.linux = l
        return (sb, try ConsoleListener(path: sb.dir + "/agent.sock"))
    }

    /// SCMP_ACT_NOTIFY: the runtime sends the listener fd with the
    /// container process state to linux.seccomp.listenerPath; the agent
    /// there answers the container's mkdir with EPERM.
    func testNotifyActionHandsTheListenerToTheAgent() throws {
        let (sb, agent) = try notifySandbox(["sh", "-c", "mkdir /tmp/asked; echo rc=$?"], noNewPrivileges: true, metadata: "meta-1")
        let id = sb.newID()
        try sb.prepare(id)
        let run = try sb.spawnSwrun(["run", "--bundle", sb.bundle.path, id])
        let (notifyFd, json) = try XCTUnwrap(agent.receive(), "the runtime sent the listener")
        defer { Glibc.close(notifyFd) }
        let state = try XCTUnwrap(parseJSON(json) as? [String: Any], json)
        XCTAssertEqual(state["fds"] as? [String], ["seccompFd"])
        XCTAssertEqual(state["metadata"] as? String, "meta-1")
        XCTAssertEqual((state["state"] as? [String: Any])?["id"] as? String, id)
        XCTAssertGreaterThan(intValue(state["pid"]) ?? 0, 0)
        XCTAssertTrue(try SeccompAgent.answerOne(notifyFd, error: EPERM, timeoutMillis: 10_000), "the container's mkdir reached the agent")
        let r = run.wait(timeout: 20)
        XCTAssertEqual(r.status, 0, "\(r)")
        XCTAssertTrue(r.stdout.contains("rc=1"), "mkdir failed with the agent's EPERM: \(r)")
        XCTAssertTrue(r.stderr.contains("Operation not permitted"), "\(r)")
    }

    /// SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (Linux 5.19) is accepted and
    /// the listener still works with it.
    func testWaitKillableRecvFlagWithAListener() throws {
        try swrunOnly("runc 1.1.5 does not know SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV")
        let (sb, agent) = try notifySandbox(["sh", "-c", "mkdir /tmp/asked; echo rc=$?"], noNewPrivileges: false, metadata: nil)
        var l = sb.bundle.linux
        var sec = l["seccomp"] as! [String: Any]
        sec["flags"] = ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]
        l["seccomp"] = sec
        sb.bundle.linux = l
        let id = sb.newID()
        try sb.prepare(id)
        let run = try sb.spawnSwrun(["run", "--bundle", sb.bundle.path, id])
        let (notifyFd, _) = try XCTUnwrap(agent.receive(), "the runtime sent the listener")
        defer { Glibc.close(notifyFd) }
        XCTAssertTrue(try SeccompAgent.answerOne(notifyFd, error: EPERM, timeoutMillis: 10_000))
        let r = run.wait(timeout: 20)
        XCTAssertEqual(r.status, 0, "\(r)")
        XCTAssertTrue(r.stdout.contains("rc=1"), "\(r)")
    }

    /// An exec'd process gets the container's filter, and its own listener
    /// fd goes to the agent too.
    func testExecdProcessListenerReachesTheAgent() throws {
        let (sb, agent) = try notifySandbox(["sleep", "30"], noNewPrivileges: false, metadata: nil)
        let id = sb.newID()
        try sb.prepare(id)
        let create = try sb.spawnSwrun(["create", "--bundle", sb.bundle.path, id])
        let (initFd, _) = try XCTUnwrap(agent.receive(), "the init's listener")
        Glibc.close(initFd)
        XCTAssertEqual(create.wait(timeout: 20).status, 0)
        XCTAssertSucceeds(sb.swrun(["start", id]))
        let exec = try sb.spawnSwrun(["exec", id, "sh", "-c", "mkdir /tmp/asked; echo rc=$?"])
        let (execFd, json) = try XCTUnwrap(agent.receive(), "the exec'd process's listener")
        defer { Glibc.close(execFd) }
        XCTAssertEqual(((parseJSON(json) as? [String: Any])?["state"] as? [String: Any])?["id"] as? String, id)
        XCTAssertTrue(try SeccompAgent.answerOne(execFd, error: EACCES, timeoutMillis: 10_000))
        let r = exec.wait(timeout: 20)
        XCTAssertTrue(r.stdout.contains("rc=1") && r.stderr.contains("Permission denied"), "\(r)")
    }

    func testUnknownActionIsAClearErrorAndLeavesNothing() throws {
        let sb = try sandbox(["true"], seccomp: profile([["names": ["mkdir"], "action": "SCMP_ACT_BOGUS"]]), noNewPrivileges: true)
        let id = sb.newID()
        try sb.prepare(id)
        XCTAssertFails(sb.swrun(["create", "--bundle", sb.bundle.path, id]), mentioning: ["SCMP_ACT_BOGUS", "seccomp"])
        sb.assertNoTrace(of: id)
    }

    /// x86_64 syscall names numbered up to `highest`, from the kernel's
    /// uapi header (the one CShim builds against).
    static func x8664Syscalls(upTo highest: Int) throws -> [String] {
        guard let text = readFile("/usr/include/x86_64-linux-gnu/asm/unistd_64.h") else {
            throw XCTSkip("no x86_64 asm/unistd_64.h to take syscall names from")
        }
        return lines(text).compactMap { l in
            let w = l.split(separator: " ")
            guard w.count == 3, w[0] == "#define", w[1].hasPrefix("__NR_"), let nr = Int(w[2]), nr <= highest else { return nil }
            return String(w[1].dropFirst(5))
        }
    }

    /// runc's ENOSYS stub: with a default that is not permissive, a syscall
    /// above the highest one the profile names (ppoll, 271) returns ENOSYS
    /// (unshare, 272), one below that is not named the default's EPERM
    /// (mkdir, 83).
    func testSyscallsNewerThanTheProfileGetENOSYS() throws {
        #if !arch(x86_64)
        throw XCTSkip("the syscall numbers are x86_64's")
        #endif
        let known = try Self.x8664Syscalls(upTo: 271).filter { $0 != "mkdir" }
        XCTAssertTrue(known.contains("ppoll") && known.contains("execve"), "\(known.count) names")
        let p = profile([["names": known, "action": "SCMP_ACT_ALLOW"]], defaultAction: "SCMP_ACT_ERRNO")
        let sb = try sandbox(["sh", "-c", "mkdir /tmp/d; echo mkdir=$?; unshare -u true; echo unshare=$?"],
                             seccomp: p, noNewPrivileges: true)
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        XCTAssertEqual(lines(r.stdout), ["mkdir=1", "unshare=1"], "\(r)")
        let err = lines(r.stderr)
        XCTAssertTrue(err.contains { $0.contains("mkdir") && $0.contains("Operation not permitted") }, "\(r)")
        XCTAssertTrue(err.contains { $0.contains("unshare") && $0.contains("Function not implemented") }, "\(r)")
    }

    func testUnknownArchitectureIsAClearError() throws {
        var p = profile([])
        p["architectures"] = ["SCMP_ARCH_NOPE"]
        let sb = try sandbox(["true"], seccomp: p, noNewPrivileges: true)
        let id = sb.newID()
        try sb.prepare(id)
        XCTAssertFails(sb.swrun(["create", "--bundle", sb.bundle.path, id]), mentioning: ["SCMP_ARCH_NOPE", "arch"])
        sb.assertNoTrace(of: id)
    }
}

/// What a seccomp agent does with the listener fd, for the tests.
enum SeccompAgent {
    /// Receives one notification and fails its syscall with `error`.
    static func answerOne(_ notifyFd: Int32, error: Int32, timeoutMillis: Int32) throws -> Bool {
        var pfd = pollfd(fd: notifyFd, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, timeoutMillis) == 1 else { return false }
        // struct seccomp_notif (80 bytes, zeroed), then seccomp_notif_resp (24).
        var notif = [UInt8](repeating: 0, count: 80)
        let recvRequest: UInt = 0xc050_2100  // SECCOMP_IOCTL_NOTIF_RECV
        let sendRequest: UInt = 0xc018_2101  // SECCOMP_IOCTL_NOTIF_SEND
        guard notif.withUnsafeMutableBytes({ ioctl(notifyFd, recvRequest, $0.baseAddress!) }) == 0 else { return false }
        let id = notif.withUnsafeBytes { $0.load(as: UInt64.self) }
        var resp = [UInt8](repeating: 0, count: 24)
        resp.withUnsafeMutableBytes {
            $0.storeBytes(of: id, toByteOffset: 0, as: UInt64.self)
            $0.storeBytes(of: -error, toByteOffset: 16, as: Int32.self)
        }
        return resp.withUnsafeMutableBytes { ioctl(notifyFd, sendRequest, $0.baseAddress!) } == 0
    }
}
