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

    func testUnknownActionIsAClearErrorAndLeavesNothing() throws {
        let sb = try sandbox(["true"], seccomp: profile([["names": ["mkdir"], "action": "SCMP_ACT_BOGUS"]]), noNewPrivileges: true)
        let id = sb.newID()
        try sb.prepare(id)
        XCTAssertFails(sb.swrun(["create", "--bundle", sb.bundle.path, id]), mentioning: ["SCMP_ACT_BOGUS", "seccomp"])
        sb.assertNoTrace(of: id)
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
