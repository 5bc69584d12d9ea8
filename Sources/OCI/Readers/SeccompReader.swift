extension LinuxSeccomp: JSONTreeReadable {
    init(tree: JSONNode, path: JSONPathBuilder) throws {
        let o = try JSONObjectReader(tree, at: path)
        defaultAction = try o.string("defaultAction")
        defaultErrnoRet = try o.optionalUInt32("defaultErrnoRet")
        architectures = try o.optionalStringArray("architectures")
        flags = try o.optionalStringArray("flags")
        listenerPath = try o.optionalString("listenerPath")
        listenerMetadata = try o.optionalString("listenerMetadata")
        syscalls = try o.optionalArray("syscalls")
    }
}

extension LinuxSyscall: JSONTreeReadable {
    init(tree: JSONNode, path: JSONPathBuilder) throws {
        let o = try JSONObjectReader(tree, at: path)
        names = try o.stringArray("names")
        action = try o.string("action")
        errnoRet = try o.optionalUInt32("errnoRet")
        args = try o.optionalArray("args")
    }
}

extension LinuxSeccompArg: JSONTreeReadable {
    init(tree: JSONNode, path: JSONPathBuilder) throws {
        let o = try JSONObjectReader(tree, at: path)
        index = try o.uint32("index")
        value = try o.uint64("value")
        valueTwo = try o.optionalUInt64("valueTwo")
        op = try o.string("op")
    }
}
