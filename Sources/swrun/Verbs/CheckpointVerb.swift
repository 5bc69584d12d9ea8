import SwrunRuntime

enum CheckpointVerb: Verb {
    static let name = "checkpoint"
    static let usage = "checkpoint [command options] <container-id>"
    static let summary = "checkpoint a running container"
    static let flags: [FlagSpec] = CriuFlags.shared + [
        .value("--parent-path", help: "path for previous criu image files in pre-dump"),
        .bool("--leave-running", help: "leave the process running after checkpointing"),
        .value("--status-fd", help: "criu writes \\0 to this FD once lazy-pages is ready (default: -1)"),
        .value("--page-server", help: "ADDRESS:PORT of the page server"),
        .bool("--pre-dump", help: "dump container's memory information only, leave the container running after this"),
    ]

    static func run(_ args: ParsedArguments, _ global: GlobalOptions) throws -> Int32 {
        let id = try containerID(args)
        var o = CheckpointOptions()
        o.common = try CriuFlags.options(args, global)
        o.parentPath = args.string("--parent-path") ?? ""
        o.leaveRunning = args.bool("--leave-running")
        o.preDump = args.bool("--pre-dump")
        o.statusFd = Int32(try args.int("--status-fd") ?? -1)
        if let ps = args.string("--page-server"), !ps.isEmpty { o.pageServer = try CheckpointOptions.parsePageServer(ps) }
        try global.runtime().checkpoint(id: id, o)
        return 0
    }
}
