extension Process: JSONTreeReadable {
    init(tree: JSONNode, path: JSONPathBuilder) throws {
        let o = try JSONObjectReader(tree, at: path)
        terminal = try o.optionalBool("terminal")
        consoleSize = try o.optionalObject("consoleSize")
        // Missing or null: uid 0 / gid 0, as in `init(from:)`.
        user = try o.optionalObject("user") ?? User()
        args = try o.optionalStringArray("args")
        env = try o.optionalStringArray("env")
        cwd = try o.string("cwd")
        capabilities = try o.optionalObject("capabilities")
        rlimits = try o.optionalArray("rlimits")
        noNewPrivileges = try o.optionalBool("noNewPrivileges")
        apparmorProfile = try o.optionalString("apparmorProfile")
        oomScoreAdj = try o.optionalInt("oomScoreAdj")
        selinuxLabel = try o.optionalString("selinuxLabel")
        ioPriority = try o.optionalObject("ioPriority")
        scheduler = try o.optionalObject("scheduler")
        execCPUAffinity = try o.optionalObject("execCPUAffinity")
    }
}

extension User: JSONTreeReadable {
    init(tree: JSONNode, path: JSONPathBuilder) throws {
        let o = try JSONObjectReader(tree, at: path)
        uid = try o.uint32("uid")
        gid = try o.uint32("gid")
        umask = try o.optionalUInt32("umask")
        additionalGids = try o.optionalUInt32Array("additionalGids")
    }
}

extension ConsoleSize: JSONTreeReadable {
    init(tree: JSONNode, path: JSONPathBuilder) throws {
        let o = try JSONObjectReader(tree, at: path)
        height = try o.uint("height")
        width = try o.uint("width")
    }
}

extension LinuxCapabilities: JSONTreeReadable {
    init(tree: JSONNode, path: JSONPathBuilder) throws {
        let o = try JSONObjectReader(tree, at: path)
        bounding = try o.optionalStringArray("bounding")
        effective = try o.optionalStringArray("effective")
        inheritable = try o.optionalStringArray("inheritable")
        permitted = try o.optionalStringArray("permitted")
        ambient = try o.optionalStringArray("ambient")
    }
}

extension POSIXRlimit: JSONTreeReadable {
    init(tree: JSONNode, path: JSONPathBuilder) throws {
        let o = try JSONObjectReader(tree, at: path)
        type = try o.string("type")
        hard = try o.uint64("hard")
        soft = try o.uint64("soft")
    }
}

extension LinuxIOPriority: JSONTreeReadable {
    init(tree: JSONNode, path: JSONPathBuilder) throws {
        let o = try JSONObjectReader(tree, at: path)
        ioClass = try o.string("class")
        priority = try o.int("priority")
    }
}

extension LinuxScheduler: JSONTreeReadable {
    init(tree: JSONNode, path: JSONPathBuilder) throws {
        let o = try JSONObjectReader(tree, at: path)
        policy = try o.string("policy")
        nice = try o.optionalInt32("nice")
        priority = try o.optionalInt32("priority")
        flags = try o.optionalStringArray("flags")
        runtime = try o.optionalUInt64("runtime")
        deadline = try o.optionalUInt64("deadline")
        period = try o.optionalUInt64("period")
    }
}

extension LinuxExecCPUAffinity: JSONTreeReadable {
    init(tree: JSONNode, path: JSONPathBuilder) throws {
        let o = try JSONObjectReader(tree, at: path)
        initial = try o.optionalString("initial")
        final = try o.optionalString("final")
    }
}
