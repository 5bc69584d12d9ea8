import FoundationEssentials

/// `linux.intelRdt`: Intel Resource Director Technology (resctrl) settings.
public struct LinuxIntelRdt: Codable, Equatable, Sendable {
    public var closID: String?
    public var l3CacheSchema: String?
    /// Must start with `MB:`.
    public var memBwSchema: String?
    /// Lines for the resctrl `schemata` file.
    public var schemata: [String]?
    public var enableMonitoring: Bool?

    public init(
        closID: String? = nil,
        l3CacheSchema: String? = nil,
        memBwSchema: String? = nil,
        schemata: [String]? = nil,
        enableMonitoring: Bool? = nil
    ) {
        self.closID = closID
        self.l3CacheSchema = l3CacheSchema
        self.memBwSchema = memBwSchema
        self.schemata = schemata
        self.enableMonitoring = enableMonitoring
    }
}
