/// The entry point of every lifecycle operation: where state lives, where
/// logs go, and the global options of the invocation.
public struct Runtime {
    public let store: StateStore
    public let log: Logger
    public let systemdCgroup: Bool

    public init(root: String, log: Logger, systemdCgroup: Bool = false) {
        self.store = StateStore(root: root)
        self.log = log
        self.systemdCgroup = systemdCgroup
    }
}
