/// `linux.cgroupsPath` in the systemd driver's form `slice:prefix:name`,
/// parsed as runc parses it, so that refusing it can say what it means.
/// swrun has no systemd driver: such a path is always refused, naming the
/// slice and unit and why (systemd is not pid 1, or the driver is missing).
public struct SystemdCgroupPath: Equatable {
    public var slice: String
    public var unit: String

    /// `nil` when `path` is not in the systemd form.
    public static func parse(_ path: String) throws -> SystemdCgroupPath? {
        let parts = path.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 else { return nil }
        let (slice, prefix, name) = (parts[0].isEmpty ? "system.slice" : parts[0], parts[1], parts[2])
        guard slice.hasSuffix(".slice"), !slice.contains("/"), slice != ".slice" else {
            throw RuntimeError("linux.cgroupsPath \"\(path)\": the slice \"\(slice)\" must be a unit name ending in .slice")
        }
        guard !name.isEmpty, !name.contains("/"), !prefix.contains("/") else {
            throw RuntimeError("linux.cgroupsPath \"\(path)\": the name after the last ':' must be non-empty, without '/'")
        }
        // A name that is itself a slice is used as is; else a scope.
        let unit = name.hasSuffix(".slice") ? name : (prefix.isEmpty ? name : prefix + "-" + name) + ".scope"
        return SystemdCgroupPath(slice: slice, unit: unit)
    }

    /// Why swrun cannot place a container there.
    public static func refusal(_ path: String?, id: String, systemdFlag: Bool, systemdIsInit: Bool) throws {
        let given = (path ?? "").isEmpty ? nil : path
        let text = given ?? "system.slice:swrun:\(id)"
        guard let parsed = try parse(text) else {
            guard systemdFlag else { return }
            throw RuntimeError("linux.cgroupsPath: --systemd-cgroup expects the form slice:prefix:name, got \"\(text)\"")
        }
        guard systemdFlag || given != nil else { return }
        let why = systemdIsInit ? "swrun has no systemd cgroup driver yet (use cgroupfs paths without --systemd-cgroup)"
                                : "systemd is not pid 1 on this host, so it manages no cgroups"
        throw RuntimeError("linux.cgroupsPath \"\(text)\": the systemd cgroup driver (slice \(parsed.slice), unit \(parsed.unit)) is not supported: \(why)")
    }
}
