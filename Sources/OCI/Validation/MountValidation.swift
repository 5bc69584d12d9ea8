import FoundationEssentials

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
