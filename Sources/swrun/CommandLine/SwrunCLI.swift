import Glibc
import SwrunRuntime

/// Global flags, verb dispatch, and the error rule: every failure is one
/// line on stderr (and in --log, in its format) and a non-zero exit.
enum SwrunCLI {
    static let verbs: [any Verb.Type] = [
        CreateVerb.self, StartVerb.self, RunVerb.self, StateVerb.self, KillVerb.self,
        DeleteVerb.self, ListVerb.self, SpecVerb.self, FeaturesVerb.self, ExecVerb.self,
        PauseVerb.self, ResumeVerb.self, UpdateVerb.self, PsVerb.self, EventsVerb.self,
        CheckpointVerb.self, RestoreVerb.self,
    ]

    static let globalFlags: [FlagSpec] = [
        .value("--root", help: "root directory for storage of container state (default: \"/run/swrun\", or \"$XDG_RUNTIME_DIR/swrun\" for a user other than root)"),
        .value("--log", help: "set the log file to write swrun logs to (default is stderr)"),
        .value("--log-format", help: "set the log format ('text' (default), or 'json')"),
        .bool("--debug", help: "enable debug logging"),
        .bool("--systemd-cgroup", help: "use systemd for cgroups: a transient scope per container, of the caller's systemd user manager when rootless (cgroup v2 with systemd as pid 1)"),
        .value("--rootless", help: "ignore cgroup permission errors ('true', 'false', or 'auto' (default))"),
        .value("--criu", help: "path to the criu binary used for checkpoint/restore (default: \"criu\")"),
        .bool("--version", "-v", help: "print the version"),
        .bool("--help", "-h", help: "show help"),
    ]

    static func main(_ argv: [String]) -> Int32 {
        // Global flags come before the verb.
        var verbIndex = 0
        while verbIndex < argv.count, argv[verbIndex].hasPrefix("-") {
            let a = argv[verbIndex]
            let name = a.split(separator: "=", maxSplits: 1).first.map(String.init) ?? a
            let spec = globalFlags.first { $0.names.contains(name) }
            verbIndex += (spec?.takesValue == true && !a.contains("=")) ? 2 : 1
        }
        var global = GlobalOptions()
        let parsed: ParsedArguments
        do {
            parsed = try ParsedArguments.parse(argv.prefix(min(verbIndex, argv.count))[...], specs: globalFlags,
                                               stopAtPositional: false)
            if let root = parsed.string("--root") {
                // A relative root is the caller's, as runc makes it absolute.
                guard !root.isEmpty else { throw UsageError("--root: must not be empty") }
                global.root = root.hasPrefix("/") ? root : Sys.getcwd() + "/" + root
            }
            global.logPath = parsed.string("--log")
            global.debug = parsed.bool("--debug")
            global.systemdCgroup = parsed.bool("--systemd-cgroup")
            global.rootless = try Rootless.parse(parsed.string("--rootless"))
            global.criu = parsed.string("--criu")
            if let f = parsed.string("--log-format") {
                guard let format = Logger.Format(rawValue: f) else {
                    throw UsageError("--log-format: invalid value \"\(f)\": want text or json")
                }
                global.logFormat = format
            }
            global.log = try Logger(path: global.logPath, format: global.logFormat, debug: global.debug)
        } catch {
            return fail(error, global)
        }
        if parsed.bool("--version") {
            Output.write(RuntimeFeatures.versionText())
            return 0
        }
        guard verbIndex < argv.count else {
            Output.write(usage)
            return parsed.bool("--help") ? 0 : 1
        }
        let verbName = argv[verbIndex]
        let rest = argv[(verbIndex + 1)...]
        if verbName == "help" {
            if let v = rest.first, let verb = verbs.first(where: { $0.name == v }) { Output.write(verb.help) } else { Output.write(usage) }
            return 0
        }
        guard let verb = verbs.first(where: { $0.name == verbName }) else {
            return fail(UsageError("unknown command \"\(verbName)\" (see swrun --help)"), global)
        }
        do {
            let args = try ParsedArguments.parse(rest, specs: verb.flags + [.bool("--help", "-h", help: "")],
                                                 stopAtPositional: verb.stopAtPositional)
            if args.bool("--help") {
                Output.write(verb.help)
                return 0
            }
            return try verb.run(args, global)
        } catch {
            return fail(error, global)
        }
    }

    /// An error fits in a log line: a value echoed from the input (a 16 MiB
    /// string in config.json) is cut, saying how long it was.
    static let maxErrorBytes = 4096

    static func fail(_ error: Error, _ global: GlobalOptions) -> Int32 {
        var msg = "\(error)"
        if msg.utf8.count > maxErrorBytes {
            let total = msg.utf8.count
            msg = String(decoding: msg.utf8.prefix(maxErrorBytes), as: UTF8.self) + "... (\(total) bytes, cut)"
        }
        global.log.error(msg)
        Stderr.write("swrun: " + msg + "\n")
        return 1
    }

    static var usage: String {
        var s = "NAME:\n   swrun - an OCI container runtime\n\nUSAGE:\n   swrun [global options] command [command options] [arguments...]\n\nCOMMANDS:\n"
        for v in verbs { s += "   " + v.name.padding(12) + v.summary + "\n" }
        s += "\nGLOBAL OPTIONS:\n"
        for f in globalFlags {
            s += "   " + (f.names.joined(separator: ", ") + (f.takesValue ? " value" : "")).padding(28) + " " + f.help + "\n"
        }
        return s
    }
}
