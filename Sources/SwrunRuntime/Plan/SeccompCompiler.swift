import CShim
import Glibc
import OCI

/// Compiles `linux.seccomp` into a BPF program with libseccomp, in the
/// parent: the child only loads the instructions.
public enum SeccompCompiler {
    public struct Program: Equatable {
        /// struct sock_filter instructions, 8 bytes each.
        public var instructions: [UInt64]
        public var flags: UInt32
        /// Some action is SCMP_ACT_NOTIFY: the filter is loaded with a
        /// listener fd, which goes to linux.seccomp.listenerPath.
        public var notifies: Bool { flags & SeccompCompiler.newListener != 0 }
    }

    static let newListener: UInt32 = 8  // SECCOMP_FILTER_FLAG_NEW_LISTENER

    static func action(_ name: String, errnoRet: UInt32?, field: String) throws -> UInt32 {
        switch name {
        case "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD": return 0x0000_0000
        case "SCMP_ACT_KILL_PROCESS": return 0x8000_0000
        case "SCMP_ACT_TRAP": return 0x0003_0000
        case "SCMP_ACT_ERRNO": return 0x0005_0000 | ((errnoRet ?? UInt32(EPERM)) & 0xffff)
        case "SCMP_ACT_TRACE": return 0x7ff0_0000 | ((errnoRet ?? UInt32(EPERM)) & 0xffff)
        case "SCMP_ACT_LOG": return 0x7ffc_0000
        case "SCMP_ACT_ALLOW": return 0x7fff_0000
        case "SCMP_ACT_NOTIFY": return 0x7fc0_0000
        default: throw RuntimeError("\(field): unknown seccomp action \"\(name)\"")
        }
    }

    static let operators: [String: scmp_compare] = [
        "SCMP_CMP_NE": SCMP_CMP_NE, "SCMP_CMP_LT": SCMP_CMP_LT, "SCMP_CMP_LE": SCMP_CMP_LE,
        "SCMP_CMP_EQ": SCMP_CMP_EQ, "SCMP_CMP_GE": SCMP_CMP_GE, "SCMP_CMP_GT": SCMP_CMP_GT,
        "SCMP_CMP_MASKED_EQ": SCMP_CMP_MASKED_EQ,
    ]

    static let flagValues: [String: UInt32] = [
        "SECCOMP_FILTER_FLAG_TSYNC": 1, "SECCOMP_FILTER_FLAG_LOG": 2, "SECCOMP_FILTER_FLAG_SPEC_ALLOW": 4,
        "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV": waitKillableRecv,
    ]
    /// Linux 5.19: a notified task waits killably once the listener took
    /// the request. Only meaningful with a listener (the kernel refuses it
    /// alone with EINVAL), so it is kept only where there is one.
    static let waitKillableRecv: UInt32 = 1 << 5

