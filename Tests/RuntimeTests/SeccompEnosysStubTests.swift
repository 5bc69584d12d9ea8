import OCI
@testable import SwrunRuntime
import XCTest

/// The ENOSYS stub in front of a compiled profile, checked by running the
/// whole program (stub + libseccomp's filter) on syscall numbers.
final class SeccompEnosysStubTests: XCTestCase {
    static let x8664: UInt32 = 0xC000_003E, i386: UInt32 = 0x4000_0003
    static let allow: UInt32 = 0x7fff_0000, eperm: UInt32 = 0x0005_0000 | 1, enosys: UInt32 = 0x0005_0000 | 38

    /// A classic-BPF interpreter for what libseccomp and the stub emit.
    static func run(_ program: [UInt64], arch: UInt32, nr: UInt32) throws -> UInt32 {
        var pc = 0, a: UInt32 = 0
        while pc < program.count {
            let w = program[pc]
            let code = UInt16(truncatingIfNeeded: w), jt = Int((w >> 16) & 0xff), jf = Int((w >> 24) & 0xff)
            let k = UInt32(truncatingIfNeeded: w >> 32)
            pc += 1
            switch code {
            case 0x20: a = k == 0 ? nr : k == 4 ? arch : 0   // ld [k]: the args read as 0
            case 0x05: pc += Int(k)
            case 0x15: pc += a == k ? jt : jf
            case 0x25: pc += a > k ? jt : jf
            case 0x35: pc += a >= k ? jt : jf
            case 0x45: pc += a & k != 0 ? jt : jf
            case 0x54: a &= k
            case 0x06: return k
            default: throw XCTSkip("opcode 0x\(String(code, radix: 16)) not interpreted")
            }
        }
        XCTFail("ran off the end of the program")
        return 0
    }

    static func profile(_ defaultAction: String, archs: [String]?) -> LinuxSeccomp {
        // ppoll (x86_64 271, i386 309) is the highest name; its rule does what
        // the default does, so libseccomp never sees it: it still counts.
        LinuxSeccomp(defaultAction: defaultAction, architectures: archs,
                     syscalls: [LinuxSyscall(names: ["read", "write", "openat", "exit_group"], action: "SCMP_ACT_ALLOW"),
                                LinuxSyscall(names: ["ppoll", "no_such_call"], action: defaultAction)])
    }

    func testAboveTheHighestNamedSyscallIsENOSYSPerArchitecture() throws {
        let p = try SeccompCompiler.compile(Self.profile("SCMP_ACT_ERRNO", archs: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]))
        let x32: UInt32 = 1 << 30
        let cases: [(UInt32, UInt32, UInt32, String)] = [
            (Self.x8664, 0, Self.allow, "read is allowed"),
            (Self.x8664, 83, Self.eperm, "mkdir, below the highest and unnamed: the default"),
            (Self.x8664, 271, Self.eperm, "ppoll itself: the default"),
            (Self.x8664, 272, Self.enosys, "unshare, above ppoll"),
            (Self.x8664, 435, Self.enosys, "clone3"),
            (Self.x8664, x32 | 83, Self.eperm, "x32 mkdir"),
            (Self.x8664, x32 | 272, Self.enosys, "x32 unshare: above x32's ppoll"),
            (Self.i386, 39, Self.eperm, "i386 mkdir"),
            (Self.i386, 309, Self.eperm, "i386 ppoll"),
            (Self.i386, 310, Self.enosys, "i386 above ppoll"),
        ]
        for (arch, nr, want, what) in cases {
            XCTAssertEqual(try Self.run(p.instructions, arch: arch, nr: nr), want, what)
        }
    }

    func testX32CallsGoToTheFilterWhenX32IsNotListed() throws {
        let p = try SeccompCompiler.compile(Self.profile("SCMP_ACT_ERRNO", archs: ["SCMP_ARCH_X86_64"]))
        XCTAssertEqual(try Self.run(p.instructions, arch: Self.x8664, nr: 400), Self.enosys)
        XCTAssertNotEqual(try Self.run(p.instructions, arch: Self.x8664, nr: (1 << 30) | 400), Self.enosys)
    }

    func testNoStubForPermissiveDefaultsOrWithoutArchitectures() throws {
        for action in ["SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_TRACE"] {
            XCTAssertEqual(SeccompEnosysStub.instructions(Self.profile(action, archs: ["SCMP_ARCH_X86_64"]),
                                                          defaultAction: try SeccompCompiler.action(action, errnoRet: nil, field: "")),
                           [], action)
        }
        // runc 1.1.5 looks only at the listed architectures.
        let bare = try SeccompCompiler.compile(Self.profile("SCMP_ACT_ERRNO", archs: nil))
        XCTAssertEqual(try Self.run(bare.instructions, arch: Self.x8664, nr: 435), Self.eperm)
        // A stricter default gets the stub too.
        let kill = try SeccompCompiler.compile(Self.profile("SCMP_ACT_KILL_PROCESS", archs: ["SCMP_ARCH_X86_64"]))
        XCTAssertEqual(try Self.run(kill.instructions, arch: Self.x8664, nr: 435), Self.enosys)
        XCTAssertEqual(try Self.run(kill.instructions, arch: Self.x8664, nr: 83), 0x8000_0000)
    }

    func testLongProgramsKeepTheirJumpsInReach() {
        // Every conditional jump is followed by its own ja: jt/jf are 0 or 1.
        let stub = SeccompEnosysStub.instructions(Self.profile("SCMP_ACT_ERRNO", archs: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86",
                                                                                       "SCMP_ARCH_X32", "SCMP_ARCH_S390X"]),
                                                  defaultAction: Self.eperm)
        XCTAssertFalse(stub.isEmpty)
        for w in stub where [0x15, 0x25, 0x45].contains(w & 0xffff) {
            XCTAssertLessThanOrEqual((w >> 16) & 0xff, 1)
            XCTAssertLessThanOrEqual((w >> 24) & 0xff, 1)
        }
        XCTAssertEqual(stub.last.map { $0 & 0xffff }, 0x06, "ends with the ENOSYS return; the filter follows")
    }
}
