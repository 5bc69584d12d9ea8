import FoundationEssentials

/// Checks what the spec (and runc) require of a decoded `config.json` beyond
/// its JSON shape. Returns every problem found, each naming its JSON path;
/// an empty array means the spec is valid. The rules live in the files of
/// this directory, one per area; the plan compiler relies on them and does
/// not check the same fields again.
public func validate(_ spec: Spec) -> [SpecError] {
    let rules: [(Spec) -> [SpecError]] = [
        checkOCIVersion,
        checkRoot,
        { $0.process.map { validateProcess($0, at: "process") } ?? [] },
        checkMountDestinations,
        checkMountIDMappings,
        checkHooks,
        checkAnnotations,
        checkNamespaces,
        checkUserNamespaceMappings,
        checkUTSNamespace,
        checkMountNamespaceNeeds,
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

func problem(_ path: String, _ message: String) -> SpecError {
    SpecError(path: path, message: message)
}

func isAbsolute(_ path: String) -> Bool {
    path.hasPrefix("/")
}

/// `prefix` followed by one or more characters from `allowed`.
func matches(_ value: String, prefix: String, allowed: (Character) -> Bool) -> Bool {
    guard value.hasPrefix(prefix) else { return false }
    let rest = value.dropFirst(prefix.count)
    return !rest.isEmpty && rest.allSatisfy(allowed)
}

func isUpperASCII(_ c: Character) -> Bool {
    c >= "A" && c <= "Z"
}

func oneOf(_ names: [String]) -> String {
    names.joined(separator: ", ")
}

func hasNamespace(_ spec: Spec, _ kind: NamespaceKind) -> Bool {
    spec.linux?.namespace(kind) != nil
}

func missingNamespace(_ kind: NamespaceKind) -> String {
    "linux.namespaces has no \(quoted(kind.rawValue)) entry"
}

extension Character {
    var isASCIIDigit: Bool { self >= "0" && self <= "9" }
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
