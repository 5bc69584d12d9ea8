import FoundationEssentials

/// Checks what the spec (and runc) require of a decoded `config.json` beyond
/// its JSON shape. Returns every problem found, each naming its JSON path;
/// an empty array means the spec is valid.
public func validate(_ spec: Spec) -> [SpecError] {
    let rules: [(Spec) -> [SpecError]] = [
        checkOCIVersion,
        checkRoot,
        checkProcessArgs,
        checkProcessCwd,
        { $0.process.map { validateProcessIdentity($0, at: "process") } ?? [] },
        checkRlimits,
        checkIOPriority,
        checkScheduler,
        checkExecCPUAffinity,
        checkMountDestinations,
        checkMountIDMappings,
        checkHooks,
        checkAnnotations,
        checkNamespaces,
        checkUserNamespaceMappings,
        checkUTSNamespace,
        checkTimeOffsets,
        checkDevices,
        checkSysctlKeys,
        checkSysctlNamespaces,
        checkMaskedAndReadonlyPaths,
        checkRootfsPropagation,
        checkSeccomp,
        checkDeviceCgroup,
        checkMemory,
        checkCPU,
        checkBlockIO,
        checkHugepageLimits,
        checkRdma,
        checkIntelRdt,
        checkMemoryPolicy,
        checkPersonality,
        checkNetDevices,
    ]
    return rules.flatMap { $0(spec) }
}

// MARK: - Helpers

private func problem(_ path: String, _ message: String) -> SpecError {
    SpecError(path: path, message: message)
}

private func isAbsolute(_ path: String) -> Bool {
    path.hasPrefix("/")
}

/// `prefix` followed by one or more characters from `allowed`.
private func matches(_ value: String, prefix: String, allowed: (Character) -> Bool) -> Bool {
    guard value.hasPrefix(prefix) else { return false }
    let rest = value.dropFirst(prefix.count)
    return !rest.isEmpty && rest.allSatisfy(allowed)
}

private func isUpperASCII(_ c: Character) -> Bool {
    c >= "A" && c <= "Z"
}

private func oneOf(_ names: [String]) -> String {
    names.joined(separator: ", ")
}

private func hasNamespace(_ spec: Spec, _ kind: NamespaceKind) -> Bool {
    spec.linux?.namespace(kind) != nil
}

private func missingNamespace(_ kind: NamespaceKind) -> String {
    "linux.namespaces has no \(quoted(kind.rawValue)) entry"
}

// MARK: - Top level

/// ociVersion must be SemVer with major version 1.
func checkOCIVersion(_ spec: Spec) -> [SpecError] {
    let version = spec.ociVersion
    if version.isEmpty {
        return [problem("ociVersion", "must be set")]
    }
    let core = version.prefix { $0 != "-" && $0 != "+" }
    let parts = core.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }),
          let major = Int(parts[0]) else {
        return [problem("ociVersion", "must be a SemVer version such as \"1.3.0\", got \(quoted(version))")]
    }
    if major != 1 {
        return [problem("ociVersion", "unsupported major version \(major) in \(quoted(version)), expected 1.x.y")]
    }
    return []
}

/// root is required on Linux, with a non-empty path.
func checkRoot(_ spec: Spec) -> [SpecError] {
    guard let root = spec.root else {
        return [problem("root", "is required")]
    }
    if root.path.isEmpty {
        return [problem("root.path", "must not be empty")]
    }
    return []
}

/// annotations keys must not be empty.
func checkAnnotations(_ spec: Spec) -> [SpecError] {
    guard let annotations = spec.annotations, annotations.keys.contains("") else { return [] }
    return [problem(JSONPath.key("annotations", ""), "keys must not be empty")]
}

// MARK: - Process

/// process.args needs at least one entry.
func checkProcessArgs(_ spec: Spec) -> [SpecError] {
    guard let process = spec.process else { return [] }
    if (process.args ?? []).isEmpty {
        return [problem("process.args", "must contain at least one entry")]
    }
    return []
}

