import OCI

/// One value written to one file of a controller, in order.
public struct CgroupWrite: Equatable, CustomStringConvertible {
    public var controller: String
    public var file: String
    public var value: String
    /// The config field the value comes from, for error messages.
    public var field: String
    /// Set where the kernel clamps an out-of-range value instead of failing
    /// the write (cpu.shares): the value is read back and a difference is
    /// an error naming this range, as runc reports it.
    public var clampedBy: String?

    public init(_ controller: String, _ file: String, _ value: String, field: String, clampedBy: String? = nil) {
        self.controller = controller
        self.file = file
        self.value = value
        self.field = field
        self.clampedBy = clampedBy
    }

    public var description: String { "\(file)=\(value)" }
}

/// How a cgroup version spells "no limit" for a signed value.
enum Limit {
    static func v1(_ n: Int64) -> String { n < 0 ? "-1" : String(n) }
    static func v2(_ n: Int64) -> String { n < 0 ? "max" : String(n) }
}
