/// The namespace types of config.json and their clone(2) flags.
public enum NamespaceKinds {
    public static let newns: Int32 = 0x0002_0000
    public static let newcgroup: Int32 = 0x0200_0000
    public static let newuts: Int32 = 0x0400_0000
    public static let newipc: Int32 = 0x0800_0000
    public static let newuser: Int32 = 0x1000_0000
    public static let newpid: Int32 = 0x2000_0000
    public static let newnet: Int32 = 0x4000_0000
    public static let newtime: Int32 = 0x80

    /// config.json type → clone flag, in the order namespaces are joined
    /// (user first: joining it grants the rights to join the others).
    public static let ordered: [(String, Int32)] = [
        ("user", newuser), ("ipc", newipc), ("uts", newuts), ("network", newnet),
        ("pid", newpid), ("cgroup", newcgroup), ("time", newtime), ("mount", newns),
    ]

    public static func flag(_ type: String) -> Int32? {
        ordered.first { $0.0 == type }?.1
    }

    public static func names(cloneFlags: Int32) -> String {
        ordered.filter { cloneFlags & $0.1 != 0 }.map { $0.0 }.joined(separator: ",")
    }
}
