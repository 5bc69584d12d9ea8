import CShim
import Glibc

/// Capability names → bit numbers, through libcap's own table.
public enum Capabilities {
    /// The highest capability the running kernel knows.
    public static let lastCap: Int = {
        if let t = try? Sys.readText("/proc/sys/kernel/cap_last_cap"),
           let n = Int(t.trimmed) { return n }
        return 40
    }()

    /// The bit number of a name like "CAP_SYS_ADMIN"; nil when unknown.
    public static func number(_ name: String) -> Int? {
        guard name.hasPrefix("CAP_") else { return nil }
        var value: cap_value_t = 0
        let r = name.lowercased().withCString { cap_from_name($0, &value) }
        return r == 0 ? Int(value) : nil
    }

    /// A mask of the names, each looked up. Names libcap or the running
    /// kernel does not know are skipped, as runc does (create and exec warn
    /// of them: `capabilityWarnings`).
    public static func mask(_ names: [String]?) -> UInt64 {
        var mask: UInt64 = 0
        for name in names ?? [] {
            if let n = number(name), n <= lastCap && n < 64 { mask |= 1 << UInt64(n) }
        }
        return mask
    }
}
