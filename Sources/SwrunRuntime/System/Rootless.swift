import Glibc

/// runc's rules for a caller that is not root: where the state goes by
/// default, and what `--rootless` (true, false, auto) turns on.
public enum Rootless {
    /// Whether this process is in a user namespace other than the initial
    /// one (whose uid_map maps all 2^32 ids onto themselves).
    public static func inUserNamespace() -> Bool {
        guard let text = try? Sys.readText("/proc/self/uid_map") else { return false }
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        return fields != ["0", "0", "4294967295"]
    }

    /// `$XDG_RUNTIME_DIR/swrun` is the default root for a user other than
    /// root, and for root in a user namespace unless USER is root (runc's
    /// `shouldHonorXDGRuntimeDir`).
    public static func honorsXDGRuntimeDir() -> Bool {
        if geteuid() != 0 { return true }
        guard inUserNamespace() else { return false }
        return getenv("USER").map { String(cString: $0) != "root" } ?? true
    }

    /// The state root when `--root` is not given; under
    /// $XDG_RUNTIME_DIR when `xdg` comes back true.
    public static func stateRoot() throws -> (path: String, xdg: Bool) {
        guard honorsXDGRuntimeDir() else { return ("/run/swrun", false) }
        if let xdg = getenv("XDG_RUNTIME_DIR").map({ String(cString: $0) }), !xdg.isEmpty {
            return (xdg + "/swrun", true)
        }
        guard geteuid() == 0 else {
            throw RuntimeError("no state directory: --root is not given and XDG_RUNTIME_DIR is not set (uid \(geteuid()) cannot use root's /run/swrun; set one of them)")
        }
        return ("/run/swrun", false)
    }

    /// `--rootless VALUE`: nil for auto ("" or "auto", any case), else the
    /// boolean as Go's strconv.ParseBool reads it.
    public static func parse(_ value: String?) throws -> Bool? {
        guard let value, !value.isEmpty, value.lowercased() != "auto" else { return nil }
        switch value {
        case "1", "t", "T", "TRUE", "true", "True": return true
        case "0", "f", "F", "FALSE", "false", "False": return false
        default: throw RuntimeError("--rootless: invalid value \"\(value)\": want true, false or auto")
        }
    }

    /// Whether cgroups are the caller's own (runc's
    /// `shouldUseRootlessCgroupManager`): asked for, or auto and not root
    /// in the initial user namespace. Then permission errors are tolerated,
    /// and --systemd-cgroup means the caller's systemd user manager. Root
    /// in a user namespace is rootless with --systemd-cgroup when its uid
    /// is not root outside (runc asks the user bus for its owner's uid).
    public static func cgroups(flag: Bool?, systemd: Bool) -> Bool {
        if let flag { return flag }
        if geteuid() != 0 { return true }
        guard inUserNamespace() else { return false }
        return !systemd || hostUID() != 0
    }

    /// This process's effective uid as the parent user namespace sees it
    /// (through /proc/self/uid_map): the uid a peer outside it, such as
    /// systemd, reads from the socket. One level: from a nested user
    /// namespace it is the uid one level up. The overflow uid 65534 when
    /// the map has no entry for it.
    public static func hostUID() -> UInt32 {
        let euid = UInt64(geteuid())
        let text = (try? Sys.readText("/proc/self/uid_map")) ?? ""
        for line in text.split(separator: "\n") {
            let f = line.split(separator: " ").compactMap { UInt64($0) }
            guard f.count == 3, euid >= f[0], euid - f[0] < f[2] else { continue }
            return UInt32(truncatingIfNeeded: f[1] + (euid - f[0]))
        }
        return text.isEmpty ? UInt32(euid) : 65534
    }
}
