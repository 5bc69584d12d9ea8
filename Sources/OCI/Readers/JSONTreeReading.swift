// Hand-written readers from a parsed `JSONNode` tree for `Spec` and every
// type inside it, used instead of Codable: in a fresh process Codable spends
// most of half a millisecond instantiating the metadata of its generic
// containers (one KeyedDecodingContainer<CodingKeys> and more per type).
// The readers must accept and reject exactly what the Codable conformances
// do, with the same messages; OCITests/TreeReaderDifferentialTests decodes
// documents both ways and compares.
//
// Rules mirrored from the Codable path:
//   - members are read in the order the Codable init reads them, so that
//     the first error reported is the same;
//   - an optional member that is missing or `null` is nil;
//   - a required member that is missing is "missing required field", one
//     that is `null` is a type mismatch ("expected a string, got null");
//   - unknown members are ignored (config.md: "MAY log ... but MUST
//     otherwise ignore them"); decodeSpec(from:unknownProperties:) lists them.

/// A type that can be read from a JSON tree without Codable.
protocol JSONTreeReadable {
    init(tree: JSONNode, path: JSONPathBuilder) throws
}

/// Where a value sits in the document; only turned into text for an error.
indirect enum JSONPathBuilder {
    case root
    case member(JSONPathBuilder, String)
    case element(JSONPathBuilder, Int)

    func appending(key: String) -> JSONPathBuilder { .member(self, key) }
    func appending(index: Int) -> JSONPathBuilder { .element(self, index) }

    /// As `SpecError.path` spells it, e.g. `linux.namespaces[1]`.
    var rendered: String {
        switch self {
        case .root: return ""
        case .member(let parent, let key): return JSONPath.key(parent.rendered, key)
        case .element(let parent, let index): return JSONPath.index(parent.rendered, index)
        }
    }
}

/// A reader's failure; `message` is worded as `SpecError(decodingError:)` words it.
struct JSONReadError: Error {
    var path: JSONPathBuilder
    var message: String

    /// "expected a string, got the number 7", "expected an object, got null"...
    static func mismatch(_ expected: String, _ node: JSONNode, _ path: JSONPathBuilder) -> JSONReadError {
        JSONReadError(path: path, message: "expected \(expected), got \(node.kindDescription)")
    }
}

extension SpecError {
    init(file: String, readError: JSONReadError) {
        self.init(file: file, path: readError.path.rendered, message: readError.message)
    }
}

// MARK: - Scalars
// Paths are autoclosures so that the happy path allocates nothing for them.

func readString(_ node: JSONNode, at path: @autoclosure () -> JSONPathBuilder) throws -> String {
    guard case .string(let value) = node else { throw JSONReadError.mismatch("a string", node, path()) }
    return value
}

func readBool(_ node: JSONNode, at path: @autoclosure () -> JSONPathBuilder) throws -> Bool {
    guard case .bool(let value) = node else { throw JSONReadError.mismatch("a boolean", node, path()) }
    return value
}

func readInt(_ node: JSONNode, at path: @autoclosure () -> JSONPathBuilder) throws -> Int {
    try readInteger(node, "Int", path)
}

func readInt32(_ node: JSONNode, at path: @autoclosure () -> JSONPathBuilder) throws -> Int32 {
    try readInteger(node, "Int32", path)
}

func readInt64(_ node: JSONNode, at path: @autoclosure () -> JSONPathBuilder) throws -> Int64 {
    try readInteger(node, "Int64", path)
}

func readUInt(_ node: JSONNode, at path: @autoclosure () -> JSONPathBuilder) throws -> UInt {
    try readInteger(node, "UInt", path)
}

func readUInt16(_ node: JSONNode, at path: @autoclosure () -> JSONPathBuilder) throws -> UInt16 {
    try readInteger(node, "UInt16", path)
}

func readUInt32(_ node: JSONNode, at path: @autoclosure () -> JSONPathBuilder) throws -> UInt32 {
    try readInteger(node, "UInt32", path)
}

