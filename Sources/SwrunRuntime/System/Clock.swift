import Glibc

/// Timestamps in the formats runc writes: RFC 3339 with nanoseconds for
/// `created`, whole seconds for log lines.
public enum Clock {
    public static func rfc3339(nanos: Bool) -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return rfc3339(seconds: ts.tv_sec, nanoseconds: nanos ? ts.tv_nsec : nil)
    }

    /// UTC, computed and formatted by hand: glibc's gmtime_r and strftime
    /// both read /etc/localtime first (tzset).
    static func rfc3339(seconds: time_t, nanoseconds: Int?) -> String {
        let days = Int(seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400)
        let secs = Int(seconds) - days * 86400
        // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ v: Int, _ width: Int) -> String {
            let d = String(v)
            return String(repeating: "0", count: max(0, width - d.count)) + d
        }
        var s = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
            + "T" + pad(secs / 3600, 2) + ":" + pad(secs / 60 % 60, 2) + ":" + pad(secs % 60, 2)
        if let nanoseconds { s += "." + pad(nanoseconds, 9) }
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
