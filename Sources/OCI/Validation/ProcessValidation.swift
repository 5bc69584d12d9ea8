import FoundationEssentials

/// Everything checked of a process, for config.json's (`at: "process"`)
/// and for the one `exec` runs, which does not come with a config.
public func validateProcess(_ p: Process, at path: String) -> [SpecError] {
    checkArgs(p, at: path) + checkCwd(p, at: path) + validateProcessIdentity(p, at: path)
        + checkRlimits(p, at: path) + checkIOPriority(p, at: path) + checkScheduler(p, at: path)
        + checkExecCPUAffinity(p, at: path)
}

/// args needs at least one entry, the first naming the command.
func checkArgs(_ p: Process, at path: String) -> [SpecError] {
    guard let argv0 = p.args?.first else {
        return [problem("\(path).args", "must contain at least one entry")]
    }
    if argv0.isEmpty {
        return [problem("\(path).args[0]", "must name the command to run")]
    }
    return []
}

/// cwd must be absolute.
func checkCwd(_ p: Process, at path: String) -> [SpecError] {
    guard !isAbsolute(p.cwd) else { return [] }
    return [problem("\(path).cwd", "must be an absolute path, got \(quoted(p.cwd))")]
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
func checkRlimits(_ p: Process, at base: String) -> [SpecError] {
    var errors: [SpecError] = []
    var seen: [String: Int] = [:]
    for (i, rlimit) in (p.rlimits ?? []).enumerated() {
        let path = "\(base).rlimits[\(i)]"
        if !matches(rlimit.type, prefix: "RLIMIT_", allowed: isUpperASCII) {
            errors.append(problem("\(path).type", "must have the form RLIMIT_NAME, got \(quoted(rlimit.type))"))
        } else if POSIXRlimit.linuxResources[rlimit.type] == nil {
            errors.append(problem("\(path).type", "unknown resource limit \(quoted(rlimit.type))"))
        }
        if let first = seen[rlimit.type] {
            errors.append(problem("\(path).type", "duplicate rlimit \(quoted(rlimit.type)), already set at \(base).rlimits[\(first)]"))
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
func checkIOPriority(_ p: Process, at base: String) -> [SpecError] {
    guard let io = p.ioPriority else { return [] }
    var errors: [SpecError] = []
    if !LinuxIOPriority.knownClasses.contains(io.ioClass) {
        errors.append(problem("\(base).ioPriority.class",
                              "must be one of \(oneOf(LinuxIOPriority.knownClasses)), got \(quoted(io.ioClass))"))
    }
    if !(0...7).contains(io.priority) {
        errors.append(problem("\(base).ioPriority.priority", "must be between 0 and 7, got \(io.priority)"))
    }
    return errors
}

/// scheduler policy and flags must be known; nice within -20...19.
func checkScheduler(_ p: Process, at base: String) -> [SpecError] {
    guard let scheduler = p.scheduler else { return [] }
    var errors: [SpecError] = []
    if !LinuxScheduler.knownPolicies.contains(scheduler.policy) {
        errors.append(problem("\(base).scheduler.policy", "unknown policy \(quoted(scheduler.policy))"))
    }
    for (i, flag) in (scheduler.flags ?? []).enumerated() where !LinuxScheduler.knownFlags.contains(flag) {
        errors.append(problem("\(base).scheduler.flags[\(i)]", "unknown flag \(quoted(flag))"))
    }
    if let nice = scheduler.nice, !(-20...19).contains(nice) {
        errors.append(problem("\(base).scheduler.nice", "must be between -20 and 19, got \(nice)"))
    }
    return errors
}

/// execCPUAffinity values must be CPU lists: `0-3,7`, ranges low to high.
func checkExecCPUAffinity(_ p: Process, at base: String) -> [SpecError] {
    guard let affinity = p.execCPUAffinity else { return [] }
    var errors: [SpecError] = []
    for (name, value) in [("initial", affinity.initial), ("final", affinity.final)] {
        guard let value, !isCPUList(value) else { continue }
        errors.append(problem("\(base).execCPUAffinity.\(name)", "must be a CPU list such as \"0-3,7\", got \(quoted(value))"))
    }
    return errors
}

/// "0-3,7": numbers and low-high ranges, separated by commas. Node lists
/// (linux.memoryPolicy.nodes) are spelled the same way.
func isCPUList(_ list: String) -> Bool {
    !list.isEmpty && list.split(separator: ",", omittingEmptySubsequences: false).allSatisfy { part in
        let ends = part.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(ends.count), ends.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }) else { return false }
        guard ends.count == 2 else { return true }
        guard let low = Int(ends[0]), let high = Int(ends[1]) else { return false }
        return low <= high
    }
}
