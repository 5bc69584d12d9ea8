enum PauseVerb: Verb {
    static let name = "pause"
    static let usage = "pause <container-id>"
    static let summary = "pause suspends all processes inside the container"
    static let flags: [FlagSpec] = []

    static func run(_ args: ParsedArguments, _ global: GlobalOptions) throws -> Int32 {
        try global.runtime().pause(id: try containerID(args))
        return 0
    }
}
