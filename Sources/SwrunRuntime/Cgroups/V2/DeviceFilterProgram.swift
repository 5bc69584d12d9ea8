/// The BPF_PROG_TYPE_CGROUP_DEVICE program for an emulated devices state.
/// The kernel calls it with r1 = `struct bpf_cgroup_dev_ctx { u32
/// access_type; u32 major; u32 minor; }` on each device open and mknod;
/// it returns 1 to allow, 0 to deny (EPERM).
///
/// It loads type, access, major and minor into r2..r5, then has one block
/// per exception that jumps to the next block on a mismatch and returns
/// the opposite of the default on a match; the end returns the default.
enum DeviceFilterProgram {
    // bpf_cgroup_dev_ctx.access_type: type in the low 16 bits.
    static let devBlock: Int32 = 1   // BPF_DEVCG_DEV_BLOCK
    static let devChar: Int32 = 2    // BPF_DEVCG_DEV_CHAR

    static func instructions(for state: DeviceEmulator) -> [BPFInstruction] {
        typealias I = BPFInstruction
        var prog: [I] = [
            I(code: I.ldxMemW, dst: 2, src: 1, off: 0),
            I(code: I.andImm32, dst: 2, imm: 0xffff),
            I(code: I.ldxMemW, dst: 3, src: 1, off: 0),
            I(code: I.rshImm32, dst: 3, imm: 16),
            I(code: I.ldxMemW, dst: 4, src: 1, off: 4),
            I(code: I.ldxMemW, dst: 5, src: 1, off: 8),
        ]
        for ex in state.exceptions where !ex.access.isEmpty {
            var block = [I(code: I.jneImm32, dst: 2, imm: ex.type == .block ? devBlock : devChar)]
            // The kernel never asks about an empty access (it allows
            // those before calling), so full access needs no test.
            if ex.access != .all {
                block += [I(code: I.movReg32, dst: 1, src: 3),
                          I(code: I.andImm32, dst: 1, imm: Int32(ex.access.rawValue))]
                // Whitelist: the exception must grant all that is asked
                // (match_exception); blacklist: any of it (match_exception_partial).
                block.append(state.defaultAllow ? I(code: I.jeqImm32, dst: 1, imm: 0)
                                                : I(code: I.jneReg32, dst: 1, src: 3))
            }
            if let major = ex.major { block.append(I(code: I.jneImm32, dst: 4, imm: Int32(bitPattern: major))) }
            if let minor = ex.minor { block.append(I(code: I.jneImm32, dst: 5, imm: Int32(bitPattern: minor))) }
            block += returning(!state.defaultAllow)
            // Every test above skips to the end of the block.
            for i in block.indices where block[i].isJump {
                block[i].off = Int16(block.count - i - 1)
            }
            prog += block
        }
        return prog + returning(state.defaultAllow)
    }

    private static func returning(_ allow: Bool) -> [BPFInstruction] {
        [BPFInstruction(code: BPFInstruction.movImm32, dst: 0, imm: allow ? 1 : 0),
         BPFInstruction(code: BPFInstruction.exit, dst: 0)]
    }
}
