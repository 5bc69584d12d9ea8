/// Verbs of runc's CLI that swrun has not implemented yet: known, so that
/// callers get a clear "not supported" instead of "unknown command".
enum PlannedVerbs {
    static let names: [String: String] = [
        "ps": "ps displays the processes running inside a container",
        "pause": "pause suspends all processes inside the container",
        "resume": "resumes all processes that have been previously paused",
        "update": "update container resource constraints",
        "events": "display container events such as OOM notifications, cpu, memory, and IO usage statistics",
        "checkpoint": "checkpoint a running container",
        "restore": "restore a container from a previous checkpoint",
    ]
}
