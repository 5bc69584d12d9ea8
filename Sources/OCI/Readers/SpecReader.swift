extension Spec: JSONTreeReadable {
    init(tree: JSONNode, path: JSONPathBuilder) throws {
        let o = try JSONObjectReader(tree, at: path)
        ociVersion = try o.string("ociVersion")
        process = try o.optionalObject("process")
        root = try o.optionalObject("root")
        hostname = try o.optionalString("hostname")
        domainname = try o.optionalString("domainname")
        mounts = try o.optionalArray("mounts")
        hooks = try o.optionalObject("hooks")
        annotations = try o.optionalStringMap("annotations")
        linux = try o.optionalObject("linux")
    }
}

extension Root: JSONTreeReadable {
    init(tree: JSONNode, path: JSONPathBuilder) throws {
        let o = try JSONObjectReader(tree, at: path)
        self.path = try o.string("path")
        readonly = try o.optionalBool("readonly")
    }
}
