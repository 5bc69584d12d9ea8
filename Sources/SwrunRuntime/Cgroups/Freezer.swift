/// A cgroup's freezer as files: the one the wanted state is written to,
/// and the one the kernel reports the state in once reached (in v2 they
/// differ, and the report lags the request).
struct Freezer {
    var dir: String
    var control: String
    var frozenValue: String
    var thawedValue: String
    var report: String
    var frozenReport: String
    var thawedReport: String

    /// Writes the state and waits until the kernel reports it; a freeze
    /// that does not complete is undone.
    func set(frozen: Bool) throws {
        let value = frozen ? frozenValue : thawedValue
        let want = frozen ? frozenReport : thawedReport
        for _ in 0..<1000 {
            try CgroupFile.write(dir, control, value)
            let state = (try? Sys.readText(dir + "/" + report)) ?? ""
            if state.split(separator: "\n").contains(where: { $0.hasPrefix(want) }) { return }
            Sys.sleepMillis(1)
        }
        if frozen { try? CgroupFile.write(dir, control, thawedValue) }
        throw RuntimeError("\(frozen ? "freeze" : "thaw") did not complete: \(dir)/\(report) never read \"\(want)\"")
    }

    /// `freezer`'s set, or the error for a host without one.
    static func set(_ freezer: Freezer?, frozen: Bool) throws {
        guard let freezer else { throw unavailable(frozen: frozen) }
        try freezer.set(frozen: frozen)
    }

    static func unavailable(frozen: Bool) -> RuntimeError {
        RuntimeError("\(frozen ? "pause" : "resume"): this host has neither a v1 freezer nor cgroup v2")
    }
}
