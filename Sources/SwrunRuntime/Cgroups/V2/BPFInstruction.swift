/// One eBPF instruction, laid out as the kernel's `struct bpf_insn`:
/// code, dst_reg (low nibble) and src_reg (high nibble), off, imm,
/// 8 bytes little endian.
struct BPFInstruction: Equatable {
    var code: UInt8
    var dst: UInt8
    var src: UInt8 = 0
    var off: Int16 = 0
    var imm: Int32 = 0

    var bytes: [UInt8] {
        let o = UInt16(bitPattern: off), i = UInt32(bitPattern: imm)
        return [code, (src << 4) | (dst & 0x0f), UInt8(o & 0xff), UInt8(o >> 8),
                UInt8(i & 0xff), UInt8((i >> 8) & 0xff), UInt8((i >> 16) & 0xff), UInt8(i >> 24)]
    }

    // Opcodes: class | operation | source (linux/bpf_common.h, linux/bpf.h).
    static let ldxMemW: UInt8 = 0x61    // BPF_LDX | BPF_MEM | BPF_W
    static let movImm32: UInt8 = 0xb4   // BPF_ALU | BPF_MOV | BPF_K
    static let movReg32: UInt8 = 0xbc   // BPF_ALU | BPF_MOV | BPF_X
    static let andImm32: UInt8 = 0x54   // BPF_ALU | BPF_AND | BPF_K
    static let rshImm32: UInt8 = 0x74   // BPF_ALU | BPF_RSH | BPF_K
    // 32-bit compares: BPF_JMP sign-extends imm to 64 bits, so a major or
    // minor of 2^31 or more would never equal the zero-extended field.
    static let jeqImm32: UInt8 = 0x16   // BPF_JMP32 | BPF_JEQ | BPF_K
    static let jneImm32: UInt8 = 0x56   // BPF_JMP32 | BPF_JNE | BPF_K
    static let jneReg32: UInt8 = 0x5e   // BPF_JMP32 | BPF_JNE | BPF_X
    static let exit: UInt8 = 0x95       // BPF_JMP | BPF_EXIT

    /// A jump (not call or exit): its target is `off` past the next instruction.
    var isJump: Bool {
        let cls = code & 0x07, op = code & 0xf0
        return (cls == 0x05 || cls == 0x06) && op != 0x80 && op != 0x90
    }
}
