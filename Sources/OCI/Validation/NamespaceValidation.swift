import FoundationEssentials

/// Namespace types must be known and unique; paths absolute.
func checkNamespaces(_ spec: Spec) -> [SpecError] {
    var errors: [SpecError] = []
    var seen: [String: Int] = [:]
    for (i, ns) in (spec.linux?.namespaces ?? []).enumerated() {
        let path = "linux.namespaces[\(i)]"
        if ns.kind == nil {
            let known = NamespaceKind.allCases.map(\.rawValue)
            errors.append(problem("\(path).type", "unknown namespace type \(quoted(ns.type)), expected one of \(oneOf(known))"))
        }
        if let first = seen[ns.type] {
            errors.append(problem("\(path).type", "duplicate namespace \(quoted(ns.type)), already listed at linux.namespaces[\(first)]"))
        } else {
            seen[ns.type] = i
        }
        if let nsPath = ns.path, !isAbsolute(nsPath) {
            errors.append(problem("\(path).path", "must be an absolute path, got \(quoted(nsPath))"))
        }
    }
    return errors
}

/// uid/gid mappings (even empty lists) need a user namespace, and a new
/// user namespace needs both mappings (as in runc).
func checkUserNamespaceMappings(_ spec: Spec) -> [SpecError] {
    let uidMappings = spec.linux?.uidMappings ?? []
    let gidMappings = spec.linux?.gidMappings ?? []
    guard let userNS = spec.linux?.namespace(.user) else {
        var errors: [SpecError] = []
        if spec.linux?.uidMappings != nil {
            errors.append(problem("linux.uidMappings", "requires a user namespace (\(missingNamespace(.user)))"))
        }
        if spec.linux?.gidMappings != nil {
            errors.append(problem("linux.gidMappings", "requires a user namespace (\(missingNamespace(.user)))"))
        }
        return errors
    }
    guard userNS.path == nil else { return [] }
    var errors: [SpecError] = []
    if uidMappings.isEmpty {
        errors.append(problem("linux.uidMappings", "is required with a new user namespace"))
    }
    if gidMappings.isEmpty {
        errors.append(problem("linux.gidMappings", "is required with a new user namespace"))
    }
    return errors
}

/// hostname and domainname need a uts namespace of the container's own:
/// a new one, or one joined by path, where they are then set (as runc
/// does); never the runtime's.
func checkUTSNamespace(_ spec: Spec) -> [SpecError] {
    guard spec.linux?.namespace(.uts) == nil else { return [] }
    var errors: [SpecError] = []
    for (name, value) in [("hostname", spec.hostname), ("domainname", spec.domainname)] {
        if let value, !value.isEmpty {
            errors.append(problem(name, "requires a uts namespace (\(missingNamespace(.uts)))"))
        }
    }
    return errors
}

/// Without a mount namespace (new or joined) the container shares the
/// runtime's mount table: it is only chrooted into its rootfs. What would
/// change that table is refused: masks and read-only paths (as runc:
/// they would cover the host's /proc), and, unlike runc, which makes them
/// in the host's namespace where they outlive the container, `mounts`, a
/// read-only root and a root propagation.
func checkMountNamespaceNeeds(_ spec: Spec) -> [SpecError] {
    guard spec.linux?.namespace(.mount) == nil else { return [] }
    let why = "requires a mount namespace (\(missingNamespace(.mount)))"
    var errors: [SpecError] = []
    if !(spec.mounts ?? []).isEmpty {
        errors.append(problem("mounts", "\(why): swrun does not mount in the runtime's own mount namespace"))
    }
    if spec.root?.readonly == true {
        errors.append(problem("root.readonly", why))
    }
    for (name, set) in [("linux.maskedPaths", spec.linux?.maskedPaths), ("linux.readonlyPaths", spec.linux?.readonlyPaths)]
    where !(set ?? []).isEmpty {
        errors.append(problem(name, why))
    }
    if let p = spec.linux?.rootfsPropagation, !p.isEmpty {
        errors.append(problem("linux.rootfsPropagation", why))
    }
    return errors
}

