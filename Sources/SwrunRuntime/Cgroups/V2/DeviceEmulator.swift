/// What the v1 devices controller would hold after the container's device
/// rules: a default (allow or deny everything) and the exceptions to it.
/// cgroup v2 has no such controller; its eBPF program is built from this
/// state so that a container sees the same devices on either version.
struct DeviceEmulator: Equatable {
    enum DeviceType: Equatable { case char, block }

    /// The bits are the kernel's BPF_DEVCG_ACC_* values.
    struct Access: OptionSet, Equatable {
        let rawValue: UInt32
        static let mknod = Access(rawValue: 1)
        static let read = Access(rawValue: 2)
        static let write = Access(rawValue: 4)
        static let all: Access = [.mknod, .read, .write]
    }

    struct Exception: Equatable {
        var type: DeviceType
        var major: UInt32?   // nil: any
        var minor: UInt32?
        var access: Access
    }

    /// HybridCgroupManager writes `devices.deny a` before the rules.
    var defaultAllow = false
    var exceptions: [Exception] = []

    init(defaultAllow: Bool = false, exceptions: [Exception] = []) {
        self.defaultAllow = defaultAllow
        self.exceptions = exceptions
    }

    init(rules: [DeviceRule]) throws {
        for rule in rules { try apply(rule) }
    }

    /// One devices.allow or devices.deny write, as the kernel handles it.
    mutating func apply(_ rule: DeviceRule) throws {
        if rule.type == "a" {
            // The kernel reads nothing after "a": numbers and access are ignored.
            defaultAllow = rule.allow
            exceptions = []
            return
        }
        let ex = try Exception(rule)
        let same = exceptions.firstIndex { $0.type == ex.type && $0.major == ex.major && $0.minor == ex.minor }
        if rule.allow != defaultAllow {
            if let i = same { exceptions[i].access.formUnion(ex.access) } else { exceptions.append(ex) }
        } else if let i = same {
            // A rule agreeing with the default only takes bits away from
            // an exception with exactly its type and numbers.
            exceptions[i].access.subtract(ex.access)
            if exceptions[i].access.isEmpty { exceptions.remove(at: i) }
        }
    }
}

extension DeviceEmulator.Exception {
    init(_ rule: DeviceRule) throws {
        func number(_ name: String, _ n: Int64?) throws -> UInt32? {
            guard let n else { return nil }
            guard let v = UInt32(exactly: n) else {
                throw RuntimeError("device rule \"\(rule.v1Line)\": \(name) \(n) is outside 0...\(UInt32.max)")
            }
            return v
        }
        switch rule.type {
        case "c": type = .char
        case "b": type = .block
        default: throw RuntimeError("device rule \"\(rule.v1Line)\": unknown device type \"\(rule.type)\" (want a, c or b)")
        }
        major = try number("major", rule.major)
        minor = try number("minor", rule.minor)
        access = []
        for letter in rule.access {
            switch letter {
            case "r": access.insert(.read)
            case "w": access.insert(.write)
            case "m": access.insert(.mknod)
            default: throw RuntimeError("device rule \"\(rule.v1Line)\": invalid access \"\(rule.access)\" (want letters of rwm)")
            }
        }
    }
}
