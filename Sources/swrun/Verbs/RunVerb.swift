import SwrunRuntime

enum RunVerb: Verb {
    static let name = "run"
    static let usage = "run [command options] <container-id>"
    static let summary = "create and run a container"
    static let flags: [FlagSpec] = CreateVerb.flags + [
        .bool("--detach", "-d", help: "detach from the container's process"),
        .bool("--keep", help: "do not delete the container after it exits"),
        .bool("--no-subreaper", help: "do not adopt and reap the container's orphaned processes"),
    ]

    static func run(_ args: ParsedArguments, _ global: GlobalOptions) throws -> Int32 {
        let id = try containerID(args)
        return try global.runtime().run(id: id, try CreateVerb.createOptions(args), detach: args.bool("--detach"),
                                        keep: args.bool("--keep"), subreaper: !args.bool("--no-subreaper"))
    }
}
