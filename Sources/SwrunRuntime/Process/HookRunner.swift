import CShim
import Glibc
import OCI

/// Runs OCI hooks in the runtime namespace: the hook gets the container's
/// state JSON on stdin, its own args and env, and is killed after its
/// timeout. Its output is kept for the error message.
enum HookRunner {
    static func run(_ hooks: [Hook]?, kind: String, state: ContainerState) throws {
        for (i, hook) in (hooks ?? []).enumerated() {
            try run(hook, field: "hooks.\(kind)[\(i)]", state: state)
        }
    }

    /// poststart and poststop failures are warnings: the rest go on.
    static func runWarning(_ hooks: [Hook]?, kind: String, state: ContainerState, log: Logger) {
        for (i, hook) in (hooks ?? []).enumerated() {
            do {
                try run(hook, field: "hooks.\(kind)[\(i)]", state: state)
            } catch {
                log.warning("\(error)")
                Stderr.write("swrun: warning: \(error)\n")
            }
        }
    }

    /// Runs one hook through shim_run_hook (hook.c), which the init's
    /// createContainer and startContainer steps use too.
    static func run(_ hook: Hook, field: String, state: ContainerState) throws {
        let stdin = shim_memfd("swrun-hook-state")
        defer { Sys.close(stdin) }
        guard stdin >= 0 else { throw RuntimeError("\(field): memfd_create", errno: -stdin) }
        try Sys.writeAll(stdin, Array(encodeJSONCompact(state)))

        let argv = (hook.args?.isEmpty == false ? hook.args! : [hook.path]).map { strdup($0) } + [nil]
        // Without `env` a hook gets the runtime's environment (runc, crun).
        let envp = (hook.env ?? Sys.environment()).map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var result = shim_hook_result()
        let r = shim_run_hook(hook.path, argv, envp, stdin, Int32(clamping: hook.timeout ?? 0), &result)
        if r < 0 { throw RuntimeError("\(field): run", path: hook.path, errno: -r) }
        if result.timed_out != 0 {
            throw RuntimeError("\(field): \(hook.path) timed out after \(hook.timeout ?? 0) s")
        }
        let status = result.status
        guard status == 0 else {
            let output = withUnsafeBytes(of: result.output) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            let text = output.trimmed
            let how = status & 0x7f == 0 ? "exited with status \((status >> 8) & 0xff)" : "was killed by signal \(status & 0x7f)"
            throw RuntimeError("\(field): \(hook.path) \(how)" + (text.isEmpty ? "" : ": \(text)"))
        }
    }
}

extension HookRunner {
    /// Replaces the hooks' state in the memfd the init shares with us (the
    /// createContainer and startContainer hooks, which the init runs, read
    /// it on their stdin).
    static func writeState(_ state: ContainerState, to fd: Int32) throws {
        guard fd >= 0 else { return }
        if ftruncate(fd, 0) < 0 { throw RuntimeError("truncate the hooks' state memfd", errno: errno) }
        let bytes = encodeJSONCompactBytes(state)
        let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        if n != bytes.count { throw RuntimeError("write the hooks' state memfd", errno: n < 0 ? errno : EIO) }
    }
}
