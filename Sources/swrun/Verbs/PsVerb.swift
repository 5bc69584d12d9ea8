import FoundationEssentials
import Glibc
import OCI
import SwrunRuntime

enum PsVerb: Verb {
    static let name = "ps"
    static let usage = "ps [command options] <container-id> [ps options]"
    static let summary = "ps displays the processes running inside a container"
    static let stopAtPositional = true
    static let flags: [FlagSpec] = [
        .value("--format", "-f", help: "select one of: table or json (default: \"table\")"),
    ]

    static func run(_ args: ParsedArguments, _ global: GlobalOptions) throws -> Int32 {
        guard let id = args.positionals.first else { throw UsageError("ps: requires the container id") }
        let pids = try global.runtime().pids(id: id)
        switch args.string("--format") ?? "table" {
        case "json":
            Output.write(String(decoding: encodeJSONCompact(pids), as: UTF8.self) + "\n")
        case "table":
            let psArgs = args.positionals.count > 1 ? Array(args.positionals.dropFirst()) : ["-ef"]
            Output.write(try table(pids: Set(pids), psArgs: psArgs))
        case let f:
            throw UsageError("ps: invalid format \"\(f)\": want table or json")
        }
        return 0
    }

    /// Runs ps(1) and keeps the header and the lines of the container's
    /// processes, found by the PID column, as runc does.
    static func table(pids: Set<Int32>, psArgs: [String]) throws -> String {
        let out = try capture(["ps"] + psArgs)
        var lines = out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard !lines.isEmpty else { return "" }
        let header = lines.removeFirst()
        guard let col = header.split(separator: " ").firstIndex(of: "PID") else {
            throw RuntimeError("ps: no PID column in the output of ps \(psArgs.joined(separator: " "))")
        }
        let kept = lines.filter { line in
            let f = line.split(separator: " ")
            return f.count > col && Int32(f[col]).map(pids.contains) == true
        }
        return ([header] + kept).joined(separator: "\n") + "\n"
    }

    static func capture(_ argv: [String]) throws -> String {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw RuntimeError("pipe", errno: errno) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        var cargs = argv.map { strdup($0) } + [nil]
        defer { cargs.forEach { free($0) } }
        var pid: pid_t = 0
        let r = posix_spawnp(&pid, argv[0], &actions, nil, &cargs, environ)
        close(fds[1])
        guard r == 0 else {
            close(fds[0])
            throw RuntimeError("run \(argv[0])", errno: r)
        }
        let out = (try? Sys.readAll(fd: fds[0])) ?? []
        close(fds[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return String(decoding: out, as: UTF8.self)
    }
}