func readUInt64(_ node: JSONNode, at path: @autoclosure () -> JSONPathBuilder) throws -> UInt64 {
    try readInteger(node, "UInt64", path)
}

/// The rules of `TreeSingleValueContainer`'s integer decoding: plain
/// integers, or whole numbers spelled with a fraction or exponent (`1e3`,
/// `5.0`) that fit. Only used with the standard integer types, whose
/// metadata is static.
private func readInteger<T: FixedWidthInteger>(
    _ node: JSONNode, _ typeName: String, _ path: () -> JSONPathBuilder
) throws -> T {
    guard case .number(let text) = node else {
        throw JSONReadError.mismatch("a number (\(typeName))", node, path())
    }
    if let value = T(text) { return value }
    let double = Double(text)
    if let d = double, d.rounded() == d, let value = T(exactly: d) { return value }
    let reason = (double.map { $0.rounded() != $0 } ?? false) ? "not a whole number" : "out of range"
    throw JSONReadError(path: path(), message: "expected a number (\(typeName)), got \(text) (\(reason))")
}

// MARK: - Containers

func readStringArray(_ node: JSONNode, at path: @autoclosure () -> JSONPathBuilder) throws -> [String] {
    guard case .array(let elements) = node else { throw JSONReadError.mismatch("an array", node, path()) }
    var out: [String] = []
    out.reserveCapacity(elements.count)
    for (i, element) in elements.enumerated() {
        out.append(try readString(element, at: path().appending(index: i)))
    }
    return out
}

func readUInt32Array(_ node: JSONNode, at path: @autoclosure () -> JSONPathBuilder) throws -> [UInt32] {
    guard case .array(let elements) = node else { throw JSONReadError.mismatch("an array", node, path()) }
    var out: [UInt32] = []
    out.reserveCapacity(elements.count)
    for (i, element) in elements.enumerated() {
        out.append(try readUInt32(element, at: path().appending(index: i)))
    }
    return out
}

/// A map's entries in the members' own order, which is the order in which
/// Codable's `Dictionary` decoding visits them (it matters only for which
/// of several bad entries is reported).
func readStringMap(_ node: JSONNode, at path: @autoclosure () -> JSONPathBuilder) throws -> [String: String] {
    guard case .object(let members) = node else { throw JSONReadError.mismatch("an object", node, path()) }
    var out: [String: String] = [:]
    out.reserveCapacity(members.count)
    for (key, value) in members {
        out[key] = try readString(value, at: path().appending(key: key))
    }
    return out
}

func readArray<T: JSONTreeReadable>(_ node: JSONNode, at path: JSONPathBuilder) throws -> [T] {
    guard case .array(let elements) = node else { throw JSONReadError.mismatch("an array", node, path) }
    var out: [T] = []
    out.reserveCapacity(elements.count)
    for (i, element) in elements.enumerated() {
        out.append(try T(tree: element, path: path.appending(index: i)))
    }
    return out
}

func readMap<T: JSONTreeReadable>(_ node: JSONNode, at path: JSONPathBuilder) throws -> [String: T] {
    guard case .object(let members) = node else { throw JSONReadError.mismatch("an object", node, path) }
    var out: [String: T] = [:]
    out.reserveCapacity(members.count)
    for (key, value) in members {
        out[key] = try T(tree: value, path: path.appending(key: key))
    }
    return out
}

// MARK: - Objects

/// The members of one JSON object, read one field at a time. While an
/// `UnknownProperties` collection is active, the members nobody read are
/// reported to it when the reader goes away.
final class JSONObjectReader {
    let members: [String: JSONNode]
    let path: JSONPathBuilder
    private var unread: Set<String>?

    init(_ node: JSONNode, at path: JSONPathBuilder) throws {
        guard case .object(let members) = node else { throw JSONReadError.mismatch("an object", node, path) }
        self.members = members
        self.path = path
        if UnknownProperties.active != nil { unread = Set(members.keys) }
    }

    deinit {
        guard let unread, !unread.isEmpty, let sink = UnknownProperties.active else { return }
        for key in unread.sorted() { sink.paths.append(path.appending(key: key).rendered) }
    }

