enum ResumeVerb: Verb {
    static let name = "resume"
    static let usage = "resume <container-id>"
    static let summary = "resumes all processes that have been previously paused"
    static let flags: [FlagSpec] = []

    static func run(_ args: ParsedArguments, _ global: GlobalOptions) throws -> Int32 {
        try global.runtime().resume(id: try containerID(args))
        return 0
    }
}
