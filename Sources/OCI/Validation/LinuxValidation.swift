import FoundationEssentials

// MARK: - Devices

/// Device nodes: type c/b/u/p, absolute path, numbers unless a fifo.
func checkDevices(_ spec: Spec) -> [SpecError] {
    var errors: [SpecError] = []
    for (i, device) in (spec.linux?.devices ?? []).enumerated() {
        let path = "linux.devices[\(i)]"
        if device.kind == nil {
            errors.append(problem("\(path).type", "must be one of c, b, u, p, got \(quoted(device.type))"))
        }
        if !isAbsolute(device.path) {
            errors.append(problem("\(path).path", "must be an absolute path, got \(quoted(device.path))"))
        }
        if device.kind?.needsNumbers == true {
            if device.major == nil {
                errors.append(problem("\(path).major", "is required for device type \(quoted(device.type))"))
            }
            if device.minor == nil {
                errors.append(problem("\(path).minor", "is required for device type \(quoted(device.type))"))
            }
        }
    }
    return errors
}

// MARK: - Seccomp

let actionsWithErrno = ["SCMP_ACT_ERRNO", "SCMP_ACT_TRACE"]

/// Seccomp names must be known to libseccomp; rules need syscall names;
/// errno values only with actions that return one.
func checkSeccomp(_ spec: Spec) -> [SpecError] {
    guard let seccomp = spec.linux?.seccomp else { return [] }
    let base = "linux.seccomp"
    var errors: [SpecError] = []
    if !LinuxSeccomp.knownActions.contains(seccomp.defaultAction) {
        errors.append(problem("\(base).defaultAction", "unknown action \(quoted(seccomp.defaultAction))"))
    } else if seccomp.defaultAction == "SCMP_ACT_NOTIFY" {
        // The filter would catch the runtime's own calls before it hands
        // the listener fd over (runc refuses it too).
        errors.append(problem("\(base).defaultAction", "SCMP_ACT_NOTIFY cannot be the default action"))
    } else if seccomp.defaultErrnoRet != nil && !actionsWithErrno.contains(seccomp.defaultAction) {
        errors.append(problem("\(base).defaultErrnoRet", "cannot be used with action \(quoted(seccomp.defaultAction))"))
    }
    for (i, arch) in (seccomp.architectures ?? []).enumerated() where !LinuxSeccomp.knownArchitectures.contains(arch) {
        errors.append(problem("\(base).architectures[\(i)]", "unknown architecture \(quoted(arch))"))
    }
    for (i, flag) in (seccomp.flags ?? []).enumerated() where !LinuxSeccomp.knownFlags.contains(flag) {
        errors.append(problem("\(base).flags[\(i)]", "unknown flag \(quoted(flag))"))
    }
    if seccomp.listenerMetadata != nil && (seccomp.listenerPath ?? "").isEmpty {
        errors.append(problem("\(base).listenerMetadata", "requires listenerPath"))
    }
    for (i, rule) in (seccomp.syscalls ?? []).enumerated() {
        let path = "\(base).syscalls[\(i)]"
        if rule.names.isEmpty {
            errors.append(problem("\(path).names", "must contain at least one entry"))
        }
        if !LinuxSeccomp.knownActions.contains(rule.action) {
            errors.append(problem("\(path).action", "unknown action \(quoted(rule.action))"))
        } else if rule.errnoRet != nil && !actionsWithErrno.contains(rule.action) {
            errors.append(problem("\(path).errnoRet", "cannot be used with action \(quoted(rule.action))"))
        }
        for (j, arg) in (rule.args ?? []).enumerated() {
            if arg.index > 5 {
                errors.append(problem("\(path).args[\(j)].index", "must be between 0 and 5, got \(arg.index)"))
            }
            if !LinuxSeccomp.knownOperators.contains(arg.op) {
                errors.append(problem("\(path).args[\(j)].op", "unknown operator \(quoted(arg.op))"))
            }
        }
    }
    return errors
}

// MARK: - Other Linux settings

/// intelRdt schemas are single lines; memBwSchema starts with `MB:`.
func checkIntelRdt(_ spec: Spec) -> [SpecError] {
    guard let rdt = spec.linux?.intelRdt else { return [] }
    var errors: [SpecError] = []
    if let mb = rdt.memBwSchema {
        if !mb.hasPrefix("MB:") {
            errors.append(problem("linux.intelRdt.memBwSchema", "must start with \"MB:\", got \(quoted(mb))"))
        } else if mb.contains("\n") {
            errors.append(problem("linux.intelRdt.memBwSchema", "must not contain newlines"))
        }
    }
    if let l3 = rdt.l3CacheSchema, l3.contains("\n") {
        errors.append(problem("linux.intelRdt.l3CacheSchema", "must not contain newlines"))
    }
    for (i, line) in (rdt.schemata ?? []).enumerated() where line.contains("\n") {
        errors.append(problem("linux.intelRdt.schemata[\(i)]", "must not contain newlines"))
    }
    return errors
}

/// memoryPolicy mode and flags must be known, nodes a node list.
func checkMemoryPolicy(_ spec: Spec) -> [SpecError] {
    guard let policy = spec.linux?.memoryPolicy else { return [] }
    var errors: [SpecError] = []
    if let nodes = policy.nodes, !nodes.isEmpty, !isCPUList(nodes) {
        errors.append(problem("linux.memoryPolicy.nodes", "must be a node list such as \"0-3,7\", got \(quoted(nodes))"))
    }
    if !LinuxMemoryPolicy.knownModes.contains(policy.mode) {
        errors.append(problem("linux.memoryPolicy.mode", "unknown mode \(quoted(policy.mode))"))
    }
    for (i, flag) in (policy.flags ?? []).enumerated() where !LinuxMemoryPolicy.knownFlags.contains(flag) {
        errors.append(problem("linux.memoryPolicy.flags[\(i)]", "unknown flag \(quoted(flag))"))
    }
    return errors
}

/// personality domain must be LINUX or LINUX32; no flags are defined.
func checkPersonality(_ spec: Spec) -> [SpecError] {
    guard let personality = spec.linux?.personality else { return [] }
    var errors: [SpecError] = []
    if !LinuxPersonality.knownDomains.contains(personality.domain) {
        errors.append(problem("linux.personality.domain",
                              "must be one of \(oneOf(LinuxPersonality.knownDomains)), got \(quoted(personality.domain))"))
    }
    for (i, flag) in (personality.flags ?? []).enumerated() {
        errors.append(problem("linux.personality.flags[\(i)]", "unknown flag \(quoted(flag))"))
    }
    return errors
}