    /// A required member; a `null` one is left to the value reader to reject.
    func required(_ key: String) throws -> JSONNode {
        unread?.remove(key)
        guard let node = members[key] else {
            throw JSONReadError(path: path, message: "missing required field \(quoted(key))")
        }
        return node
    }

    /// An optional member: missing and `null` both mean nil.
    func optional(_ key: String) -> JSONNode? {
        unread?.remove(key)
        guard let node = members[key] else { return nil }
        if case .null = node { return nil }
        return node
    }

    func string(_ key: String) throws -> String {
        try readString(required(key), at: path.appending(key: key))
    }

    func optionalString(_ key: String) throws -> String? {
        guard let node = optional(key) else { return nil }
        return try readString(node, at: path.appending(key: key))
    }

    func bool(_ key: String) throws -> Bool {
        try readBool(required(key), at: path.appending(key: key))
    }

    func optionalBool(_ key: String) throws -> Bool? {
        guard let node = optional(key) else { return nil }
        return try readBool(node, at: path.appending(key: key))
    }

    func int(_ key: String) throws -> Int {
        try readInt(required(key), at: path.appending(key: key))
    }

    func optionalInt(_ key: String) throws -> Int? {
        guard let node = optional(key) else { return nil }
        return try readInt(node, at: path.appending(key: key))
    }

    func optionalInt32(_ key: String) throws -> Int32? {
        guard let node = optional(key) else { return nil }
        return try readInt32(node, at: path.appending(key: key))
    }

    func int64(_ key: String) throws -> Int64 {
        try readInt64(required(key), at: path.appending(key: key))
    }

    func optionalInt64(_ key: String) throws -> Int64? {
        guard let node = optional(key) else { return nil }
        return try readInt64(node, at: path.appending(key: key))
    }

    func uint(_ key: String) throws -> UInt {
        try readUInt(required(key), at: path.appending(key: key))
    }

    func optionalUInt16(_ key: String) throws -> UInt16? {
        guard let node = optional(key) else { return nil }
        return try readUInt16(node, at: path.appending(key: key))
    }

    func uint32(_ key: String) throws -> UInt32 {
        try readUInt32(required(key), at: path.appending(key: key))
    }

    func optionalUInt32(_ key: String) throws -> UInt32? {
        guard let node = optional(key) else { return nil }
        return try readUInt32(node, at: path.appending(key: key))
    }

    func uint64(_ key: String) throws -> UInt64 {
        try readUInt64(required(key), at: path.appending(key: key))
    }

    func optionalUInt64(_ key: String) throws -> UInt64? {
        guard let node = optional(key) else { return nil }
        return try readUInt64(node, at: path.appending(key: key))
    }

    func stringArray(_ key: String) throws -> [String] {
        try readStringArray(required(key), at: path.appending(key: key))
    }

    func optionalStringArray(_ key: String) throws -> [String]? {
        guard let node = optional(key) else { return nil }
        return try readStringArray(node, at: path.appending(key: key))
    }

    func optionalUInt32Array(_ key: String) throws -> [UInt32]? {
        guard let node = optional(key) else { return nil }
        return try readUInt32Array(node, at: path.appending(key: key))
    }

    func optionalStringMap(_ key: String) throws -> [String: String]? {
        guard let node = optional(key) else { return nil }
        return try readStringMap(node, at: path.appending(key: key))
    }

    func optionalObject<T: JSONTreeReadable>(_ key: String) throws -> T? {
        guard let node = optional(key) else { return nil }
        return try T(tree: node, path: path.appending(key: key))
    }

    func optionalArray<T: JSONTreeReadable>(_ key: String) throws -> [T]? {
        guard let node = optional(key) else { return nil }
        return try readArray(node, at: path.appending(key: key))
    }

    func optionalMap<T: JSONTreeReadable>(_ key: String) throws -> [String: T]? {
        guard let node = optional(key) else { return nil }
        return try readMap(node, at: path.appending(key: key))
    }
}
