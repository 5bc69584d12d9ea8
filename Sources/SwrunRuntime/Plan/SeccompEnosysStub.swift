import CShim
import Glibc
import OCI

/// The "ENOSYS stub" runc 1.1.5 (libcontainer/seccomp/patchbpf) and crun
/// put in front of a profile: a syscall numbered above the highest one the
/// profile names, per architecture, returns ENOSYS instead of the default
/// action, so that a C library newer than the profile falls back to an
/// older syscall (clone3 to clone, faccessat2 to faccessat...) instead of
/// failing with the default's EPERM.
///
/// runc's rule, followed here: only when the default action is not
/// permissive (allow, log, trace); only for the architectures the profile
/// lists (none listed: no stub); the highest number is taken over every
/// name of every rule, whatever its action, skipping names the
/// architecture does not have; an architecture with none gets no stub.
/// On x86_64, x32 calls (bit 30 of the number) are checked against the
/// x32 maximum when SCMP_ARCH_X32 is listed and passed to the filter
/// otherwise; on s390/s390x, syscall 0 (the multiplexer unknown numbers
/// end up as) returns ENOSYS too.
enum SeccompEnosysStub {
    static let auditX8664: UInt32 = 0xC000_003E
    /// libseccomp's SCMP_ARCH_X32: x86_64's audit value without the 64-bit bit.
    static let scmpX32: UInt32 = 0x4000_003E
    static let x32Bit: UInt32 = 1 << 30
    static let s390: Set<UInt32> = [0x0000_0016, 0x8000_0016]
    static let retENOSYS: UInt32 = 0x0005_0000 | UInt32(ENOSYS)

    /// The stub's instructions, or none when runc would add none.
    static func instructions(_ seccomp: LinuxSeccomp, defaultAction: UInt32) -> [UInt64] {
        guard !permissive(defaultAction) else { return [] }
        let maxima = highestSyscalls(seccomp)
        guard !maxima.isEmpty else { return [] }
        return BPFAssembler.assemble(program(maxima))
    }

    /// SCMP_ACT_ALLOW, SCMP_ACT_LOG and SCMP_ACT_TRACE (any errno).
    static func permissive(_ action: UInt32) -> Bool {
        action == 0x7fff_0000 || action == 0x7ffc_0000 || action & 0xffff_0000 == 0x7ff0_0000
    }

    /// What the stub checks on one audit architecture: the highest number
    /// for its plain calls and, on x86_64, for its x32 calls.
    struct Maxima: Equatable {
        var plain: UInt32?
        var x32: UInt32?
    }

    /// Per audit architecture (x32 folded into x86_64), the highest
    /// syscall number the profile names.
    static func highestSyscalls(_ seccomp: LinuxSeccomp) -> [UInt32: Maxima] {
        let names = Set((seccomp.syscalls ?? []).flatMap(\.names))
        var out: [UInt32: Maxima] = [:]
        for arch in seccomp.architectures ?? [] {
            let name = arch.hasPrefix("SCMP_ARCH_") ? String(arch.dropFirst(10)).lowercased() : arch.lowercased()
            let token = seccomp_arch_resolve_name(name)
            guard token != 0 else { continue }
            let highest = names.map { seccomp_syscall_resolve_name_arch(token, $0) }.filter { $0 > 0 }.max()
            guard let highest else { continue }
            let audit = token == scmpX32 ? auditX8664 : token
            var m = out[audit] ?? Maxima()
            if token == scmpX32 { m.x32 = UInt32(highest) } else { m.plain = UInt32(highest) }
            out[audit] = m
        }
        return out
    }

    static func program(_ maxima: [UInt32: Maxima]) -> [BPFAssembler.Insn] {
        typealias I = BPFAssembler.Insn
        let archs = maxima.keys.sorted()
        var p: [I] = [.loadWord(4)]
        for (i, a) in archs.enumerated() { p.append(.jumpIf(.eq, a, .arch(i))) }
        p.append(.jump(.filter))
        for (i, a) in archs.enumerated() {
            let m = maxima[a]!
            p += [.label(.arch(i)), .loadWord(0)]
            if s390.contains(a) { p.append(.jumpIf(.eq, 0, .enosys)) }
            if a == auditX8664 {
                // x32 calls carry bit 30: checked against the x32 maximum,
                // or left to the filter when x32 is not listed.
                p.append(m.x32 == nil ? .jumpIf(.bitsSet, x32Bit, .filter) : .jumpIf(.bitsSet, x32Bit, .x32(i)))
            }
            if let plain = m.plain { p.append(.jumpIf(.greater, plain, .enosys)) }
            p.append(.jump(.filter))
            if a == auditX8664, let x32 = m.x32 {
                p += [.label(.x32(i)), .jumpIf(.greater, x32, .enosys), .jump(.filter)]
            }
        }
        p += [.label(.enosys), .ret(retENOSYS), .label(.filter)]
        return p
    }
}

/// A few classic-BPF instructions with symbolic jump targets, lowered to
/// `struct sock_filter` words (code | jt << 16 | jf << 24 | k << 32). A
/// conditional jump to a label becomes the test plus an unconditional
/// `ja` (32-bit offset), so no target is ever out of a jt/jf's reach.
enum BPFAssembler {
    enum Label: Hashable {
        case arch(Int), x32(Int), enosys, filter
    }

    enum Condition: UInt16 {
        case eq = 0x15       // BPF_JMP|BPF_JEQ|BPF_K
        case greater = 0x25  // BPF_JMP|BPF_JGT|BPF_K
        case bitsSet = 0x45  // BPF_JMP|BPF_JSET|BPF_K
    }

    enum Insn: Equatable {
        case loadWord(UInt32)  // BPF_LD|BPF_W|BPF_ABS: seccomp_data at this offset
        case jumpIf(Condition, UInt32, Label)
        case jump(Label)
        case ret(UInt32)
        case label(Label)
    }

    static func word(_ code: UInt16, jt: UInt8 = 0, jf: UInt8 = 0, k: UInt32) -> UInt64 {
        UInt64(code) | UInt64(jt) << 16 | UInt64(jf) << 24 | UInt64(k) << 32
    }

    static func assemble(_ program: [Insn]) -> [UInt64] {
        var at: [Label: Int] = [:]
        var n = 0
        for insn in program {
            switch insn {
            case let .label(l): at[l] = n
            case .jumpIf: n += 2
            default: n += 1
            }
        }
        var out: [UInt64] = []
        func ja(_ l: Label) { out.append(word(0x05, k: UInt32(at[l]! - out.count - 1))) }
        for insn in program {
            switch insn {
            case let .loadWord(off): out.append(word(0x20, k: off))
            case let .jumpIf(cond, k, l):
                // True: fall on to the ja; false: skip it.
                out.append(word(cond.rawValue, jt: 0, jf: 1, k: k))
                ja(l)
            case let .jump(l): ja(l)
            case let .ret(k): out.append(word(0x06, k: k))
            case .label: break
            }
        }
        return out
    }
}
