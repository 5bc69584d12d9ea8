import Glibc

/// With SWRUN_TRACE_TIMING set, prints how long each phase of a verb took
/// to stderr: the way to see where create/start time goes.
///
/// SWRUN_FAULT_AFTER=PHASE makes the process SIGKILL itself once PHASE is
/// done: the fault-injection tests use it to prove that a runtime killed
/// at any point leaves what `delete --force` can remove.
public enum PhaseTimer {
    static let enabled = getenv("SWRUN_TRACE_TIMING") != nil
    static let faultAfter = getenv("SWRUN_FAULT_AFTER").map { String(cString: $0) }
    nonisolated(unsafe) static var last = now()

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) * 1000 + Double(ts.tv_nsec) / 1_000_000
    }

    public static func mark(_ phase: String) {
        if phase == faultAfter { kill(getpid(), SIGKILL) }
        guard enabled else { return }
        let t = now()
        let line = "swrun timing: \(phase) \(Int((t - last) * 1000)) us\n"
        last = t
        Stderr.write(line)
    }
}
