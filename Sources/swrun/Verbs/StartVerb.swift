enum StartVerb: Verb {
    static let name = "start"
    static let usage = "start <container-id>"
    static let summary = "start the user process of a created container"
    static let flags: [FlagSpec] = []

    static func run(_ args: ParsedArguments, _ global: GlobalOptions) throws -> Int32 {
        try global.runtime().start(id: try containerID(args))
        return 0
    }
}
