import OCI

/// Fields of config.json that swrun understands but does not implement
/// yet. Each is a clear error naming the field: a container that silently
/// lacked them would be worse than none.
public enum UnsupportedFeatures {
    public static func check(_ spec: Spec) throws {
        var found: [String] = []
        if let h = spec.hooks {
            let lists: [(String, [Hook]?)] = [
                ("prestart", h.prestart), ("createRuntime", h.createRuntime), ("createContainer", h.createContainer),
                ("startContainer", h.startContainer), ("poststart", h.poststart), ("poststop", h.poststop),
            ]
            for (name, list) in lists where !(list ?? []).isEmpty { found.append("hooks.\(name)") }
        }
        if let p = spec.process {
            if !(p.apparmorProfile ?? "").isEmpty { found.append("process.apparmorProfile") }
            if !(p.selinuxLabel ?? "").isEmpty { found.append("process.selinuxLabel") }
            if p.ioPriority != nil { found.append("process.ioPriority") }
            if p.scheduler != nil { found.append("process.scheduler") }
            if p.execCPUAffinity != nil { found.append("process.execCPUAffinity") }
        }
        if let l = spec.linux {
            if !(l.mountLabel ?? "").isEmpty { found.append("linux.mountLabel") }
            if l.intelRdt != nil { found.append("linux.intelRdt") }
            if l.personality != nil { found.append("linux.personality") }
            if l.memoryPolicy != nil { found.append("linux.memoryPolicy") }
            if !(l.netDevices ?? [:]).isEmpty { found.append("linux.netDevices") }
            if let r = l.resources { found += unsupportedResources(r) }
        }
        if !found.isEmpty {
            throw RuntimeError("config.json: not supported yet: " + found.joined(separator: ", "))
        }
    }

    /// Resource limits come with the cgroup backends; until then only
    /// device rules that deny are accepted (they deny nothing the default
    /// device set allows).
    static func unsupportedResources(_ r: LinuxResources) -> [String] {
        var out: [String] = []
        for (i, d) in (r.devices ?? []).enumerated() where d.allow {
            out.append("linux.resources.devices[\(i)] (an allow rule)")
        }
        if r.memory != nil { out.append("linux.resources.memory") }
        if r.cpu != nil { out.append("linux.resources.cpu") }
        if r.pids != nil { out.append("linux.resources.pids") }
        if r.blockIO != nil { out.append("linux.resources.blockIO") }
        if !(r.hugepageLimits ?? []).isEmpty { out.append("linux.resources.hugepageLimits") }
        if r.network != nil { out.append("linux.resources.network") }
        if !(r.rdma ?? [:]).isEmpty { out.append("linux.resources.rdma") }
        if !(r.unified ?? [:]).isEmpty { out.append("linux.resources.unified") }
        return out
    }
}