/// timeOffsets need a new time namespace and name known clocks.
func checkTimeOffsets(_ spec: Spec) -> [SpecError] {
    guard let offsets = spec.linux?.timeOffsets, !offsets.isEmpty else { return [] }
    var errors: [SpecError] = []
    if let timeNS = spec.linux?.namespace(.time) {
        if timeNS.path != nil {
            errors.append(problem("linux.timeOffsets", "cannot be applied when joining an existing time namespace"))
        }
    } else {
        errors.append(problem("linux.timeOffsets", "requires a new time namespace (\(missingNamespace(.time)))"))
    }
    for clock in offsets.keys.sorted() {
        let path = JSONPath.key("linux.timeOffsets", clock)
        if !LinuxTimeOffset.knownClocks.contains(clock) {
            errors.append(problem(path, "unknown clock \(quoted(clock)), expected one of \(oneOf(LinuxTimeOffset.knownClocks))"))
        }
        if let nanosecs = offsets[clock]?.nanosecs, nanosecs >= 1_000_000_000 {
            errors.append(problem("\(path).nanosecs", "must be less than 1000000000, got \(nanosecs)"))
        }
    }
    return errors
}

// MARK: - sysctl

/// sysctl keys must not be empty, and must name a file under /proc/sys:
/// printable ASCII without "/", "..", spaces or control characters.
func checkSysctlKeys(_ spec: Spec) -> [SpecError] {
    guard let sysctl = spec.linux?.sysctl else { return [] }
    var errors: [SpecError] = []
    for key in sysctl.keys.sorted() {
        if key.isEmpty {
            errors.append(problem(JSONPath.key("linux.sysctl", ""), "keys must not be empty"))
        } else if key.contains("..") || key.contains("/") || !key.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) {
            errors.append(problem(JSONPath.key("linux.sysctl", key), "invalid key \(quoted(key)): want a name such as net.ipv4.ip_forward"))
        }
    }
    return errors
}

/// IPC sysctls (besides `fs.mqueue.*`) that live in the ipc namespace.
let ipcSysctls: Set<String> = [
    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
    "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
]

/// The namespace a sysctl belongs to; nil for one the kernel does not
/// namespace (setting it changes the host).
public func sysctlNamespace(_ key: String) -> NamespaceKind? {
    if ipcSysctls.contains(key) || key.hasPrefix("fs.mqueue.") { return .ipc }
    if key.hasPrefix("net.") { return .network }
    if key == "kernel.hostname" || key == "kernel.domainname" { return .uts }
    return nil
}

/// A sysctl may only be set when the namespace it belongs to is the
/// container's own; otherwise it would change the host (runc's rule).
func checkSysctlNamespaces(_ spec: Spec) -> [SpecError] {
    var errors: [SpecError] = []
    for key in (spec.linux?.sysctl ?? [:]).keys.sorted() where !key.isEmpty {
        let path = JSONPath.key("linux.sysctl", key)
        guard let needed = sysctlNamespace(key) else {
            errors.append(problem(path, "is not namespaced; setting it would change the host"))
            continue
        }
        if key == "kernel.hostname" {
            // runc: "sysctl kernel.hostname is not allowed as it conflicts with the OCI hostname field"
            errors.append(problem(path, "is not allowed as it conflicts with the OCI \"hostname\" field"))
        } else if !hasNamespace(spec, needed) {
            errors.append(problem(path, "requires \(needed == .ipc ? "an" : "a") \(needed.rawValue) namespace (\(missingNamespace(needed)))"))
        }
    }
    return errors
}

// MARK: - Network devices

/// A usable network interface name: 1 to 15 bytes, no `/`, `:` or
/// whitespace, not `.` or `..`.
func isValidInterfaceName(_ name: String) -> Bool {
    !name.isEmpty && name.utf8.count < 16 && name != "." && name != ".."
        && !name.contains(where: { $0 == "/" || $0 == ":" || $0.isWhitespace })
}

/// netDevices need a network namespace and valid interface names.
func checkNetDevices(_ spec: Spec) -> [SpecError] {
    guard let devices = spec.linux?.netDevices, !devices.isEmpty else { return [] }
    var errors: [SpecError] = []
    if !hasNamespace(spec, .network) {
        errors.append(problem("linux.netDevices", "requires a network namespace (\(missingNamespace(.network)))"))
    }
    for hostName in devices.keys.sorted() {
        let path = JSONPath.key("linux.netDevices", hostName)
        if !isValidInterfaceName(hostName) {
            errors.append(problem(path, "invalid interface name \(quoted(hostName))"))
        }
        if let name = devices[hostName]?.name, !isValidInterfaceName(name) {
            errors.append(problem("\(path).name", "invalid interface name \(quoted(name))"))
        }
    }
    return errors
}
