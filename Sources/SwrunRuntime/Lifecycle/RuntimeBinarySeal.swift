import CShim
import Glibc
import OCI

/// Keeps the host's swrun out of reach of container processes. Every
/// clone that enters a container is non-dumpable until its execve
/// (shim_spawn), which bars /proc/PID/exe and /proc/PID/fd to any process
/// without CAP_SYS_PTRACE over the host's user namespace. A container that
/// may hold that capability gets the second guard: swrun re-executes from a
/// read-only mount of itself (Sources/CShim/exe_seal.c), so the binary a
/// container can open cannot be written. Only then: it costs an exec.
enum RuntimeBinarySeal {
    /// Marks a container into which an exec granted CAP_SYS_PTRACE beyond
    /// its config: every later exec runs sealed too.
    static let marker = "ptrace-granted"

    /// Whether a process with these capabilities could reach a swrun clone:
    /// CAP_SYS_PTRACE in any set (a root process gains its bounding set by
    /// exec), and no user namespace of its own (which would scope it).
    static func exposes(_ caps: LinuxCapabilities?, ownUserNamespace: Bool) -> Bool {
        guard !ownUserNamespace, let c = caps else { return false }
        return [c.bounding, c.effective, c.permitted, c.inheritable, c.ambient].contains { ($0 ?? []).contains("CAP_SYS_PTRACE") }
    }

    /// Returns at once when this process already runs sealed; else
    /// re-executes it so and returns only on failure.
    static func ensure() throws {
        if shim_exe_is_sealed() == 1 { return }
        let r = shim_reexec_sealed(CommandLine.unsafeArgv, environ)
        throw RuntimeError("run swrun from a read-only mount of itself for a container holding CAP_SYS_PTRACE "
            + "(open_tree, mount_setattr, execveat /proc/self/exe)", errno: -r)
    }
}
