extension Linux: JSONTreeReadable {
    init(tree: JSONNode, path: JSONPathBuilder) throws {
        let o = try JSONObjectReader(tree, at: path)
        namespaces = try o.optionalArray("namespaces")
        uidMappings = try o.optionalArray("uidMappings")
        gidMappings = try o.optionalArray("gidMappings")
        timeOffsets = try o.optionalMap("timeOffsets")
        devices = try o.optionalArray("devices")
        netDevices = try o.optionalMap("netDevices")
        cgroupsPath = try o.optionalString("cgroupsPath")
        resources = try o.optionalObject("resources")
        intelRdt = try o.optionalObject("intelRdt")
        memoryPolicy = try o.optionalObject("memoryPolicy")
        sysctl = try o.optionalStringMap("sysctl")
        seccomp = try o.optionalObject("seccomp")
        rootfsPropagation = try o.optionalString("rootfsPropagation")
        maskedPaths = try o.optionalStringArray("maskedPaths")
        readonlyPaths = try o.optionalStringArray("readonlyPaths")
        mountLabel = try o.optionalString("mountLabel")
        personality = try o.optionalObject("personality")
    }
}

extension LinuxNamespace: JSONTreeReadable {
    init(tree: JSONNode, path: JSONPathBuilder) throws {
        let o = try JSONObjectReader(tree, at: path)
        type = try o.string("type")
        self.path = try o.optionalString("path")
    }
}

extension LinuxTimeOffset: JSONTreeReadable {
    init(tree: JSONNode, path: JSONPathBuilder) throws {
        let o = try JSONObjectReader(tree, at: path)
        secs = try o.optionalInt64("secs")
        nanosecs = try o.optionalUInt32("nanosecs")
    }
}

extension LinuxDevice: JSONTreeReadable {
    init(tree: JSONNode, path: JSONPathBuilder) throws {
        let o = try JSONObjectReader(tree, at: path)
        type = try o.string("type")
        self.path = try o.string("path")
        major = try o.optionalInt64("major")
        minor = try o.optionalInt64("minor")
        fileMode = try o.optionalUInt32("fileMode")
        uid = try o.optionalUInt32("uid")
        gid = try o.optionalUInt32("gid")
    }
}

extension LinuxNetDevice: JSONTreeReadable {
    init(tree: JSONNode, path: JSONPathBuilder) throws {
        let o = try JSONObjectReader(tree, at: path)
        name = try o.optionalString("name")
    }
}

extension LinuxIntelRdt: JSONTreeReadable {
    init(tree: JSONNode, path: JSONPathBuilder) throws {
        let o = try JSONObjectReader(tree, at: path)
        closID = try o.optionalString("closID")
        l3CacheSchema = try o.optionalString("l3CacheSchema")
        memBwSchema = try o.optionalString("memBwSchema")
        schemata = try o.optionalStringArray("schemata")
        enableMonitoring = try o.optionalBool("enableMonitoring")
    }
}

extension LinuxMemoryPolicy: JSONTreeReadable {
    init(tree: JSONNode, path: JSONPathBuilder) throws {
        let o = try JSONObjectReader(tree, at: path)
        mode = try o.string("mode")
        nodes = try o.optionalString("nodes")
        flags = try o.optionalStringArray("flags")
    }
}

extension LinuxPersonality: JSONTreeReadable {
    init(tree: JSONNode, path: JSONPathBuilder) throws {
        let o = try JSONObjectReader(tree, at: path)
        domain = try o.string("domain")
        flags = try o.optionalStringArray("flags")
    }
}
