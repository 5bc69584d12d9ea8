/// `linux.cgroupsPath` in the systemd driver's form `slice:prefix:name`,
/// parsed as runc parses it: the slice, and the scope the container gets.
/// An empty slice is the manager's default: system.slice, or user.slice in
/// a user manager. Refused, naming both, where systemd is not pid 1.
public struct SystemdCgroupPath: Equatable {
    public var slice: String
    public var unit: String

    public init(slice: String, unit: String) {
        self.slice = slice
        self.unit = unit
    }

    /// The unit of a scope's recorded directory ("/sys/fs/cgroup/a.slice/a-b.slice/x.scope").
    init(scopeDirectory dir: String) {
        let parts = dir.split(separator: "/")
        self.init(slice: parts.dropLast().last.map(String.init) ?? "-.slice", unit: parts.last.map(String.init) ?? "")
    }

    /// `nil` when `path` is not in the systemd form.
    public static func parse(_ path: String, defaultSlice: String = "system.slice") throws -> SystemdCgroupPath? {
        let parts = path.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 else { return nil }
        let (slice, prefix, name) = (parts[0].isEmpty ? defaultSlice : parts[0], parts[1], parts[2])
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

    /// The slice's cgroup below the root: systemd nests a slice in the
    /// slice its name's dashes spell ("a-b.slice" is in "a.slice").
    public var sliceCgroup: String {
        let name = slice.dropLast(".slice".count)
        guard name != "-" else { return "" }
        var path = ""
        var prefix = ""
        for part in name.split(separator: "-") {
            prefix += prefix.isEmpty ? String(part) : "-" + part
            path += "/" + prefix + ".slice"
        }
        return path
    }

    /// The unit's cgroup below its manager's (the root for the system one).
    public var cgroup: String { sliceCgroup + "/" + unit }

    /// Why swrun cannot place a container there.
    public static func refusal(_ path: String?, id: String, systemdFlag: Bool, systemdIsInit: Bool,
                               defaultSlice: String = "system.slice") throws {
        let given = (path ?? "").isEmpty ? nil : path
        let text = given ?? "\(defaultSlice):swrun:\(id)"
        guard let parsed = try parse(text, defaultSlice: defaultSlice) else {
            guard systemdFlag else { return }
            throw RuntimeError("linux.cgroupsPath: --systemd-cgroup expects the form slice:prefix:name, got \"\(text)\"")
        }
        guard systemdFlag || given != nil else { return }
        if systemdIsInit {
            guard parsed.unit.hasSuffix(".scope") else {
                throw RuntimeError("linux.cgroupsPath \"\(text)\": a slice as the container's own unit (\(parsed.unit)) is not supported; name a scope")
            }
            return
        }
        throw RuntimeError("linux.cgroupsPath \"\(text)\": the systemd cgroup driver (slice \(parsed.slice), unit \(parsed.unit)) is not supported: systemd is not pid 1 on this host, so it manages no cgroups")
    }

    /// The unit a new container gets: its cgroupsPath in the systemd form,
    /// or with `--systemd-cgroup` and no path, "SLICE:swrun:ID" in the
    /// default slice (runc uses its own name there too). `nil`: not a
    /// systemd container.
    public static func forNewContainer(_ cgroupsPath: String?, id: String, systemdFlag: Bool,
                                       defaultSlice: String = "system.slice") throws -> SystemdCgroupPath? {
        let given = (cgroupsPath ?? "").isEmpty ? nil : cgroupsPath
        if let given { return try parse(given, defaultSlice: defaultSlice) }
        return systemdFlag ? try parse("\(defaultSlice):swrun:\(id)") : nil
    }
}
