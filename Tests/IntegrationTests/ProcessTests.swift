import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// config.process: env, cwd, user, umask, rlimits, capabilities, noNewPrivileges, fds.
final class ProcessTests: IntegrationTestCase {
    static func capMask(_ bits: [Int]) -> String {
        let v = bits.reduce(UInt64(0)) { $0 | (UInt64(1) << UInt64($1)) }
        let hex = String(v, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    func testEnvironment() throws {
        let sb = try makeSandbox(args: ["env"])
        sb.bundle.process["env"] = ["PATH=/bin:/usr/bin", "FOO=bar baz", "EMPTY=", "WITH_EQUALS=a=b"]
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        let env = Set(lines(r.stdout))
        for e in ["PATH=/bin:/usr/bin", "FOO=bar baz", "EMPTY=", "WITH_EQUALS=a=b"] {
            XCTAssertTrue(env.contains(e), "missing \(e) in \(r.stdout)")
        }
        // Nothing from the caller's environment leaks in.
        XCTAssertFalse(env.contains { $0.hasPrefix("SWRUN_BIN=") || $0.hasPrefix("XCTest") }, r.stdout)
    }

    func testHomeIsSetFromPasswd() throws {
        let sb = try makeSandbox(args: ["sh", "-c", "echo $HOME"])
        sb.bundle.process["env"] = ["PATH=/bin"]
        XCTAssertEqual(try sb.run(sb.newID()).stdout, "/root\n")
        var p = sb.bundle.process
        p["user"] = ["uid": 1000, "gid": 1000]
        sb.bundle.process = p
        XCTAssertEqual(try sb.run(sb.newID()).stdout, "/home/user\n")
        // An explicit HOME wins.
        sb.bundle.process["env"] = ["PATH=/bin", "HOME=/custom"]
        XCTAssertEqual(try sb.run(sb.newID()).stdout, "/custom\n")
    }

    func testArgsPassedVerbatim() throws {
        let sb = try makeSandbox(args: ["sh", "-c", "printf '[%s]' \"$@\"", "argv0", "a b", "", "c'd", "$HOME", "*"])
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        XCTAssertEqual(r.stdout, "[a b][][c'd][$HOME][*]")
    }

    func testExecutableFoundThroughContainerPATH() throws {
        let sb = try makeSandbox(args: ["myprog"])
        try sb.bundle.writeRootfsFile("opt/tools/myprog", "#!/bin/sh\necho found-in-path\n", mode: 0o755)
        sb.bundle.process["env"] = ["PATH=/nonexistent:/opt/tools:/bin"]
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        XCTAssertEqual(r.stdout, "found-in-path\n")
    }

    func testCwd() throws {
        let sb = try makeSandbox(args: ["sh", "-c", "pwd; ls"])
        try sb.bundle.writeRootfsFile("work/dir/marker", "")
        sb.bundle.process["cwd"] = "/work/dir"
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        XCTAssertEqual(lines(r.stdout), ["/work/dir", "marker"])
    }

    func testMissingCwdIsCreated() throws {
        let sb = try makeSandbox(args: ["pwd"])
        sb.bundle.process["cwd"] = "/not/yet/there"
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        XCTAssertEqual(r.stdout, "/not/yet/there\n")
    }

    /// process.cwd as runc's init enters it: first with the runtime's
    /// credentials, so a directory the process cannot reach itself still
    /// becomes its cwd (what it may do there is up to its own rights).
    func testCwdIsEnteredBeforeTheUserAndCapabilitiesChange() throws {
        let sb = try makeSandbox(args: ["sh", "-c", "pwd; ls . >/dev/null 2>&1 && echo listed || echo not-listed"])
        try sb.bundle.writeRootfsFile("rootonly/marker", "")
        chmod(sb.bundle.rootfs + "/rootonly", 0o700)
        try sb.bundle.writeRootfsFile("useronly/marker", "")
        chmod(sb.bundle.rootfs + "/useronly", 0o700)
        chown(sb.bundle.rootfs + "/useronly", 1000, 1000)
        // (cwd, uid, what it sees): root's own 0700 directory; uid 1000's,
        // which root without CAP_DAC_OVERRIDE (the default set) cannot
        // search; root's, for uid 1000.
        let cases: [(String, Int, String)] = [("/rootonly", 0, "listed"), ("/useronly", 0, "not-listed"),
                                              ("/rootonly", 1000, "not-listed")]
        for (cwd, uid, seen) in cases {
            sb.bundle.process["cwd"] = cwd
            sb.bundle.process["user"] = ["uid": uid, "gid": uid]
            let r = try sb.run(sb.newID())
            XCTAssertSucceeds(r, "cwd \(cwd) for uid \(uid)")
            XCTAssertEqual(lines(r.stdout), [cwd, seen], "cwd \(cwd) for uid \(uid): \(r)")
        }
    }

    /// A cwd neither the runtime (the container's root in its user
    /// namespace) nor the user can enter fails create, naming it.
    func testCwdNobodyCanEnterFailsCreateClearly() throws {
        let sb = try makeSandbox(args: ["pwd"])
        sb.bundle.mapUserNamespace()
        try sb.bundle.writeRootfsFile("hostroot/marker", "")
        sb.bundle.chownRootfs(uid: 100000, gid: 100000)
        // Owned by the host's root, unmapped in the container: no
        // capability of the container's root reaches into it.
        chown(sb.bundle.rootfs + "/hostroot", 0, 0)
        chmod(sb.bundle.rootfs + "/hostroot", 0o700)
        sb.bundle.process["cwd"] = "/hostroot"
        let id = sb.newID()
        let r = try sb.create(id)
        XCTAssertFails(r, mentioning: ["permission denied"])
        sb.assertNoTrace(of: id)
        try swrunOnly("the error names the field and the syscall in swrun's words")
        XCTAssertTrue(r.stderr.lowercased().contains("(process.cwd): chdir /hostroot: permission denied"), "\(r)")
    }

    /// The executable is judged as execve judges it, with the process's
    /// effective capabilities: CAP_DAC_OVERRIDE lets any x bit do, no x
    /// bit fails create with EACCES (runc: faccessat2 with AT_EACCESS).
    func testExecutableCheckFollowsTheEffectiveCapabilities() throws {
        let sb = try makeSandbox(args: ["/opt/bin/echo", "ran"])
        try FileManager.default.createDirectory(atPath: sb.bundle.rootfs + "/opt/bin", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "/bin/busybox", toPath: sb.bundle.rootfs + "/opt/bin/echo")
        let dac = ["CAP_DAC_OVERRIDE"]
        let all: [String: Any] = ["bounding": dac, "permitted": dac, "inheritable": dac, "effective": dac, "ambient": dac]
        let notEffective: [String: Any] = ["bounding": dac, "permitted": dac]
        // (mode, uid, capabilities, runs): other-x only; no x bit at all;
        // owner-x only, for uid 1000 with the capability (ambient); the
        // capability permitted but not effective.
        let cases: [(mode_t, Int, [String: Any], Bool)] = [(0o645, 0, all, true), (0o644, 0, all, false),
                                                         (0o744, 1000, all, true), (0o645, 0, notEffective, false)]
        for (mode, uid, caps, runs) in cases {
            chmod(sb.bundle.rootfs + "/opt/bin/echo", mode)
            sb.bundle.process["user"] = ["uid": uid, "gid": uid]
            sb.bundle.process["capabilities"] = caps
            let id = sb.newID()
            if runs {
                let r = try sb.run(id)
                XCTAssertSucceeds(r, "mode \(String(mode, radix: 8)) uid \(uid)")
                XCTAssertEqual(r.stdout, "ran\n", "mode \(String(mode, radix: 8)) uid \(uid): \(r)")
            } else {
                XCTAssertFails(try sb.create(id), mentioning: ["permission denied"])
                sb.assertNoTrace(of: id)
            }
        }
    }

    func testUserAndGroups() throws {
        let sb = try makeSandbox(args: ["sh", "-c", "id -u; id -g; id -G; touch /tmp/f; stat -c '%u:%g' /tmp/f"])
        sb.bundle.process["user"] = ["uid": 1000, "gid": 1000, "additionalGids": [10, 20]]
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        let out = lines(r.stdout)
        XCTAssertEqual(out.count, 4, "\(r)")
        guard out.count == 4 else { return }
        XCTAssertEqual(out[0], "1000")
        XCTAssertEqual(out[1], "1000")
        XCTAssertEqual(Set(out[2].split(separator: " ").map(String.init)), ["1000", "10", "20"])
        XCTAssertEqual(out[3], "1000:1000")
    }

    func testUserWithoutAdditionalGidsHasNoSupplementaryGroups() throws {
        let sb = try makeSandbox(args: ["sh", "-c", "grep -E '^(Uid|Gid|Groups):' /proc/self/status"])
        sb.bundle.process["user"] = ["uid": 1000, "gid": 1000]
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        XCTAssertEqual(statusField(r.stdout, "Uid")?.split(whereSeparator: { $0 == "\t" || $0 == " " }), ["1000", "1000", "1000", "1000"])
        XCTAssertEqual(statusField(r.stdout, "Gid")?.split(whereSeparator: { $0 == "\t" || $0 == " " }), ["1000", "1000", "1000", "1000"])
        XCTAssertEqual(statusField(r.stdout, "Groups") ?? "missing", "", "the caller's groups must be dropped")
    }

    func testUmask() throws {
        let sb = try makeSandbox(args: ["sh", "-c", "umask; touch /tmp/f; stat -c %a /tmp/f"])
        var p = sb.bundle.process
        var u = p["user"] as? [String: Any] ?? [:]
        u["umask"] = 0o027
        p["user"] = u
        sb.bundle.process = p
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        XCTAssertEqual(lines(r.stdout), ["0027", "640"])
    }

    func testRlimits() throws {
        // Only lower limits: this host's bounding set lacks CAP_SYS_RESOURCE.
        let sb = try makeSandbox(args: ["sh", "-c", "ulimit -n; ulimit -Hn; grep -E 'Max (open files|core file size)' /proc/self/limits"])
        sb.bundle.process["rlimits"] = [["type": "RLIMIT_NOFILE", "soft": 123, "hard": 456],
                                        ["type": "RLIMIT_CORE", "soft": 0, "hard": 0]]
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        let out = lines(r.stdout)
        XCTAssertEqual(out.count, 4, "\(r)")
        guard out.count == 4 else { return }
        XCTAssertEqual(out[0], "123")
        XCTAssertEqual(out[1], "456")
        let limits = out[2...].map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        let core = limits.first { $0.starts(with: ["Max", "core"]) }
        let nofile = limits.first { $0.starts(with: ["Max", "open"]) }
        XCTAssertEqual(nofile.map { Array($0[3...4]) }, ["123", "456"])
        XCTAssertEqual(core.map { Array($0[4...5]) }, ["0", "0"])
    }

    func testDefaultCapabilities() throws {
        let sb = try makeSandbox(args: ["grep", "^Cap", "/proc/self/status"])
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        // CAP_KILL(5), CAP_NET_BIND_SERVICE(10), CAP_AUDIT_WRITE(29) in the default spec.
        let mask = Self.capMask([5, 10, 29])
        XCTAssertEqual(statusField(r.stdout, "CapBnd"), mask)
        XCTAssertEqual(statusField(r.stdout, "CapEff"), mask)
        XCTAssertEqual(statusField(r.stdout, "CapPrm"), mask)
        XCTAssertEqual(statusField(r.stdout, "CapInh"), Self.capMask([]))
        // Ambient caps need the inheritable set, which the default spec leaves empty.
        XCTAssertEqual(statusField(r.stdout, "CapAmb"), Self.capMask([]))
    }

    func testCustomCapabilities() throws {
        let sb = try makeSandbox(args: ["grep", "^Cap", "/proc/self/status"])
        let all = ["CAP_CHOWN", "CAP_NET_RAW", "CAP_SYS_ADMIN"]
        sb.bundle.process["capabilities"] = ["bounding": all, "permitted": all, "inheritable": ["CAP_CHOWN", "CAP_NET_RAW"],
                                             "effective": ["CAP_CHOWN", "CAP_NET_RAW"], "ambient": ["CAP_NET_RAW"]]
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        XCTAssertEqual(statusField(r.stdout, "CapBnd"), Self.capMask([0, 13, 21]))
        XCTAssertEqual(statusField(r.stdout, "CapPrm"), Self.capMask([0, 13, 21]))
        XCTAssertEqual(statusField(r.stdout, "CapInh"), Self.capMask([0, 13]))
        XCTAssertEqual(statusField(r.stdout, "CapAmb"), Self.capMask([13]))
        // For uid 0 execve makes effective = permitted.
        XCTAssertEqual(statusField(r.stdout, "CapEff"), Self.capMask([0, 13, 21]))
    }

    /// A name this kernel (or libcap) has no bit for is logged and skipped,
    /// as the spec asks and runc does: kernels differ in their last capability.
    func testUnknownCapabilityIsAWarningAndSkipped() throws {
        let sb = try makeSandbox(args: ["grep", "^Cap", "/proc/self/status"])
        let caps = ["CAP_CHOWN", "CAP_FLY"]
        sb.bundle.process["capabilities"] = ["bounding": caps, "permitted": caps, "effective": caps]
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        XCTAssertTrue(r.stderr.contains("CAP_FLY"), "the unknown name is logged: \(r)")
        XCTAssertEqual(statusField(r.stdout, "CapBnd"), Self.capMask([0]), "\(r)")
        XCTAssertEqual(statusField(r.stdout, "CapPrm"), Self.capMask([0]), "\(r)")
    }

    func testAmbientCapabilitiesSurviveUserSwitch() throws {
        let sb = try makeSandbox(args: ["grep", "^Cap", "/proc/self/status"])
        let caps = ["CAP_NET_BIND_SERVICE"]
        sb.bundle.process["capabilities"] = ["bounding": caps, "permitted": caps, "inheritable": caps,
                                             "effective": caps, "ambient": caps]
        sb.bundle.process["user"] = ["uid": 1000, "gid": 1000]
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        XCTAssertEqual(statusField(r.stdout, "CapEff"), Self.capMask([10]), "\(r)")
        XCTAssertEqual(statusField(r.stdout, "CapAmb"), Self.capMask([10]))
        XCTAssertEqual(statusField(r.stdout, "CapBnd"), Self.capMask([10]))
    }

    func testNonRootUserWithoutAmbientHasNoCapabilities() throws {
        let sb = try makeSandbox(args: ["grep", "^Cap", "/proc/self/status"])
        sb.bundle.process["user"] = ["uid": 1000, "gid": 1000]
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        XCTAssertEqual(statusField(r.stdout, "CapEff"), Self.capMask([]))
        XCTAssertEqual(statusField(r.stdout, "CapPrm"), Self.capMask([]))
        XCTAssertEqual(statusField(r.stdout, "CapBnd"), Self.capMask([5, 10, 29]))
    }

    func testNoNewPrivileges() throws {
        let sb = try makeSandbox(args: ["grep", "NoNewPrivs", "/proc/self/status"])
        sb.bundle.process["noNewPrivileges"] = true
        XCTAssertEqual(statusField(try sb.run(sb.newID()).stdout, "NoNewPrivs"), "1")
        sb.bundle.process["noNewPrivileges"] = false
        XCTAssertEqual(statusField(try sb.run(sb.newID()).stdout, "NoNewPrivs"), "0")
    }

    private func openTestFile(_ sb: Sandbox, _ contents: String, name: String = "passed-fd") throws -> Int32 {
        let path = sb.dir + "/" + name
        try writeFile(path, contents)
        let fd = open(path, O_RDONLY)  // no O_CLOEXEC: it is meant to reach the runtime
        XCTAssertGreaterThanOrEqual(fd, 0)
        addTeardownBlock { close(fd) }
        return fd
    }

    func testOnlyStdioFdsReachTheContainer() throws {
        // `; true` keeps sh from exec'ing ls, so the listing is the shell's own fds.
        let sb = try makeSandbox(args: ["sh", "-c", "ls /proc/$$/fd; true"])
        let fd = try openTestFile(sb, "leaked?\n")
        // The runtime itself gets an extra fd 3 and must not pass it on.
        let id = sb.newID()
        try sb.prepare(id)
        let r = sb.swrun(["run", "--bundle", sb.bundle.path, id], fds: [3: fd, 4: fd])
        XCTAssertSucceeds(r)
        XCTAssertEqual(lines(r.stdout), ["0", "1", "2"], "\(r)")
    }

    /// Stdio on the caller's /dev/null (a host mount) is swapped for the
    /// container's own /dev/null before the process runs, as runc does:
    /// CRIU cannot dump a file on a mount the container does not have.
    /// Also where /dev/null is a bind of the host's (a user namespace).
    func testStdioOnTheHostsDevNullBecomesTheContainersOwn() throws {
        let script = "cat /proc/self/mountinfo; echo fd0 $(grep mnt_id /proc/$$/fdinfo/0)"
        for userNS in [false, true] {
            let sb = try makeSandbox(args: ["sh", "-c", script])
            if userNS {
                sb.bundle.mapUserNamespace()
                sb.bundle.chownRootfs(uid: 100000, gid: 100000)
            }
            // create/start: the init gets create's stdio as it is (runc's
            // foreground run gives it pipes), stdin the host's /dev/null.
            let id = sb.newID()
            let outFile = sb.dir + "/create.out"
            XCTAssertSucceeds(try sb.create(id, stdoutFile: outFile))
            XCTAssertSucceeds(sb.swrun(["start", id]))
            sb.waitForStatus(id, "stopped")
            let r = ProcResult(status: 0, signal: nil, stdout: readFile(outFile) ?? "", stderr: "", args: [])
            // In a user namespace /dev/null is a bind of the host's node: its own mount.
            let devMounts = Set(lines(r.stdout).compactMap { line -> String? in
                let f = line.split(separator: " ")
                return f.count > 4 && (f[4] == "/dev" || f[4] == "/dev/null") ? String(f[0]) : nil
            })
            let fd0 = lines(r.stdout).first { $0.hasPrefix("fd0 ") }?.split(separator: " ").last.map(String.init)
            XCTAssertFalse(devMounts.isEmpty, "the container has a /dev mount: \(r)")
            XCTAssertTrue(fd0.map(devMounts.contains) ?? false,
                          "stdin is on the container's /dev (user namespace: \(userNS)): \(r)")
        }
    }

    /// process.scheduler through sched_setattr(2) (policy and nice as
    /// /proc/PID/stat fields 41 and 19 show them) and process.ioPriority
    /// through ioprio_set(2).
    func testSchedulerAndIOPriority() throws {
        try swrunOnly("process.scheduler and process.ioPriority are not in runc 1.1.5")
        let cases: [(key: String, value: [String: Any], script: String, expected: String)] = [
            ("scheduler", ["policy": "SCHED_BATCH", "nice": 5], "cut -d' ' -f19,41 /proc/$$/stat; true", "5 3"),
            ("ioPriority", ["class": "IOPRIO_CLASS_BE", "priority": 6], "ionice -p $$; true", "best-effort: prio 6"),
        ]
        for c in cases {
            let sb = try makeSandbox(args: ["sh", "-c", c.script])
            sb.bundle.process[c.key] = c.value
            let r = try sb.run(sb.newID())
            XCTAssertSucceeds(r)
            XCTAssertEqual(trimmed(r.stdout), c.expected, "\(c.key): \(r)")
        }
    }

    /// linux.memoryPolicy through set_mempolicy(2): the init's mappings
    /// show the policy in numa_maps; a node the host lacks fails create.
    func testMemoryPolicy() throws {
        try swrunOnly("linux.memoryPolicy is not in runc 1.1.5")
        guard fileExists("/proc/self/numa_maps") else { throw XCTSkip("this kernel has no NUMA support (/proc/self/numa_maps)") }
        let sb = try makeSandbox(args: ["sh", "-c", "head -1 /proc/$$/numa_maps | cut -d' ' -f2; true"])
        var l = sb.bundle.linux
        l["memoryPolicy"] = ["mode": "MPOL_INTERLEAVE", "nodes": "0", "flags": ["MPOL_F_STATIC_NODES"]]
        sb.bundle.linux = l
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        XCTAssertEqual(trimmed(r.stdout), "interleave=static:0", "mode, flag and node: \(r)")

        l["memoryPolicy"] = ["mode": "MPOL_BIND", "nodes": "1000"]
        sb.bundle.linux = l
        let id = sb.newID()
        XCTAssertFails(try sb.create(id), mentioning: ["linux.memoryPolicy"])
        sb.assertNoTrace(of: id)
    }

    func testPersonalityLinux32() throws {
        try swrunOnly("runc 1.1.5 ignores linux.personality")
        let sb = try makeSandbox(args: ["uname", "-m"])
        var l = sb.bundle.linux
        l["personality"] = ["domain": "LINUX32"]
        sb.bundle.linux = l
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        XCTAssertEqual(trimmed(r.stdout), "i686", "uname -m under PER_LINUX32: \(r)")
    }

    /// An exec'd process gets the container's execution domain too.
    func testExecGetsThePersonality() throws {
        try swrunOnly("runc 1.1.5 ignores linux.personality")
        let sb = try makeSandbox(args: ["sleep", "1000"])
        var l = sb.bundle.linux
        l["personality"] = ["domain": "LINUX32"]
        sb.bundle.linux = l
        let id = sb.newID()
        try sb.createAndStart(id)
        let r = sb.swrun(["exec", id, "uname", "-m"])
        XCTAssertSucceeds(r)
        XCTAssertEqual(trimmed(r.stdout), "i686", "\(r)")
    }

    func testBadSchedulingValuesAreClearErrorsAndLeaveNothing() throws {
        try swrunOnly("runc 1.1.5 ignores process.scheduler")
        let sb = try makeSandbox(args: ["true"])
        sb.bundle.process["scheduler"] = ["policy": "SCHED_NOPE"]
        let id = sb.newID()
        XCTAssertFails(try sb.create(id), mentioning: ["process.scheduler.policy"])
        sb.assertNoTrace(of: id)
        sb.bundle.process["scheduler"] = nil
        sb.bundle.process["ioPriority"] = ["class": "IOPRIO_CLASS_BE", "priority": 9]
        let id2 = sb.newID()
        XCTAssertFails(try sb.create(id2), mentioning: ["process.ioPriority.priority"])
        sb.assertNoTrace(of: id2)
    }

    /// A process that is not root owns its stdio, so it can reopen
    /// /dev/stdout (images link log files there), as with runc.
    func testNonRootProcessCanReopenItsStdio() throws {
        let sb = try makeSandbox(args: ["sh", "-c", "echo via-dev-stdout > /dev/stdout && echo via-dev-stderr > /dev/stderr"])
        var p = sb.bundle.process
        p["user"] = ["uid": 1000, "gid": 1000]
        sb.bundle.process = p
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        XCTAssertEqual(trimmed(r.stdout), "via-dev-stdout", "\(r)")
        XCTAssertTrue(r.stderr.contains("via-dev-stderr"), "\(r)")
    }

    func testPreserveFds() throws {
        let sb = try makeSandbox(args: ["sh", "-c", "ls /proc/$$/fd; cat <&3"])
        let fd = try openTestFile(sb, "through fd 3\n")
        let id = sb.newID()
        try sb.prepare(id)
        let r = sb.swrun(["run", "--preserve-fds", "1", "--bundle", sb.bundle.path, id], fds: [3: fd, 4: fd])
        XCTAssertSucceeds(r)
        XCTAssertEqual(lines(r.stdout), ["0", "1", "2", "3", "through fd 3"], "\(r)")
    }

    /// systemd socket activation, as runc handles it: started with
    /// LISTEN_PID = its own pid and LISTEN_FDS = N, the runtime passes fds
    /// 3..3+N-1 on before the --preserve-fds ones and tells the process
    /// LISTEN_FDS=N, LISTEN_PID=1.
    func testSocketActivationFdsComeFirst() throws {
        let sb = try makeSandbox(args: ["sh", "-c", "echo $LISTEN_FDS $LISTEN_PID; ls /proc/$$/fd; cat <&3; cat <&4"])
        let listen = try openTestFile(sb, "listen fd\n", name: "listen-fd")
        let preserved = try openTestFile(sb, "preserved fd\n", name: "preserved-fd")
        let id = sb.newID()
        try sb.prepare(id)
        let r = runProcess(["/bin/sh", "-c", "LISTEN_PID=$$ LISTEN_FDS=1 exec \"$@\"", "sh",
                            Suite.bin, "--root", sb.stateRoot, "run", "--preserve-fds", "1", "--bundle", sb.bundle.path, id],
                           fds: [3: listen, 4: preserved])
        XCTAssertSucceeds(r)
        XCTAssertEqual(lines(r.stdout), ["1 1", "0", "1", "2", "3", "4", "listen fd", "preserved fd"], "\(r)")

        // LISTEN_PID naming another process: not ours, nothing is passed.
        sb.bundle.args = ["sh", "-c", "echo \"[$LISTEN_FDS]\"; ls /proc/$$/fd; true"]
        let other = sb.newID()
        try sb.prepare(other)
        let r2 = runProcess(["/bin/sh", "-c", "LISTEN_PID=1 LISTEN_FDS=1 exec \"$@\"", "sh",
                             Suite.bin, "--root", sb.stateRoot, "run", "--bundle", sb.bundle.path, other],
                            fds: [3: listen])
        XCTAssertSucceeds(r2)
        XCTAssertEqual(lines(r2.stdout), ["[]", "0", "1", "2"], "\(r2)")
    }

    func testPreserveFdsWithCreateAndStart() throws {
        let sb = try makeSandbox(args: ["sh", "-c", "cat <&3 > /host/got; exec > /host/fds; ls /proc/$$/fd; true"])
        sb.bundle.bind(sb.hostDir, at: "/host")
        let fd = try openTestFile(sb, "create-fd\n")
        let id = sb.newID()
        XCTAssertSucceeds(try sb.create(id, extra: ["--preserve-fds", "1"], fds: [3: fd]))
        XCTAssertSucceeds(sb.swrun(["start", id]))
        sb.waitForStatus(id, "stopped")
        XCTAssertEqual(readFile(sb.hostDir + "/got"), "create-fd\n")
        XCTAssertEqual(lines(readFile(sb.hostDir + "/fds") ?? ""), ["0", "1", "2", "3"])
    }
}
