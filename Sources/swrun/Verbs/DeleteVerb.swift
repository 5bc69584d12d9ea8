enum DeleteVerb: Verb {
    static let name = "delete"
    static let usage = "delete [command options] <container-id>"
    static let summary = "delete any resources held by the container"
    static let flags: [FlagSpec] = [
        .bool("--force", "-f", help: "forcibly delete the container if it is still running (uses SIGKILL)"),
    ]

    static func run(_ args: ParsedArguments, _ global: GlobalOptions) throws -> Int32 {
        try global.runtime().delete(id: try containerID(args), force: args.bool("--force"))
        return 0
    }
}
