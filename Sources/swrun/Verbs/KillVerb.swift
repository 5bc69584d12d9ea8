import Glibc
import SwrunRuntime

enum KillVerb: Verb {
    static let name = "kill"
    static let usage = "kill [command options] <container-id> [signal]"
    static let summary = "send a signal (default SIGTERM) to the container's init process"
    static let flags: [FlagSpec] = [
        .bool("--all", "-a", help: "send the signal to all processes in the container"),
    ]

    static func run(_ args: ParsedArguments, _ global: GlobalOptions) throws -> Int32 {
        guard (1...2).contains(args.positionals.count) else {
            throw UsageError("kill: requires the container id and an optional signal")
        }
        let id = args.positionals[0]
        var sig = SIGTERM
        if args.positionals.count == 2 {
            // 0 sends nothing and only probes that the process is there.
            guard let s = args.positionals[1] == "0" ? 0 : Signals.parse(args.positionals[1]) else {
                throw UsageError("kill: unknown signal \"\(args.positionals[1])\"")
            }
            sig = s
        }
        try global.runtime().kill(id: id, signal: sig, all: args.bool("--all"))
        return 0
    }
}
