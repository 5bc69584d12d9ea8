/// The container's device rules as unit properties, for systemd on v1
/// controllers (runc's mapping): there systemd rewrites the scope's
/// devices cgroup from the unit on every daemon-reload, and a unit with no
/// device settings gets "a *:* rwm", every device. DevicePolicy=strict
/// with a DeviceAllow= entry per allowed device keeps the container's set.
enum SystemdDeviceProperties {
    static func properties(_ rules: [DeviceRule], procDevices: String) throws -> [(String, DBusValue)] {
        let emulated = try DeviceEmulator(rules: rules)
        if emulated.defaultAllow {
            // systemd has no deny list: all devices, or (with denied
            // exceptions) none but what the files then allow, as runc.
            return emulated.exceptions.isEmpty
                ? [("DevicePolicy", .string("auto")), ("DeviceAllow", .stringPairs([]))]
                : [("DeviceAllow", .stringPairs([])), ("DevicePolicy", .string("strict"))]
        }
        var allow: [(String, String)] = []
        for ex in emulated.exceptions {
            guard let entry = entry(ex, procDevices: procDevices) else { continue }
            var perms = ""
            if ex.access.contains(.read) { perms += "r" }
            if ex.access.contains(.write) { perms += "w" }
            if ex.access.contains(.mknod) { perms += "m" }
            allow.append((entry, perms))
        }
        // The empty list first clears what the unit allowed before.
        return [("DeviceAllow", .stringPairs([])), ("DevicePolicy", .string("strict")), ("DeviceAllow", .stringPairs(allow))]
    }

    /// systemd's name for an exception: /dev/char/M:m for one device,
    /// char-NAME for a major's group (/proc/devices), char-* for all; nil
    /// where systemd has none (a minor without a major).
    static func entry(_ ex: DeviceEmulator.Exception, procDevices: String) -> String? {
        let kind = ex.type == .char ? "char" : "block"
        switch (ex.major, ex.minor) {
        case (nil, nil): return kind + "-*"
        case (nil, _): return nil
        case let (major?, nil): return group(kind, major: major, procDevices: procDevices).map { kind + "-" + $0 }
        case let (major?, minor?): return "/dev/\(kind)/\(major):\(minor)"
        }
    }

    /// The driver name of `major` in /proc/devices' section for `kind`.
    static func group(_ kind: String, major: UInt32, procDevices: String) -> String? {
        let section = kind == "char" ? "Character devices:" : "Block devices:"
        var inSection = false
        for line in procDevices.split(separator: "\n") {
            if line.hasSuffix("devices:") { inSection = line == section; continue }
            guard inSection else { continue }
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            if f.count == 2, UInt32(f[0]) == major { return String(f[1]) }
        }
        return nil
    }
}
