import Glibc
import SwrunRuntime

/// One swrun verb: its flags, its help, and what it does.
protocol Verb {
    static var name: String { get }
    static var usage: String { get }
    static var summary: String { get }
    static var flags: [FlagSpec] { get }
    /// exec and run take a command line after the id: stop flag parsing there.
    static var stopAtPositional: Bool { get }
    static func run(_ args: ParsedArguments, _ global: GlobalOptions) throws -> Int32
}

extension Verb {
    static var stopAtPositional: Bool { false }

    static var help: String {
        var s = "NAME:\n   swrun \(name) - \(summary)\n\nUSAGE:\n   swrun \(usage)\n"
        let all = flags + [FlagSpec.bool("--help", "-h", help: "show help")]
        s += "\nOPTIONS:\n"
        for f in all {
            let names = f.names.joined(separator: ", ") + (f.takesValue ? " value" : "")
            s += "   " + names.padding(28) + " " + f.help + "\n"
        }
        return s
    }

    /// The single container id the verb takes.
    static func containerID(_ args: ParsedArguments) throws -> String {
        guard let id = args.positionals.first else {
            throw UsageError("\(name): requires exactly 1 argument: the container id")
        }
        guard args.positionals.count == 1 else {
            throw UsageError("\(name): requires exactly 1 argument, got \(args.positionals.count)")
        }
        return id
    }
}

extension String {
    func padding(_ n: Int) -> String {
        count >= n ? self : self + String(repeating: " ", count: n - count)
    }
}

/// The flags given before the verb, and the runtime they select.
struct GlobalOptions {
    /// `--root`, made absolute; nil: `Rootless.stateRoot()` picks one.
    var root: String?
    var logPath: String?
    var logFormat = Logger.Format.text
    var debug = false
    var systemdCgroup = false
    /// `--rootless`: nil is auto.
    var rootless: Bool?
    /// `--criu`: the CRIU binary for checkpoint and restore.
    var criu: String?
    var log = Logger.none

    func runtime() throws -> Runtime {
        let (path, xdg) = try root.map { ($0, false) } ?? Rootless.stateRoot()
        return Runtime(root: path, log: log, systemdCgroup: systemdCgroup,
                       rootlessCgroups: Rootless.cgroups(flag: rootless, systemd: systemdCgroup), stickyRoot: xdg)
    }
}

enum Output {
    static func write(_ s: String) {
        var bytes = Array(s.utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(1, $0.baseAddress! + off, $0.count - off) }
            if n <= 0 { if n < 0 && errno == EINTR { continue }; return }
            off += n
        }
    }
}
