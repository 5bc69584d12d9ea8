import OCI
import SwrunRuntime

enum EventsVerb: Verb {
    static let name = "events"
    static let usage = "events [command options] <container-id>"
    static let summary = "display container events such as OOM notifications, cpu, memory, and IO usage statistics"
    static let flags: [FlagSpec] = [
        .value("--interval", help: "set the stats collection interval (default: 5s)"),
        .bool("--stats", help: "display the container's stats then exit"),
    ]

    static func run(_ args: ParsedArguments, _ global: GlobalOptions) throws -> Int32 {
        let id = try containerID(args)
        let interval = try duration(args.string("--interval") ?? "5s")
        try global.runtime().events(id: id, statsOnly: args.bool("--stats"), intervalMillis: interval) { event in
            Output.write(String(decoding: encodeJSONCompact(event), as: UTF8.self) + "\n")
        }
        return 0
    }

    /// "5s", "500ms", "1m" (Go's duration syntax, the units runc users write).
    static func duration(_ s: String) throws -> Int {
        for (unit, ms) in [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)] where s.hasSuffix(unit) {
            if let n = Double(s.dropLast(unit.count)), n > 0 { return max(1, Int(n * Double(ms))) }
        }
        throw UsageError("events --interval \(s): want a duration like 5s or 500ms")
    }
}
