/// A hand-written parser for runc's command-line grammar: `--flag value`,
/// `--flag=value`, `-f value`, boolean flags, and positional arguments.
/// It is on the hot path of every invocation, so it stays small.
struct FlagSpec {
    var names: [String]          // "--bundle", "-b"
    var takesValue: Bool
    var help: String
    var repeatable = false

    static func value(_ names: String..., help: String, repeatable: Bool = false) -> FlagSpec {
        FlagSpec(names: names, takesValue: true, help: help, repeatable: repeatable)
    }
    static func bool(_ names: String..., help: String) -> FlagSpec {
        FlagSpec(names: names, takesValue: false, help: help)
    }
}

struct UsageError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

struct ParsedArguments {
    var values: [String: [String]] = [:]   // canonical name → values
    var positionals: [String] = []

    func has(_ name: String) -> Bool { values[name] != nil }
    func string(_ name: String) -> String? { values[name]?.last }
    func strings(_ name: String) -> [String] { values[name] ?? [] }

    func bool(_ name: String) -> Bool {
        guard let v = values[name]?.last else { return false }
        return v != "false"
    }

    func int(_ name: String) throws -> Int? {
        guard let v = string(name) else { return nil }
        guard let n = Int(v) else { throw UsageError("\(name): invalid value \"\(v)\": want a number") }
        return n
    }

    /// Parses args against specs. With `stopAtPositional`, everything from
    /// the first positional on is positional (exec's command and its flags).
    static func parse(_ args: ArraySlice<String>, specs: [FlagSpec], stopAtPositional: Bool) throws -> ParsedArguments {
        var out = ParsedArguments()
        var i = args.startIndex
        while i < args.endIndex {
            let arg = args[i]
            i += 1
            if arg == "--" {
                out.positionals += args[i...]
                break
            }
            guard arg.hasPrefix("-"), arg != "-" else {
                out.positionals.append(arg)
                if stopAtPositional {
                    out.positionals += args[i...]
                    break
                }
                continue
            }
            var name = arg
            var inline: String?
            if let eq = arg.firstIndex(of: "=") {
                name = String(arg[..<eq])
                inline = String(arg[arg.index(after: eq)...])
            }
            // runc accepts single-dash long names too (-bundle, -pid-file).
            let spec = specs.first { $0.names.contains(name) }
                ?? specs.first { $0.names.contains("-" + name) && !name.hasPrefix("--") }
            guard let spec else { throw UsageError("flag provided but not defined: \(name)") }
            let key = spec.names[0]
            let value: String
            if spec.takesValue {
                if let inline {
                    value = inline
                } else {
                    guard i < args.endIndex else { throw UsageError("flag needs an argument: \(name)") }
                    value = args[i]
                    i += 1
                }
            } else {
                value = inline ?? "true"
            }
            if spec.repeatable { out.values[key, default: []].append(value) } else { out.values[key] = [value] }
        }
        return out
    }
}
