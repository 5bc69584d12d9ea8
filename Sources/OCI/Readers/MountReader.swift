extension Mount: JSONTreeReadable {
    init(tree: JSONNode, path: JSONPathBuilder) throws {
        let o = try JSONObjectReader(tree, at: path)
        destination = try o.string("destination")
        type = try o.optionalString("type")
        source = try o.optionalString("source")
        options = try o.optionalStringArray("options")
        uidMappings = try o.optionalArray("uidMappings")
        gidMappings = try o.optionalArray("gidMappings")
    }
}

extension LinuxIDMapping: JSONTreeReadable {
    init(tree: JSONNode, path: JSONPathBuilder) throws {
        let o = try JSONObjectReader(tree, at: path)
        containerID = try o.uint32("containerID")
        hostID = try o.uint32("hostID")
        size = try o.uint32("size")
    }
}
