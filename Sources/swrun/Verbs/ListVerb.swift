import OCI

enum ListVerb: Verb {
    static let name = "list"
    static let usage = "list [command options]"
    static let summary = "list containers started by swrun with the given root"
    static let flags: [FlagSpec] = [
        .value("--format", "-f", help: "select one of: table or json (default: \"table\")"),
        .bool("--quiet", "-q", help: "display only container IDs"),
    ]

    static func run(_ args: ParsedArguments, _ global: GlobalOptions) throws -> Int32 {
        guard args.positionals.isEmpty else { throw UsageError("list: takes no arguments") }
        let runtime = try global.runtime()
        let states = runtime.list()
        let format = args.string("--format") ?? "table"
        if args.bool("--quiet") {
            Output.write(states.map { $0.id + "\n" }.joined())
            return 0
        }
        switch format {
        case "json":
            Output.write(String(decoding: encodeJSONCompact(states), as: UTF8.self) + "\n")
        case "table":
            Output.write(table(states, owner: runtime.ownerName))
        default:
            throw UsageError("list: invalid format \"\(format)\": want table or json")
        }
        return 0
    }

    static func table(_ states: [ContainerState], owner: (String) -> String) -> String {
        let header = ["ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"]
        let rows = states.map { s in
            [s.id, "\(s.pid ?? 0)", s.status.rawValue, s.bundle, s.created ?? "", owner(s.id)]
        }
        var widths = header.map(\.count)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        func line(_ cols: [String]) -> String {
            cols.enumerated().map { i, c in i == cols.count - 1 ? c : c.padding(widths[i] + 3) }.joined() + "\n"
        }
        return line(header) + rows.map(line).joined()
    }
}
