@testable import SwrunRuntime
import Glibc
import XCTest

private func allow(_ type: String, _ major: Int64?, _ minor: Int64?, _ access: String) -> DeviceRule {
    DeviceRule(allow: true, type: type, major: major, minor: minor, access: access)
}

private func deny(_ type: String, _ major: Int64?, _ minor: Int64?, _ access: String) -> DeviceRule {
    DeviceRule(allow: false, type: type, major: major, minor: minor, access: access)
}

private func ex(_ type: DeviceEmulator.DeviceType, _ major: UInt32?, _ minor: UInt32?,
                _ access: DeviceEmulator.Access) -> DeviceEmulator.Exception {
    DeviceEmulator.Exception(type: type, major: major, minor: minor, access: access)
}

private let rwm = DeviceEmulator.Access.all

final class DeviceEmulatorTests: XCTestCase {
    func testDefaultRulesAreAWhitelist() throws {
        let state = try DeviceEmulator(rules: DeviceRule.defaults)
        XCTAssertFalse(state.defaultAllow)
        XCTAssertEqual(state.exceptions.count, DeviceRule.defaults.count)
        XCTAssertEqual(state.exceptions[0], ex(.char, nil, nil, .mknod))
        XCTAssertEqual(state.exceptions[1], ex(.block, nil, nil, .mknod))
        XCTAssertEqual(state.exceptions[2], ex(.char, 1, 3, rwm))
        XCTAssertEqual(state.exceptions[9], ex(.char, 136, nil, rwm))
    }

    func testAllowAllThenDeniesIsABlacklist() throws {
        let state = try DeviceEmulator(rules: [allow("c", 1, 3, "rwm"), allow("a", 7, 7, "r"),
                                               deny("c", 1, 5, "rwm"), deny("b", 8, nil, "w")])
        XCTAssertEqual(state, DeviceEmulator(defaultAllow: true, exceptions: [ex(.char, 1, 5, rwm), ex(.block, 8, nil, .write)]))
        // "deny a" starts over as well.
        XCTAssertEqual(try DeviceEmulator(rules: [allow("a", nil, nil, "rwm"), deny("c", 1, 5, "r"), deny("a", nil, nil, "")]),
                       DeviceEmulator())
    }

    func testRuleAgreeingWithDefaultRemovesBitsOfIdenticalException() throws {
        var state = try DeviceEmulator(rules: [allow("c", 1, 3, "rwm"), deny("c", 1, 3, "w")])
        XCTAssertEqual(state.exceptions, [ex(.char, 1, 3, [.read, .mknod])])
        // Only an exception with exactly the same numbers is touched.
        try state.apply(deny("c", 1, nil, "rwm"))
        try state.apply(deny("b", 1, 3, "rwm"))
        XCTAssertEqual(state.exceptions, [ex(.char, 1, 3, [.read, .mknod])])
        try state.apply(deny("c", 1, 3, "rm"))
        XCTAssertEqual(state.exceptions, [])
        // Blacklist: an allow takes bits away from a deny.
        state = try DeviceEmulator(rules: [allow("a", nil, nil, "rwm"), deny("c", 1, 5, "rw"), allow("c", 1, 5, "r")])
        XCTAssertEqual(state.exceptions, [ex(.char, 1, 5, .write)])
    }

    func testDuplicatesMergeInPlace() throws {
        let state = try DeviceEmulator(rules: [allow("c", 1, 3, "r"), allow("c", 4, nil, "m"), allow("c", 1, 3, "w")])
        XCTAssertEqual(state.exceptions, [ex(.char, 1, 3, [.read, .write]), ex(.char, 4, nil, .mknod)])
    }

    func testNumbersOutsideU32AreRefused() {
        XCTAssertThrowsError(try DeviceEmulator(rules: [allow("c", -1, 3, "rwm")])) {
            XCTAssertEqual(($0 as? RuntimeError)?.operation, "device rule \"c -1:3 rwm\": major -1 is outside 0...4294967295")
        }
        XCTAssertThrowsError(try DeviceEmulator(rules: [allow("b", 8, 1 << 32, "r")])) {
            XCTAssertEqual(($0 as? RuntimeError)?.operation, "device rule \"b 8:4294967296 r\": minor 4294967296 is outside 0...4294967295")
        }
        XCTAssertNoThrow(try DeviceEmulator(rules: [allow("b", 4294967295, 0, "r")]))
    }
}

