/// `NAME=value` lists as a process gets them.
public enum Environment {
    /// `base` with each of `overrides` appended after removing every entry
    /// of the same name: `exec --env PATH=...` must not leave the config's
    /// PATH first, where programs find it.
    public static func merging(_ base: [String], overrides: [String]) -> [String] {
        var out = base
        for entry in overrides {
            let name = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            out.removeAll { $0 == name || $0.hasPrefix(name + "=") }
            out.append(entry)
        }
        return out
    }
}
