/// Verbs of runc's CLI that swrun has not implemented yet: known, so that
/// callers get a clear "not supported" instead of "unknown command".
enum PlannedVerbs {
    static let names: [String: String] = [
        "checkpoint": "checkpoint a running container",
        "restore": "restore a container from a previous checkpoint",
    ]
}
