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
                let line = Array("swrun: warning: \(error)\n".utf8)
                _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
            }
        }
    }

    static func run(_ hook: Hook, field: String, state: ContainerState) throws {
        let input = Array(encodeJSONCompact(state))
        let stdin = shim_memfd("swrun-hook-state")
        let output = shim_memfd("swrun-hook-output")
        defer { Sys.close(stdin); Sys.close(output) }
        guard stdin >= 0, output >= 0 else { throw RuntimeError("\(field): memfd_create", errno: -min(stdin, output)) }
        try Sys.writeAll(stdin, input)
        lseek(stdin, 0, SEEK_SET)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        // swrun run blocks signals for its wait loop: the hook gets none blocked.
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK))
        let argv = (hook.args?.isEmpty == false ? hook.args! : [hook.path]).map { strdup($0) } + [nil]
        // Without `env` a hook gets the runtime's environment (runc, crun).
        let envp = (hook.env ?? Sys.environment()).map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let r = posix_spawn(&pid, hook.path, &actions, &attr, argv, envp)
        if r != 0 { throw RuntimeError("\(field): run", path: hook.path, errno: r) }

        var status: Int32 = 0
        let deadline = hook.timeout.map { Clock.monotonicMillis() + Int64($0) * 1000 }
        var delay = 1
        while true {
            let w = shim_waitpid(pid, &status, WNOHANG)
            if w == pid { break }
            if let deadline, Clock.monotonicMillis() > deadline {
                kill(pid, SIGKILL)
                _ = shim_waitpid(pid, &status, 0)
                throw RuntimeError("\(field): \(hook.path) timed out after \(hook.timeout!) s")
            }
            Sys.sleepMillis(delay)
            delay = min(delay * 2, 20)
        }
        guard status == 0 else {
            lseek(output, 0, SEEK_SET)
            let text = String(decoding: (try? Sys.readAll(fd: output)) ?? [], as: UTF8.self).trimmed
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
