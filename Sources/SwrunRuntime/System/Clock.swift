import Glibc

/// Timestamps in the formats runc writes: RFC 3339 with nanoseconds for
/// `created`, whole seconds for log lines.
public enum Clock {
    public static func rfc3339(nanos: Bool) -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var t = ts.tv_sec
        var tm = tm()
        gmtime_r(&t, &tm)
        var buf = [CChar](repeating: 0, count: 64)
        strftime(&buf, buf.count, "%Y-%m-%dT%H:%M:%S", &tm)
        var s = String(cString: buf)
        if nanos {
            let n = String(ts.tv_nsec)
            s += "." + String(repeating: "0", count: 9 - n.count) + n
        }
        return s + "Z"
    }
}

extension Clock {
    public static func monotonicMillis() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}