/// process.cwd must be absolute.
func checkProcessCwd(_ spec: Spec) -> [SpecError] {
    guard let process = spec.process, !isAbsolute(process.cwd) else { return [] }
    return [problem("process.cwd", "must be an absolute path, got \(quoted(process.cwd))")]
}

/// What create and exec both check of a process: its ids and its
/// environment. (uid_t)-1 means "leave unchanged" to setresuid and
/// setresgid, so a user 4294967295 would keep the runtime's root; an env
/// entry needs a name and `=` (runc refuses both too).
public func validateProcessIdentity(_ p: Process, at path: String) -> [SpecError] {
    var errors: [SpecError] = []
    let unchanged = UInt32.max
    if p.user.uid == unchanged { errors.append(problem("\(path).user.uid", "\(unchanged) is not a valid id ((uid_t)-1 means \"unchanged\" to the kernel)")) }
    if p.user.gid == unchanged { errors.append(problem("\(path).user.gid", "\(unchanged) is not a valid id ((gid_t)-1 means \"unchanged\" to the kernel)")) }
    for (i, g) in (p.user.additionalGids ?? []).enumerated() where g == unchanged {
        errors.append(problem("\(path).user.additionalGids[\(i)]", "\(unchanged) is not a valid id"))
    }
    for (i, entry) in (p.env ?? []).enumerated() {
        let field = "\(path).env[\(i)]"
        guard let eq = entry.firstIndex(of: "=") else {
            errors.append(problem(field, "\(quoted(entry)) has no '=': want NAME=VALUE"))
            continue
        }
        if eq == entry.startIndex { errors.append(problem(field, "\(quoted(entry)): the name is empty")) }
        if entry.utf8.contains(0) { errors.append(problem(field, "contains a NUL byte")) }
    }
    return errors
}

/// rlimit types must be known RLIMIT_* names, not repeated, with soft <= hard.
func checkRlimits(_ spec: Spec) -> [SpecError] {
    var errors: [SpecError] = []
    var seen: [String: Int] = [:]
    for (i, rlimit) in (spec.process?.rlimits ?? []).enumerated() {
        let path = "process.rlimits[\(i)]"
        if !matches(rlimit.type, prefix: "RLIMIT_", allowed: isUpperASCII) {
            errors.append(problem("\(path).type", "must have the form RLIMIT_NAME, got \(quoted(rlimit.type))"))
        } else if POSIXRlimit.linuxResources[rlimit.type] == nil {
            errors.append(problem("\(path).type", "unknown resource limit \(quoted(rlimit.type))"))
        }
        if let first = seen[rlimit.type] {
            errors.append(problem("\(path).type", "duplicate rlimit \(quoted(rlimit.type)), already set at process.rlimits[\(first)]"))
        } else {
            seen[rlimit.type] = i
        }
        if rlimit.soft > rlimit.hard {
            errors.append(problem(path, "soft limit \(rlimit.soft) is greater than hard limit \(rlimit.hard)"))
        }
    }
    return errors
}

/// Capability names the kernel interface has no bit for. The spec says
/// such a value MUST be logged as a warning and SHOULD NOT fail the
/// container (kernels differ in their last capability): one message each,
/// naming the JSON path, for the caller to log; the name is then skipped.
public func capabilityWarnings(_ caps: LinuxCapabilities?, at base: String) -> [String] {
    guard let caps else { return [] }
    let sets: [(String, [String]?)] = [
        ("bounding", caps.bounding), ("effective", caps.effective), ("inheritable", caps.inheritable),
        ("permitted", caps.permitted), ("ambient", caps.ambient),
    ]
    var out: [String] = []
    for (setName, names) in sets {
        for (i, name) in (names ?? []).enumerated() where LinuxCapabilities.number(of: name) == nil {
            out.append("\(base).\(setName)[\(i)]: unknown capability \(quoted(name)), ignored")
        }
    }
    return out
}

