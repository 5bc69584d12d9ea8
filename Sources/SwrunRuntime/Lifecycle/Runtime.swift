/// The entry point of every lifecycle operation: where state lives, where
/// logs go, and the global options of the invocation.
/// The CLI goes through its methods only: the state store and the cgroup
/// code stay inside the library.
public struct Runtime {
    let store: StateStore
    public let log: Logger
    public let systemdCgroup: Bool
    /// `--rootless` (runc's rootless cgroup manager): a new container whose
    /// cgroups the caller may not make, with no `linux.cgroupsPath` and no
    /// limits, runs without them.
    public let rootlessCgroups: Bool

    /// `stickyRoot`: the root is the $XDG_RUNTIME_DIR default, made 01700
    /// (runc's rule: the XDG spec prunes what is not sticky).
    public init(root: String, log: Logger, systemdCgroup: Bool = false, rootlessCgroups: Bool = false,
                stickyRoot: Bool = false) {
        var store = StateStore(root: root)
        if stickyRoot { store.rootMode = 0o1700 }
        self.store = store
        self.log = log
        self.systemdCgroup = systemdCgroup
        self.rootlessCgroups = rootlessCgroups
    }
}
