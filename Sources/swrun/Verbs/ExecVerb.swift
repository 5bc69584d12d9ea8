import FoundationEssentials
import OCI
import SwrunRuntime

enum ExecVerb: Verb {
    static let name = "exec"
    static let usage = "exec [command options] <container-id> <command> [command options]  ||  -p process.json <container-id>"
    static let summary = "execute new process inside the container"
    static let stopAtPositional = true
    static let flags: [FlagSpec] = [
        .value("--console-socket", help: "path to an AF_UNIX socket which will receive the console pty master fd"),
        .value("--cwd", help: "current working directory in the container"),
        .value("--env", "-e", help: "set environment variables (KEY=VALUE)", repeatable: true),
        .bool("--tty", "-t", help: "allocate a pseudo-TTY"),
        .value("--user", "-u", help: "UID (format: <uid>[:<gid>])"),
        .value("--additional-gids", "-g", help: "additional gids", repeatable: true),
        .value("--process", "-p", help: "path to the process.json"),
        .bool("--detach", "-d", help: "detach from the container's process"),
        .value("--pid-file", help: "file to write the process id to"),
        .value("--pidfd-socket", help: "path to an AF_UNIX socket which will receive the pidfd of the process"),
        .value("--process-label", help: "set the asm process label for the process (not supported)"),
        .value("--apparmor", help: "set the apparmor profile for the process (not supported)"),
        .bool("--no-new-privs", help: "set the no new privileges value for the process"),
        .value("--cap", "-c", help: "add a capability to the bounding set for the process", repeatable: true),
        .value("--preserve-fds", help: "pass N additional file descriptors to the process"),
        .value("--cgroup", help: "run the process in an (existing) sub-cgroup(s). Format is [<controller>:]<cgroup>.", repeatable: true),
        .bool("--ignore-paused", help: "allow exec in a paused container"),
    ]

    static func run(_ args: ParsedArguments, _ global: GlobalOptions) throws -> Int32 {
        guard let id = args.positionals.first else { throw UsageError("exec: requires the container id") }
        let runtime = try global.runtime()
        var options = ExecOptions(process: try process(args, id: id, runtime: runtime))
        options.consoleSocket = args.string("--console-socket")
        options.detach = args.bool("--detach")
        options.pidFile = args.string("--pid-file")
        options.pidfdSocket = args.string("--pidfd-socket")
        options.preserveFds = try args.int("--preserve-fds") ?? 0
        options.ignorePaused = args.bool("--ignore-paused")
        options.subCgroups = try args.strings("--cgroup").map(ExecSubCgroup.parse)
        return try runtime.exec(id: id, options)
    }

    /// The process to run: process.json as given, or the container's own
    /// process with the command line and the flags applied, as runc does.
    static func process(_ args: ParsedArguments, id: String, runtime: Runtime) throws -> Process {
        let command = Array(args.positionals.dropFirst())
        if let file = args.string("--process") {
            guard command.isEmpty else { throw UsageError("exec: a command line and --process exclude each other") }
            let bytes: [UInt8]
            do {
                bytes = try Sys.readDocument(file)
            } catch let e as RuntimeError {
                throw e.errno == nil ? e : RuntimeError("read --process", path: file, errno: e.errno)
            }
            return try decodeJSONDocument(Process.self, from: Data(bytes), file: file)
        }
        guard !command.isEmpty else { throw UsageError("exec: requires a command (or --process)") }
        var p = try runtime.configuredProcess(id: id)
        p.args = command
        p.terminal = args.bool("--tty")
        p.consoleSize = nil
        p.env = Environment.merging(p.env ?? [], overrides: args.strings("--env"))
        if let cwd = args.string("--cwd") { p.cwd = cwd }
        if let user = args.string("--user") {
            let parts = user.split(separator: ":", omittingEmptySubsequences: false)
            guard (1...2).contains(parts.count), let uid = UInt32(parts[0]),
                  parts.count == 1 || UInt32(parts[1]) != nil else {
                throw UsageError("exec --user \(user): want <uid>[:<gid>] in numbers")
            }
            p.user.uid = uid
            p.user.gid = parts.count == 2 ? UInt32(parts[1])! : 0
        }
        let gids = try args.strings("--additional-gids").map { g -> UInt32 in
            guard let n = UInt32(g) else { throw UsageError("exec --additional-gids \(g): want a number") }
            return n
        }
        if !gids.isEmpty { p.user.additionalGids = gids }
        if args.bool("--no-new-privs") { p.noNewPrivileges = true }
        if let a = args.string("--apparmor"), !a.isEmpty { p.apparmorProfile = a }
        if let l = args.string("--process-label"), !l.isEmpty { p.selinuxLabel = l }
        let caps = args.strings("--cap")
        if !caps.isEmpty {
            var c = p.capabilities ?? LinuxCapabilities()
            // Not inheritable nor ambient: a capability there would survive
            // into what the process execs (runc's CVE-2022-29162).
            c.bounding = (c.bounding ?? []) + caps
            c.effective = (c.effective ?? []) + caps
            c.permitted = (c.permitted ?? []) + caps
            p.capabilities = c
        }
        return p
    }
}
