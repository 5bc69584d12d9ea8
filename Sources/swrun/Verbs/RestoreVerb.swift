import SwrunRuntime

enum RestoreVerb: Verb {
    static let name = "restore"
    static let usage = "restore [command options] <container-id>"
    static let summary = "restore a container from a previous checkpoint"
    static let flags: [FlagSpec] = CriuFlags.shared + [
        .value("--console-socket", help: "path to an AF_UNIX socket which will receive the console pty master fd"),
        .value("--bundle", "-b", help: "path to the root of the bundle directory (default: current directory)"),
        .bool("--detach", "-d", help: "detach from the container's process"),
        .value("--pid-file", help: "file to write the restored init's pid to"),
        .bool("--no-subreaper", help: "do not adopt and reap the container's orphaned processes"),
        .bool("--no-pivot", help: "refused: CRIU sets up the container's root itself"),
        .value("--lsm-profile", help: "refused: swrun supports no LSM"),
        .value("--lsm-mount-context", help: "refused: swrun supports no LSM"),
    ]

    static func run(_ args: ParsedArguments, _ global: GlobalOptions) throws -> Int32 {
        let id = try containerID(args)
        for flag in ["--lsm-profile", "--lsm-mount-context"] where !(args.string(flag) ?? "").isEmpty {
            throw UsageError("restore: \(flag): not supported (swrun supports no AppArmor or SELinux)")
        }
        if args.bool("--no-pivot") {
            throw UsageError("restore: --no-pivot: not supported (CRIU sets up the container's root itself)")
        }
        var o = RestoreOptions()
        o.common = try CriuFlags.options(args, global)
        o.bundle = args.string("--bundle") ?? "."
        o.consoleSocket = args.string("--console-socket")
        o.pidFile = args.string("--pid-file")
        o.detach = args.bool("--detach")
        o.subreaper = !args.bool("--no-subreaper")
        return try global.runtime().restore(id: id, o)
    }
}