final class DeviceFilterProgramTests: XCTestCase {
    typealias I = BPFInstruction

    func testWhitelistProgram() {
        let state = DeviceEmulator(defaultAllow: false, exceptions: [ex(.char, nil, nil, .mknod), ex(.block, 1, 3, rwm)])
        let prog = DeviceFilterProgram.instructions(for: state)
        let expected: [I] = [
            I(code: 0x61, dst: 2, src: 1, off: 0),        // w2 = ctx->access_type
            I(code: 0x54, dst: 2, imm: 0xffff),           // w2 &= 0xffff: type
            I(code: 0x61, dst: 3, src: 1, off: 0),        // w3 = ctx->access_type
            I(code: 0x74, dst: 3, imm: 16),               // w3 >>= 16: access
            I(code: 0x61, dst: 4, src: 1, off: 4),        // w4 = ctx->major
            I(code: 0x61, dst: 5, src: 1, off: 8),        // w5 = ctx->minor
            // c *:* m
            I(code: 0x56, dst: 2, off: 5, imm: 2),        // if w2 != CHAR goto +5
            I(code: 0xbc, dst: 1, src: 3),                // w1 = w3
            I(code: 0x54, dst: 1, imm: 1),                // w1 &= MKNOD
            I(code: 0x5e, dst: 1, src: 3, off: 2),        // if w1 != w3 goto +2
            I(code: 0xb4, dst: 0, imm: 1),                // return 1
            I(code: 0x95, dst: 0),
            // b 1:3 rwm
            I(code: 0x56, dst: 2, off: 4, imm: 1),        // if w2 != BLOCK goto +4
            I(code: 0x56, dst: 4, off: 3, imm: 1),        // if w4 != 1 goto +3
            I(code: 0x56, dst: 5, off: 2, imm: 3),        // if w5 != 3 goto +2
            I(code: 0xb4, dst: 0, imm: 1),
            I(code: 0x95, dst: 0),
            I(code: 0xb4, dst: 0, imm: 0),                // return 0
            I(code: 0x95, dst: 0),
        ]
        XCTAssertEqual(prog, expected)
        XCTAssertEqual(prog[0].bytes, [0x61, 0x12, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(prog[1].bytes, [0x54, 0x02, 0, 0, 0xff, 0xff, 0, 0])
        XCTAssertEqual(prog[9].bytes, [0x5e, 0x31, 2, 0, 0, 0, 0, 0])
        assertWellFormed(prog)
    }

    func testBlacklistProgramMatchesAnyOfTheAccess() {
        let state = DeviceEmulator(defaultAllow: true, exceptions: [ex(.char, UInt32.max, nil, [.read, .write])])
        let prog = DeviceFilterProgram.instructions(for: state)
        XCTAssertEqual(Array(prog[6...]), [
            I(code: 0x56, dst: 2, off: 6, imm: 2),
            I(code: 0xbc, dst: 1, src: 3),
            I(code: 0x54, dst: 1, imm: 6),
            I(code: 0x16, dst: 1, off: 3, imm: 0),        // if w1 == 0 goto +3
            I(code: 0x56, dst: 4, off: 2, imm: -1),       // major 4294967295
            I(code: 0xb4, dst: 0, imm: 0),                // a match denies
            I(code: 0x95, dst: 0),
            I(code: 0xb4, dst: 0, imm: 1),                // the rest is allowed
            I(code: 0x95, dst: 0),
        ])
        XCTAssertEqual(prog[10].bytes, [0x56, 0x04, 2, 0, 0xff, 0xff, 0xff, 0xff])
        assertWellFormed(prog)
    }

    func testEncodingIsLittleEndianWithNegativeOffsets() {
        XCTAssertEqual(I(code: 0x05, dst: 0, off: -2).bytes, [0x05, 0, 0xfe, 0xff, 0, 0, 0, 0])
        XCTAssertEqual(I(code: 0xb4, dst: 9, src: 10, imm: 0x01020304).bytes, [0xb4, 0xa9, 0, 0, 4, 3, 2, 1])
    }

    func testProgramsOfManyRuleSetsAreWellFormed() throws {
        let sets: [[DeviceRule]] = [
            [],
            DeviceRule.defaults,
            DeviceRule.defaults + [deny("c", 1, 5, "rwm"), allow("b", 8, nil, "r"), allow("c", 4294967295, 4294967295, "w")],
            [allow("a", nil, nil, "rwm")],
            [allow("a", nil, nil, "rwm"), deny("c", 1, 5, "rwm"), deny("b", nil, 0, "m"), deny("c", nil, nil, "w")],
        ]
        for rules in sets {
            let state = try DeviceEmulator(rules: rules)
            let prog = DeviceFilterProgram.instructions(for: state)
            assertWellFormed(prog)
            XCTAssertEqual(prog.suffix(2), [I(code: 0xb4, dst: 0, imm: state.defaultAllow ? 1 : 0), I(code: 0x95, dst: 0)])
        }
    }

    /// Every jump lands inside the program, on the start of a block or
    /// the final return, and the program ends in exit.
    private func assertWellFormed(_ prog: [I], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(prog.last?.code, 0x95, "ends in exit", file: file, line: line)
        for (i, insn) in prog.enumerated() where insn.isJump {
            let target = i + 1 + Int(insn.off)
            XCTAssertTrue(insn.off > 0 && target < prog.count, "jump at \(i) to \(target)", file: file, line: line)
            if target < prog.count {
                let startsBlock = prog[target - 1].code == 0x95
                XCTAssertTrue(startsBlock, "jump at \(i) lands mid-block at \(target)", file: file, line: line)
            }
        }
    }
}

/// Loads and attaches programs in the running kernel: needs root and a
/// cgroup2 mount. Each case gets its own throwaway cgroup.
final class CgroupDeviceProgramKernelTests: XCTestCase {
    private var v2Mount = ""
    private var made: [String] = []

    override func setUpWithError() throws {
        guard let v2 = CgroupHierarchy.current().first(where: \.isV2) else {
            throw XCTSkip("no cgroup2 mount in /proc/self/mountinfo (neither /sys/fs/cgroup/unified nor /sys/fs/cgroup is cgroup2)")
        }
        v2Mount = v2.mountPoint
    }

    override func tearDown() {
        // The children have been reaped by now.
        CgroupDirectories.remove(made)
        made = []
    }

    private func makeCgroup(_ name: String) throws -> String {
        let dir = "\(v2Mount)/swrun-bpftest-\(getpid())-\(name)"
        if mkdir(dir, 0o755) < 0 { throw RuntimeError("mkdir", path: dir, errno: errno) }
        made.append(dir)
        return dir
    }

    /// Runs script with sh after it has moved itself into the cgroup
    /// (`echo $$ > cgroup.procs` prepended); returns its stdout.
    private func run(in cgroup: String, _ script: String) throws -> String {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw RuntimeError("pipe", errno: errno) }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        defer { close(fds[0]) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let args = ["/bin/sh", "-c", "echo $$ > \(cgroup)/cgroup.procs || exit 99; " + script]
        let argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let r = posix_spawn(&pid, "/bin/sh", &actions, nil, argv, environ)
        close(fds[1])
        guard r == 0 else { throw RuntimeError("posix_spawn /bin/sh", errno: r) }
        let out = (try? Sys.readAll(fd: fds[0])) ?? []
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        XCTAssertEqual(status, 0, "sh exit status")
        return String(decoding: out, as: UTF8.self)
    }

    private func attach(_ rules: [DeviceRule]) throws -> String {
        let cg = try makeCgroup("\(made.count)")
        try CgroupDeviceProgram(rules: rules).attach(to: cg)
        return cg
    }

    func testVerifierAcceptsDefaultRules() throws {
        let fd = try CgroupDeviceProgram(rules: DeviceRule.defaults + [deny("c", 1, 5, "rwm")]).load()
        XCTAssertGreaterThanOrEqual(fd, 0)
        XCTAssertEqual(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC)
        close(fd)
    }

    func testDefaultRulesWithZeroDenied() throws {
        let script = "(: < /dev/null) 2>/dev/null && echo null-ok; (: < /dev/zero) 2>/dev/null || echo zero-denied; (: < /dev/full) 2>/dev/null && echo full-ok"
        let denied = try attach(DeviceRule.defaults + [deny("c", 1, 5, "rwm")])
        XCTAssertEqual(try run(in: denied, script), "null-ok\nzero-denied\nfull-ok\n")
        // The control: the defaults alone allow /dev/zero.
        let defaults = try attach(DeviceRule.defaults)
        XCTAssertEqual(try run(in: defaults, script), "null-ok\nfull-ok\n")
    }

    func testWhitelistWithoutNullDeniesNull() throws {
        let cg = try attach(DeviceRule.defaults.filter { !($0.major == 1 && $0.minor == 3) })
        XCTAssertEqual(try run(in: cg, "(: < /dev/null) && echo null-ok || echo null-denied; (: < /dev/zero) && echo zero-ok"),
                       "null-denied\nzero-ok\n")
    }

    func testWhitelistNeedsAllTheAccessAsked() throws {
        let dir = "/tmp/swrun-bpftest-\(getpid())"
        XCTAssertEqual(mkdir(dir, 0o700), 0)
        defer { unlink(dir + "/n"); rmdir(dir) }
        let cg = try attach([allow("c", 1, 7, "r"), allow("c", 1, 3, "rw")])
        XCTAssertEqual(try run(in: cg, "(: < /dev/full) && echo r-ok; (: <> /dev/full) || echo rw-denied; mknod \(dir)/n c 1 3 || echo mknod-denied"),
                       "r-ok\nrw-denied\nmknod-denied\n")
    }

    func testBlacklistDeniesOnlyItsExceptions() throws {
        let cg = try attach([allow("a", nil, nil, "rwm"), deny("c", 1, 5, "rwm"), deny("c", 1, 7, "w")])
        let script = "(: < /dev/null) && echo null-ok; (: < /dev/zero) || echo zero-denied; (: < /dev/full) && echo full-r-ok; (: > /dev/full) || echo full-w-denied; (: <> /dev/full) || echo full-rw-denied"
        XCTAssertEqual(try run(in: cg, script), "null-ok\nzero-denied\nfull-r-ok\nfull-w-denied\nfull-rw-denied\n")
    }

    func testManagerAttachesProgramWithoutV1DevicesController() throws {
        guard let v2 = CgroupHierarchy.current().first(where: \.isV2) else { return }
        let manager = V2Driver(ContainerCgroups(hierarchies: [v2], cgroupsPath: "/swrun-bpftest-\(getpid())-mgr", id: "x"))
        made += try manager.create()
        try manager.apply(deviceRules: [deny("c", 1, 3, "r")] + DeviceRule.defaults + [deny("c", 1, 5, "rwm")])
        XCTAssertEqual(try run(in: manager.paths[0], "(: < /dev/null) && echo null-ok; (: < /dev/zero) || echo zero-denied"),
                       "null-ok\nzero-denied\n")
    }

    func testNoDevicesControllerAndNoV2IsRefused() {
        let cpu = CgroupHierarchy(mountPoint: "/nonexistent/cpu", controllers: ["cpu"], isV2: false, ownPath: "/")
        let manager = V1Driver(ContainerCgroups(hierarchies: [cpu], cgroupsPath: "/x", id: "x"))
        XCTAssertThrowsError(try manager.apply(deviceRules: DeviceRule.defaults)) {
            XCTAssertTrue("\($0)".contains("neither a v1 devices controller nor a cgroup v2 hierarchy"), "\($0)")
        }
    }

    func testVerifierRejectionCarriesItsLog() {
        let noExit = CgroupDeviceProgram(instructions: [BPFInstruction(code: BPFInstruction.movImm32, dst: 0, imm: 1)])
        XCTAssertThrowsError(try noExit.load()) {
            let e = $0 as? RuntimeError
            XCTAssertEqual(e?.errno, EINVAL)
            XCTAssertTrue(e?.operation.contains("verifier: last insn is not an exit or jmp") == true, "\($0)")
        }
        var outOfRange = DeviceFilterProgram.instructions(for: DeviceEmulator(exceptions: [ex(.char, 1, 3, rwm)]))
        outOfRange[6].off = 100
        XCTAssertThrowsError(try CgroupDeviceProgram(instructions: outOfRange).load()) {
            XCTAssertTrue("\($0)".contains("jump out of range"), "\($0)")
        }
    }
}
