import FoundationEssentials

/// A problem with a JSON document (usually `config.json`), located by a JSON
/// path such as `process.user.uid` or `linux.namespaces[1]`.
public struct SpecError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The document, e.g. `config.json`.
    public var file: String
    /// Dots between keys, `[i]` for array indices, `["k"]` for map keys that
    /// are not plain identifiers; empty for the whole document.
    public var path: String
    public var message: String

    public init(file: String = "config.json", path: String, message: String) {
        self.file = file
        self.path = path
        self.message = message
    }

    public var description: String {
        path.isEmpty ? "\(file): \(message)" : "\(file): \(path): \(message)"
    }
}

/// Builds JSON paths the way `SpecError` prints them.
enum JSONPath {
    /// `base.key`, or `base["key"]` when the key is not identifier-like
    /// (map keys such as sysctl names contain dots).
    static func key(_ base: String, _ key: String) -> String {
        let plain = !key.isEmpty && key.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c == 0x2D
        }
        if !plain { return "\(base)[\(quoted(key))]" }
        return base.isEmpty ? key : "\(base).\(key)"
    }

    static func index(_ base: String, _ index: Int) -> String {
        "\(base)[\(index)]"
    }

    /// A path from a Codable coding path. Array positions are the keys whose
    /// string form is `Index N` (the convention of JSONDecoder).
    static func from(_ codingPath: [CodingKey]) -> String {
        var path = ""
        for key in codingPath {
            if let i = key.intValue, key.stringValue == "Index \(i)" {
                path = index(path, i)
            } else {
                path = self.key(path, key.stringValue)
            }
        }
        return path
    }
}

/// A string in double quotes, with quotes, backslashes and control
/// characters escaped; a long one is cut, saying its length.
func quoted(_ s: String) -> String {
    let limit = 256
    guard s.utf8.count > limit else { return jsonQuoted(s) }
    return jsonQuoted(String(decoding: s.utf8.prefix(limit), as: UTF8.self)) + "... (\(s.utf8.count) bytes)"
}
