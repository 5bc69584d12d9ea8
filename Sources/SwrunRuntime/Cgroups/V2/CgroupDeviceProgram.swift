import CShim
import Glibc

/// The device rules of a cgroup v2 container: an eBPF program attached
/// to its cgroup directory, which the kernel runs on every device open
/// and mknod in that cgroup and below.
struct CgroupDeviceProgram {
    var instructions: [BPFInstruction]

    init(instructions: [BPFInstruction]) {
        self.instructions = instructions
    }

    init(rules: [DeviceRule]) throws {
        instructions = DeviceFilterProgram.instructions(for: try DeviceEmulator(rules: rules))
    }

    /// Hands the program to the verifier; returns its fd (close-on-exec).
    func load() throws -> Int32 {
        let code = instructions.flatMap(\.bytes)
        var log = [CChar](repeating: 0, count: 1 << 16)
        let fd = code.withUnsafeBytes { insns in
            log.withUnsafeMutableBufferPointer {
                shim_bpf_load_device_prog(insns.baseAddress, UInt32(instructions.count), $0.baseAddress, UInt32($0.count))
            }
        }
        if fd < 0 {
            // The reason is at the end of the log, after the instructions it walked.
            let lines = String(cString: log).split(separator: "\n").suffix(6)
            let verifier = lines.isEmpty ? "no log" : lines.joined(separator: "; ")
            throw RuntimeError("load cgroup device program (verifier: \(verifier))", errno: -fd)
        }
        return fd
    }

    /// Loads and attaches it. Other programs may stay attached beside it
    /// (BPF_F_ALLOW_MULTI); a device is usable only if all of them allow it.
    func attach(to dir: String) throws {
        let prog = try load()
        defer { Sys.close(prog) }
        let cgroup = try Sys.open(dir, O_RDONLY | O_DIRECTORY)
        defer { Sys.close(cgroup) }
        let allowMulti: UInt32 = 1 << 1  // BPF_F_ALLOW_MULTI
        let r = shim_bpf_attach_cgroup(cgroup, prog, allowMulti)
        if r < 0 { throw RuntimeError("attach cgroup device program to", path: dir, errno: -r) }
    }
}
