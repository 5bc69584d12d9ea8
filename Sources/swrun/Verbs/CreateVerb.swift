import SwrunRuntime

enum CreateVerb: Verb {
    static let name = "create"
    static let usage = "create [command options] <container-id>"
    static let summary = "create a container"
    static let flags: [FlagSpec] = [
        .value("--bundle", "-b", help: "path to the root of the bundle directory (default: current directory)"),
        .value("--console-socket", help: "path to an AF_UNIX socket which will receive the console pty master fd"),
        .value("--pid-file", help: "file to write the container init's pid to"),
        .value("--pidfd-socket", help: "path to an AF_UNIX socket which will receive the pidfd of the container's init"),
        .bool("--no-pivot", help: "do not use pivot_root to jail the process inside the rootfs"),
        .bool("--no-new-keyring", help: "do not create a new session keyring for the container"),
        .value("--preserve-fds", help: "pass N additional file descriptors to the container (stdio + 3..3+N-1)"),
    ]

    static func run(_ args: ParsedArguments, _ global: GlobalOptions) throws -> Int32 {
        let id = try containerID(args)
        try global.runtime().create(id: id, try createOptions(args))
        return 0
    }

    static func createOptions(_ args: ParsedArguments) throws -> CreateOptions {
        var o = CreateOptions()
        o.bundle = args.string("--bundle") ?? "."
        o.pidFile = args.string("--pid-file")
        o.pidfdSocket = args.string("--pidfd-socket")
        o.consoleSocket = args.string("--console-socket")
        o.noPivot = args.bool("--no-pivot")
        o.noNewKeyring = args.bool("--no-new-keyring")
        o.preserveFds = try args.int("--preserve-fds") ?? 0
        return o
    }
}