/// ioPriority class must be known and priority within 0...7.
func checkIOPriority(_ spec: Spec) -> [SpecError] {
    guard let io = spec.process?.ioPriority else { return [] }
    var errors: [SpecError] = []
    if !LinuxIOPriority.knownClasses.contains(io.ioClass) {
        errors.append(problem("process.ioPriority.class",
                              "must be one of \(oneOf(LinuxIOPriority.knownClasses)), got \(quoted(io.ioClass))"))
    }
    if !(0...7).contains(io.priority) {
        errors.append(problem("process.ioPriority.priority", "must be between 0 and 7, got \(io.priority)"))
    }
    return errors
}

/// scheduler policy and flags must be known; nice within -20...19.
func checkScheduler(_ spec: Spec) -> [SpecError] {
    guard let scheduler = spec.process?.scheduler else { return [] }
    var errors: [SpecError] = []
    if !LinuxScheduler.knownPolicies.contains(scheduler.policy) {
        errors.append(problem("process.scheduler.policy", "unknown policy \(quoted(scheduler.policy))"))
    }
    for (i, flag) in (scheduler.flags ?? []).enumerated() where !LinuxScheduler.knownFlags.contains(flag) {
        errors.append(problem("process.scheduler.flags[\(i)]", "unknown flag \(quoted(flag))"))
    }
    if let nice = scheduler.nice, !(-20...19).contains(nice) {
        errors.append(problem("process.scheduler.nice", "must be between -20 and 19, got \(nice)"))
    }
    return errors
}

/// execCPUAffinity values must be CPU lists (digits, commas, dashes, spaces).
func checkExecCPUAffinity(_ spec: Spec) -> [SpecError] {
    guard let affinity = spec.process?.execCPUAffinity else { return [] }
    var errors: [SpecError] = []
    for (name, value) in [("initial", affinity.initial), ("final", affinity.final)] {
        guard let value, !value.allSatisfy({ $0.isASCIIDigit || $0 == "," || $0 == "-" || $0 == " " }) else { continue }
        errors.append(problem("process.execCPUAffinity.\(name)", "must be a CPU list such as \"0-3,7\", got \(quoted(value))"))
    }
    return errors
}

// MARK: - Mounts and hooks

/// Mount destinations must name a path. A relative one is deprecated but
/// allowed: it is taken relative to "/" (config.md, as runc does).
func checkMountDestinations(_ spec: Spec) -> [SpecError] {
    var errors: [SpecError] = []
    for (i, mount) in (spec.mounts ?? []).enumerated()
    where mount.destination.isEmpty || mount.destination.split(separator: "/").contains("..") {
        errors.append(problem("mounts[\(i)].destination", "must be a path without \"..\", got \(quoted(mount.destination))"))
    }
    return errors
}

/// A mount's uidMappings and gidMappings come together or not at all.
func checkMountIDMappings(_ spec: Spec) -> [SpecError] {
    var errors: [SpecError] = []
    for (i, mount) in (spec.mounts ?? []).enumerated() {
        if mount.uidMappings != nil && mount.gidMappings == nil {
            errors.append(problem("mounts[\(i)].gidMappings", "is required when uidMappings is set"))
        } else if mount.gidMappings != nil && mount.uidMappings == nil {
            errors.append(problem("mounts[\(i)].uidMappings", "is required when gidMappings is set"))
        }
    }
    return errors
}

