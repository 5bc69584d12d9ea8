import OCI

/// The device cgroup rules of a container, in order: the config's own
/// (`linux.resources.devices`), then the devices every container may use
/// (those swrun creates, the pty ones), as runc orders them. The v1 devices
/// controller takes them as lines.
public struct DeviceRule: Equatable {
    public var allow: Bool
    public var type: String      // a, c or b
    public var major: Int64?     // nil: any
    public var minor: Int64?
    public var access: String

    public init(allow: Bool, type: String, major: Int64?, minor: Int64?, access: String) {
        self.allow = allow
        self.type = type
        self.major = major
        self.minor = minor
        self.access = access
    }

    /// "c 1:3 rwm" as devices.allow and devices.deny read it.
    public var v1Line: String {
        func n(_ x: Int64?) -> String { x.map(String.init) ?? "*" }
        return "\(type) \(n(major)):\(n(minor)) \(access)"
    }

    /// The devices every container may use, with the path that names each
    /// in the container (nil for the wildcard mknod rules).
    static let defaultAllowed: [(path: String?, rule: DeviceRule)] = [
        (nil, DeviceRule(allow: true, type: "c", major: nil, minor: nil, access: "m")),
        (nil, DeviceRule(allow: true, type: "b", major: nil, minor: nil, access: "m")),
        ("/dev/null", DeviceRule(allow: true, type: "c", major: 1, minor: 3, access: "rwm")),
        ("/dev/random", DeviceRule(allow: true, type: "c", major: 1, minor: 8, access: "rwm")),
        ("/dev/full", DeviceRule(allow: true, type: "c", major: 1, minor: 7, access: "rwm")),
        ("/dev/tty", DeviceRule(allow: true, type: "c", major: 5, minor: 0, access: "rwm")),
        ("/dev/zero", DeviceRule(allow: true, type: "c", major: 1, minor: 5, access: "rwm")),
        ("/dev/urandom", DeviceRule(allow: true, type: "c", major: 1, minor: 9, access: "rwm")),
        ("/dev/console", DeviceRule(allow: true, type: "c", major: 5, minor: 1, access: "rwm")),
        ("/dev/pts", DeviceRule(allow: true, type: "c", major: 136, minor: nil, access: "rwm")),
        ("/dev/ptmx", DeviceRule(allow: true, type: "c", major: 5, minor: 2, access: "rwm")),
        ("/dev/net/tun", DeviceRule(allow: true, type: "c", major: 10, minor: 200, access: "rwm")),
    ]

    static let defaults: [DeviceRule] = defaultAllowed.map(\.rule)

    public static func rules(for spec: Spec) throws -> [DeviceRule] {
        var out: [DeviceRule] = []
        for (i, d) in (spec.linux?.resources?.devices ?? []).enumerated() {
            let field = "linux.resources.devices[\(i)]"
            let type = d.type ?? "a"
            guard ["a", "c", "b"].contains(type) else {
                throw RuntimeError("\(field).type: unknown device type \"\(type)\" (want a, c or b)")
            }
            let access = d.access ?? "rwm"
            guard !access.isEmpty, access.allSatisfy({ "rwm".contains($0) }) else {
                throw RuntimeError("\(field).access: invalid access \"\(access)\" (want letters of rwm)")
            }
            // -1 is "any" (`*`), as Docker writes `--device-cgroup-rule 'c 42:* rwm'`.
            func number(_ n: Int64?) -> Int64? { n == -1 ? nil : n }
            out.append(DeviceRule(allow: d.allow, type: type, major: number(d.major), minor: number(d.minor), access: access))
        }
        // `linux.devices` makes nodes, it grants nothing: access to them is
        // what `linux.resources.devices` allows (runc does the same). A
        // listed path that is also a default device takes the default's
        // place, so the config's own rules decide it.
        let listed = Set((spec.linux?.devices ?? []).map(\.path))
        out += defaultAllowed.filter { $0.path.map { !listed.contains($0) } ?? true }.map(\.rule)
        return out
    }
}

extension DeviceRule {
    static var noController: RuntimeError {
        RuntimeError("linux.resources.devices: this host has neither a v1 devices controller nor a cgroup v2 hierarchy to enforce device rules with")
    }
}
