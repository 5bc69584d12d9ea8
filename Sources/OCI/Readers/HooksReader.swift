extension Hooks: JSONTreeReadable {
    init(tree: JSONNode, path: JSONPathBuilder) throws {
        let o = try JSONObjectReader(tree, at: path)
        prestart = try o.optionalArray("prestart")
        createRuntime = try o.optionalArray("createRuntime")
        createContainer = try o.optionalArray("createContainer")
        startContainer = try o.optionalArray("startContainer")
        poststart = try o.optionalArray("poststart")
        poststop = try o.optionalArray("poststop")
    }
}

extension Hook: JSONTreeReadable {
    init(tree: JSONNode, path: JSONPathBuilder) throws {
        let o = try JSONObjectReader(tree, at: path)
        self.path = try o.string("path")
        args = try o.optionalStringArray("args")
        env = try o.optionalStringArray("env")
        timeout = try o.optionalInt("timeout")
    }
}