/// Hook paths must be absolute and timeouts positive.
func checkHooks(_ spec: Spec) -> [SpecError] {
    guard let hooks = spec.hooks else { return [] }
    let lists: [(String, [Hook]?)] = [
        ("prestart", hooks.prestart), ("createRuntime", hooks.createRuntime),
        ("createContainer", hooks.createContainer), ("startContainer", hooks.startContainer),
        ("poststart", hooks.poststart), ("poststop", hooks.poststop),
    ]
    var errors: [SpecError] = []
    for (name, list) in lists {
        for (i, hook) in (list ?? []).enumerated() {
            let path = "hooks.\(name)[\(i)]"
            if !isAbsolute(hook.path) {
                errors.append(problem("\(path).path", "must be an absolute path, got \(quoted(hook.path))"))
            }
            if let timeout = hook.timeout, timeout <= 0 {
                errors.append(problem("\(path).timeout", "must be greater than zero, got \(timeout)"))
            }
        }
    }
    return errors
}

// MARK: - Namespaces

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

/// uid/gid mappings need a user namespace, and a new user namespace needs
/// both mappings (as in runc).
func checkUserNamespaceMappings(_ spec: Spec) -> [SpecError] {
    let uidMappings = spec.linux?.uidMappings ?? []
    let gidMappings = spec.linux?.gidMappings ?? []
    guard let userNS = spec.linux?.namespace(.user) else {
        var errors: [SpecError] = []
        if !uidMappings.isEmpty {
            errors.append(problem("linux.uidMappings", "requires a user namespace (\(missingNamespace(.user)))"))
        }
        if !gidMappings.isEmpty {
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

/// hostname and domainname can only be set in the container's own uts namespace.
func checkUTSNamespace(_ spec: Spec) -> [SpecError] {
    guard !hasNamespace(spec, .uts) else { return [] }
    var errors: [SpecError] = []
    for (name, value) in [("hostname", spec.hostname), ("domainname", spec.domainname)] {
        if let value, !value.isEmpty {
            errors.append(problem(name, "requires a new uts namespace (\(missingNamespace(.uts)))"))
        }
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

// MARK: - Linux devices, paths, sysctl

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

/// sysctl keys must not be empty.
func checkSysctlKeys(_ spec: Spec) -> [SpecError] {
    guard let sysctl = spec.linux?.sysctl, sysctl.keys.contains("") else { return [] }
    return [problem(JSONPath.key("linux.sysctl", ""), "keys must not be empty")]
}

/// IPC sysctls (besides `fs.mqueue.*`) that live in the ipc namespace.
private let ipcSysctls: Set<String> = [
    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
    "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
]

/// A sysctl may only be set when the namespace it belongs to is the
/// container's own; otherwise it would change the host (runc's rule).
/// The namespace a sysctl belongs to; nil for one the kernel does not
/// namespace (setting it changes the host).
public func sysctlNamespace(_ key: String) -> NamespaceKind? {
    if ipcSysctls.contains(key) || key.hasPrefix("fs.mqueue.") { return .ipc }
    if key.hasPrefix("net.") { return .network }
    if key == "kernel.hostname" || key == "kernel.domainname" { return .uts }
    return nil
}

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

/// maskedPaths and readonlyPaths entries must be absolute.
func checkMaskedAndReadonlyPaths(_ spec: Spec) -> [SpecError] {
    var errors: [SpecError] = []
    for (name, paths) in [("maskedPaths", spec.linux?.maskedPaths), ("readonlyPaths", spec.linux?.readonlyPaths)] {
        for (i, path) in (paths ?? []).enumerated() where !isAbsolute(path) {
            errors.append(problem("linux.\(name)[\(i)]", "must be an absolute path, got \(quoted(path))"))
        }
    }
    return errors
}

/// rootfsPropagation must be a propagation mode.
func checkRootfsPropagation(_ spec: Spec) -> [SpecError] {
    guard let mode = spec.linux?.rootfsPropagation, !mode.isEmpty,
          !Linux.knownRootfsPropagations.contains(mode) else { return [] }
    return [problem("linux.rootfsPropagation", "must be one of \(oneOf(Linux.knownRootfsPropagations)), got \(quoted(mode))")]
}

// MARK: - Seccomp

private let actionsWithErrno = ["SCMP_ACT_ERRNO", "SCMP_ACT_TRACE"]

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

// MARK: - Resources

/// Device cgroup entries: type a/b/c, access letters from rwm.
func checkDeviceCgroup(_ spec: Spec) -> [SpecError] {
    var errors: [SpecError] = []
    for (i, rule) in (spec.linux?.resources?.devices ?? []).enumerated() {
        let path = "linux.resources.devices[\(i)]"
        if let type = rule.type, !["", "a", "b", "c"].contains(type) {
            errors.append(problem("\(path).type", "must be one of a, b, c, got \(quoted(type))"))
        }
        if let access = rule.access, !access.allSatisfy({ "rwm".contains($0) }) {
            errors.append(problem("\(path).access", "must only contain the letters r, w, m, got \(quoted(access))"))
        }
    }
    return errors
}

/// memory.swappiness is a percentage.
func checkMemory(_ spec: Spec) -> [SpecError] {
    guard let swappiness = spec.linux?.resources?.memory?.swappiness, swappiness > 100 else { return [] }
    return [problem("linux.resources.memory.swappiness", "must be between 0 and 100, got \(swappiness)")]
}

/// cpu.burst must not exceed a positive cpu.quota.
func checkCPU(_ spec: Spec) -> [SpecError] {
    guard let cpu = spec.linux?.resources?.cpu, let burst = cpu.burst, let quota = cpu.quota,
          quota > 0, burst > UInt64(quota) else { return [] }
    return [problem("linux.resources.cpu.burst", "must not be larger than quota (\(quota)), got \(burst)")]
}

/// Each blockIO.weightDevice entry sets weight or leafWeight.
func checkBlockIO(_ spec: Spec) -> [SpecError] {
    var errors: [SpecError] = []
    for (i, device) in (spec.linux?.resources?.blockIO?.weightDevice ?? []).enumerated()
    where device.weight == nil && device.leafWeight == nil {
        errors.append(problem("linux.resources.blockIO.weightDevice[\(i)]", "must set weight or leafWeight"))
    }
    return errors
}

/// `2MB`-style sizes: digits without a leading zero, then KB, MB or GB.
private func isHugepageSize(_ size: String) -> Bool {
    let chars = Array(size)
    guard chars.count >= 3, chars.last == "B", "KMG".contains(chars[chars.count - 2]) else { return false }
    let digits = chars.dropLast(2)
    return digits.first != "0" && digits.allSatisfy(\.isASCIIDigit)
}

/// Hugepage sizes are spelled like `2MB`.
func checkHugepageLimits(_ spec: Spec) -> [SpecError] {
    var errors: [SpecError] = []
    for (i, limit) in (spec.linux?.resources?.hugepageLimits ?? []).enumerated() where !isHugepageSize(limit.pageSize) {
        errors.append(problem("linux.resources.hugepageLimits[\(i)].pageSize",
                              "must be a size such as \"2MB\" (digits, then KB, MB or GB), got \(quoted(limit.pageSize))"))
    }
    return errors
}

/// Each rdma entry sets hcaHandles or hcaObjects.
func checkRdma(_ spec: Spec) -> [SpecError] {
    var errors: [SpecError] = []
    let rdma = spec.linux?.resources?.rdma ?? [:]
    for name in rdma.keys.sorted() where rdma[name]?.hcaHandles == nil && rdma[name]?.hcaObjects == nil {
        errors.append(problem(JSONPath.key("linux.resources.rdma", name), "must set hcaHandles or hcaObjects"))
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

/// memoryPolicy mode and flags must be known.
func checkMemoryPolicy(_ spec: Spec) -> [SpecError] {
    guard let policy = spec.linux?.memoryPolicy else { return [] }
    var errors: [SpecError] = []
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

/// A usable network interface name: 1 to 15 bytes, no `/`, `:` or
/// whitespace, not `.` or `..`.
private func isValidInterfaceName(_ name: String) -> Bool {
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

private extension Character {
    var isASCIIDigit: Bool { self >= "0" && self <= "9" }
}
