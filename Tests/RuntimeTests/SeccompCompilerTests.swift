import OCI
@testable import SwrunRuntime
import XCTest

final class SeccompCompilerTests: XCTestCase {
    func testCompilesAProfileToBPF() throws {
        let s = LinuxSeccomp(defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: 38, architectures: ["SCMP_ARCH_X86_64"],
                             syscalls: [LinuxSyscall(names: ["read", "write", "not_a_syscall"], action: "SCMP_ACT_ALLOW"),
                                        LinuxSyscall(names: ["personality"], action: "SCMP_ACT_ALLOW",
                                                     args: [LinuxSeccompArg(index: 0, value: 0, op: "SCMP_CMP_EQ"),
                                                            LinuxSeccompArg(index: 0, value: 8, op: "SCMP_CMP_EQ")])])
        let p = try SeccompCompiler.compile(s)
        XCTAssertGreaterThan(p.instructions.count, 4)
        // The last instruction returns the default action: ERRNO(38).
        // sock_filter { u16 code; u8 jt; u8 jf; u32 k }: some BPF_RET|BPF_K
        // returns SECCOMP_RET_ERRNO|38, the default action.
        let rets = p.instructions.filter { $0 & 0xffff == 0x06 }.map { UInt32(truncatingIfNeeded: $0 >> 32) }
        XCTAssertTrue(rets.contains(0x0005_0000 | 38), "returns: \(rets.map { String($0, radix: 16) })")
    }

    func testBadProfilesNameTheField() {
        let cases: [(LinuxSeccomp, String)] = [
            (LinuxSeccomp(defaultAction: "SCMP_ACT_NOPE"), "linux.seccomp.defaultAction"),
            (LinuxSeccomp(defaultAction: "SCMP_ACT_ALLOW", syscalls: [LinuxSyscall(names: ["read"], action: "SCMP_ACT_NOTIFY")]),
             "linux.seccomp.listenerPath: required"),
            (LinuxSeccomp(defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_PDP11"]), "linux.seccomp.architectures[0]"),
            (LinuxSeccomp(defaultAction: "SCMP_ACT_ALLOW", flags: ["SECCOMP_FILTER_FLAG_BOGUS"]), "linux.seccomp.flags[0]"),
            (LinuxSeccomp(defaultAction: "SCMP_ACT_ALLOW", syscalls: [LinuxSyscall(names: ["read"], action: "SCMP_ACT_ERRNO",
                                                                                 args: [LinuxSeccompArg(index: 0, value: 1, op: "SCMP_CMP_XX")])]),
             "linux.seccomp.syscalls[0].args[0].op"),
        ]
        for (profile, field) in cases {
            XCTAssertThrowsError(try SeccompCompiler.compile(profile)) { XCTAssertTrue("\($0)".contains(field), "\($0)") }
        }
    }

    func testWaitKillableRecvIsKeptOnlyWithAListener() throws {
        let flag = "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"
        let withListener = try SeccompCompiler.compile(LinuxSeccomp(defaultAction: "SCMP_ACT_ALLOW", flags: [flag], listenerPath: "/run/a.sock",
                                                                    syscalls: [LinuxSyscall(names: ["mkdir"], action: "SCMP_ACT_NOTIFY")]))
        XCTAssertEqual(withListener.flags & (32 | 8), 32 | 8)
        let alone = try SeccompCompiler.compile(LinuxSeccomp(defaultAction: "SCMP_ACT_ALLOW", flags: [flag],
                                                             syscalls: [LinuxSyscall(names: ["mkdir"], action: "SCMP_ACT_ERRNO")]))
        XCTAssertEqual(alone.flags & 32, 0, "the kernel refuses it without a listener")
    }

    func testNotifyActionAsksTheKernelForAListener() throws {
        let p = try SeccompCompiler.compile(LinuxSeccomp(defaultAction: "SCMP_ACT_ALLOW", listenerPath: "/run/agent.sock",
                                                         syscalls: [LinuxSyscall(names: ["mkdir"], action: "SCMP_ACT_NOTIFY")]))
        XCTAssertTrue(p.notifies)
        XCTAssertEqual(p.flags & 8, 8, "SECCOMP_FILTER_FLAG_NEW_LISTENER")
        let rets = p.instructions.filter { $0 & 0xffff == 0x06 }.map { UInt32(truncatingIfNeeded: $0 >> 32) }
        XCTAssertTrue(rets.contains(0x7fc0_0000), "SECCOMP_RET_USER_NOTIF: \(rets.map { String($0, radix: 16) })")
        // With no_new_privs too, the filter loads before READY: the
        // listener fd must reach the parent while it still listens.
        var process = Process(args: ["true"], cwd: "/")
        process.noNewPrivileges = true
        let steps = try InitPlanCompiler.processSteps(process, env: [], preserveFds: 0, seccomp: p)
        XCTAssertTrue(steps.contains(.seccomp(program: p.instructions, flags: p.flags)))
        XCTAssertEqual(InitPlanCompiler.lateSeccomp(process, p), [])
    }

    func testFilterPlacementFollowsNoNewPrivileges() throws {
        var process = Process(args: ["true"], cwd: "/")
        let program = SeccompCompiler.Program(instructions: [1], flags: 0)
        let early = try InitPlanCompiler.processSteps(process, env: [], preserveFds: 0, seccomp: program)
        let seccompAt = try XCTUnwrap(early.firstIndex(of: .seccomp(program: [1], flags: 0)))
        let uidAt = try XCTUnwrap(early.firstIndex(of: .setresuid(0)))
        XCTAssertLessThan(seccompAt, uidAt, "without no_new_privs the filter is loaded while still privileged")
        process.noNewPrivileges = true
        let late = try InitPlanCompiler.processSteps(process, env: [], preserveFds: 0, seccomp: program)
        XCTAssertFalse(late.contains(.seccomp(program: [1], flags: 0)))
        XCTAssertEqual(InitPlanCompiler.lateSeccomp(process, program), [.seccomp(program: [1], flags: 0)])
    }
}
