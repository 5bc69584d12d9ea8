import OCI

/// Fields of config.json that swrun understands but does not implement
/// yet. Each is a clear error naming the field: a container that silently
/// lacked them would be worse than none.
public enum UnsupportedFeatures {
    public static func check(_ spec: Spec) throws {
        var found = spec.process.map(processFields) ?? []
        if let l = spec.linux {
            if !(l.mountLabel ?? "").isEmpty { found.append("linux.mountLabel") }
            if l.intelRdt != nil { found.append("linux.intelRdt") }
        }
        if !found.isEmpty {
            throw RuntimeError("config.json: not supported yet: " + found.joined(separator: ", "))
        }
    }

    /// The process fields not implemented yet, for create and for exec.
    static func processFields(_ p: Process) -> [String] {
        var found: [String] = []
        if !(p.apparmorProfile ?? "").isEmpty { found.append("process.apparmorProfile") }
        if !(p.selinuxLabel ?? "").isEmpty { found.append("process.selinuxLabel") }
        return found
    }
}