    /// Compiles a validated linux.seccomp (names, indexes and operators
    /// were checked by the OCI validator) with libseccomp.
    public static func compile(_ seccomp: LinuxSeccomp) throws -> Program {
        let defaultAction = try action(seccomp.defaultAction, errnoRet: seccomp.defaultErrnoRet, field: "linux.seccomp.defaultAction")
        guard let ctx = seccomp_init(defaultAction) else {
            throw RuntimeError("linux.seccomp: seccomp_init failed")
        }
        defer { seccomp_release(ctx) }
        // swrun sets no_new_privs itself when the config asks for it.
        _ = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0)
        var flags = try filterFlags(seccomp.flags ?? [])
        try addArchitectures(seccomp.architectures ?? [], to: ctx)
        for (i, rule) in (seccomp.syscalls ?? []).enumerated() {
            try addRule(rule, field: "linux.seccomp.syscalls[\(i)]", defaultAction: defaultAction, to: ctx)
        }
        // Syscalls newer than the profile get ENOSYS, not the default (runc's stub).
        let instructions = SeccompEnosysStub.instructions(seccomp, defaultAction: defaultAction) + (try exportFilter(ctx))
        let notify: UInt32 = 0x7fc0_0000
        let notifies = defaultAction == notify || (seccomp.syscalls ?? []).contains {
            (try? action($0.action, errnoRet: $0.errnoRet, field: "")) == notify
        }
        if notifies {
            guard let path = seccomp.listenerPath, !path.isEmpty else {
                throw RuntimeError("linux.seccomp.listenerPath: required when an action is SCMP_ACT_NOTIFY")
            }
            flags |= newListener
        } else {
            flags &= ~waitKillableRecv
        }
        return Program(instructions: instructions, flags: flags)
    }

    /// The seccomp(2) flags; a known flag swrun cannot set is refused.
    static func filterFlags(_ names: [String]) throws -> UInt32 {
        var flags: UInt32 = 0
        for (i, f) in names.enumerated() {
            guard let v = flagValues[f] else {
                throw RuntimeError("linux.seccomp.flags[\(i)]: unknown or unsupported flag \"\(f)\"")
            }
            flags |= v
        }
        return flags
    }

    static func addArchitectures(_ archs: [String], to ctx: scmp_filter_ctx) throws {
        for (i, arch) in archs.enumerated() {
            let name = arch.hasPrefix("SCMP_ARCH_") ? String(arch.dropFirst(10)).lowercased() : arch.lowercased()
            let token = seccomp_arch_resolve_name(name)
            guard token != 0 else { throw RuntimeError("linux.seccomp.architectures[\(i)]: unknown architecture \"\(arch)\"") }
            let r = seccomp_arch_add(ctx, token)
            if r < 0 && r != -EEXIST {
                throw RuntimeError("linux.seccomp.architectures[\(i)]: add \(arch)", errno: -r)
            }
        }
    }

    static func addRule(_ rule: LinuxSyscall, field: String, defaultAction: UInt32, to ctx: scmp_filter_ctx) throws {
        let act = try action(rule.action, errnoRet: rule.errnoRet, field: field + ".action")
        // A rule that does what the default does adds nothing (and
        // libseccomp refuses it).
        if act == defaultAction { return }
        let conditions = try (rule.args ?? []).enumerated().map { j, a -> scmp_arg_cmp in
            guard let op = operators[a.op] else { throw InitPlanCompiler.unvalidated("\(field).args[\(j)].op", a.op) }
            return scmp_arg_cmp(arg: a.index, op: op, datum_a: a.value, datum_b: a.valueTwo ?? 0)
        }
        // libseccomp ANDs the conditions of a rule and allows one per
        // argument: several on one argument mean one rule each (OR),
        // as runc does.
        let indexes = conditions.map(\.arg)
        let groups: [[scmp_arg_cmp]] = Set(indexes).count == indexes.count ? [conditions] : conditions.map { [$0] }
        for name in rule.names {
            let nr = seccomp_syscall_resolve_name(name)
            // Names this kernel/libseccomp does not know are skipped, as runc does.
            if nr == __NR_SCMP_ERROR { continue }
            for group in groups {
                let r = group.withUnsafeBufferPointer {
                    seccomp_rule_add_array(ctx, act, nr, UInt32($0.count), $0.baseAddress)
                }
                if r < 0 && r != -EEXIST {
                    throw RuntimeError("\(field): add the rule for \(name)", errno: -r)
                }
            }
        }
    }

    /// The filter as BPF instructions, through a memfd.
    static func exportFilter(_ ctx: scmp_filter_ctx) throws -> [UInt64] {
        let fd = shim_memfd("swrun-seccomp")
        if fd < 0 { throw RuntimeError("memfd_create for the seccomp filter", errno: -fd) }
        defer { Sys.close(fd) }
        let r = seccomp_export_bpf(ctx, fd)
        if r < 0 { throw RuntimeError("linux.seccomp: export the filter", errno: -r) }
        lseek(fd, 0, SEEK_SET)
        let bytes = try Sys.readAll(fd: fd)
        guard !bytes.isEmpty, bytes.count % 8 == 0 else {
            throw RuntimeError("linux.seccomp: libseccomp produced no filter")
        }
        return bytes.withUnsafeBytes { raw in
            (0..<(bytes.count / 8)).map { raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self) }
        }
    }
}
