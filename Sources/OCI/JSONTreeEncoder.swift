// Encodes Encodable values into a JSONNode and writes it out, keys sorted
// and `/` unescaped. It replaces FoundationEssentials' JSONEncoder, whose
// cold start cost most of a millisecond per process on the create path.

/// A value under construction: containers are shared by reference while
/// the Codable machinery fills them.
final class JSONNodeBuilder {
    enum Content {
        case empty
        case value(JSONNode)
        case object([String: JSONNodeBuilder])
        case array([JSONNodeBuilder])
    }
    var content: Content = .empty

    var node: JSONNode {
        switch content {
        case .empty: return .object([:])
        case .value(let v): return v
        case .object(let o): return .object(o.mapValues(\.node))
        case .array(let a): return .array(a.map(\.node))
        }
    }

    func child(_ key: String) -> JSONNodeBuilder {
        let b = JSONNodeBuilder()
        if case .object(var o) = content {
            content = .empty   // keep the dictionary uniquely referenced
            o[key] = b
            content = .object(o)
        } else {
            content = .object([key: b])
        }
        return b
    }

    func append() -> JSONNodeBuilder {
        let b = JSONNodeBuilder()
        if case .array(var a) = content {
            content = .empty
            a.append(b)
            content = .array(a)
        } else {
            content = .array([b])
        }
        return b
    }

    var count: Int {
        if case .array(let a) = content { return a.count }
        return 0
    }
}

struct JSONTreeEncoder: Encoder {
    let builder: JSONNodeBuilder
    var codingPath: [CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object = builder.content {} else { builder.content = .object([:]) }
        return KeyedEncodingContainer(KeyedTreeEncoding<Key>(builder: builder, codingPath: codingPath))
    }

    func unkeyedContainer() -> UnkeyedEncodingContainer {
        if case .array = builder.content {} else { builder.content = .array([]) }
        return UnkeyedTreeEncoding(builder: builder, codingPath: codingPath)
    }

    func singleValueContainer() -> SingleValueEncodingContainer {
        SingleValueTreeEncoding(builder: builder, codingPath: codingPath)
    }
}

private struct KeyedTreeEncoding<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let builder: JSONNodeBuilder
    var codingPath: [CodingKey]

    private func set(_ v: JSONNode, _ key: Key) { builder.child(key.stringValue).content = .value(v) }

    mutating func encodeNil(forKey key: Key) throws { set(.null, key) }
    mutating func encode(_ v: Bool, forKey key: Key) throws { set(.bool(v), key) }
    mutating func encode(_ v: String, forKey key: Key) throws { set(.string(v), key) }
    mutating func encode(_ v: Double, forKey key: Key) throws { set(try JSONNode.finite(v), key) }
    mutating func encode(_ v: Float, forKey key: Key) throws { set(try JSONNode.finite(Double(v)), key) }
    mutating func encode(_ v: Int, forKey key: Key) throws { set(.number(String(v)), key) }
    mutating func encode(_ v: Int8, forKey key: Key) throws { set(.number(String(v)), key) }
    mutating func encode(_ v: Int16, forKey key: Key) throws { set(.number(String(v)), key) }
    mutating func encode(_ v: Int32, forKey key: Key) throws { set(.number(String(v)), key) }
    mutating func encode(_ v: Int64, forKey key: Key) throws { set(.number(String(v)), key) }
    mutating func encode(_ v: UInt, forKey key: Key) throws { set(.number(String(v)), key) }
    mutating func encode(_ v: UInt8, forKey key: Key) throws { set(.number(String(v)), key) }
    mutating func encode(_ v: UInt16, forKey key: Key) throws { set(.number(String(v)), key) }
    mutating func encode(_ v: UInt32, forKey key: Key) throws { set(.number(String(v)), key) }
    mutating func encode(_ v: UInt64, forKey key: Key) throws { set(.number(String(v)), key) }
    mutating func encode<T: Encodable>(_ v: T, forKey key: Key) throws {
        try v.encode(to: JSONTreeEncoder(builder: builder.child(key.stringValue), codingPath: codingPath + [key]))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        JSONTreeEncoder(builder: builder.child(key.stringValue), codingPath: codingPath + [key]).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
        JSONTreeEncoder(builder: builder.child(key.stringValue), codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> Encoder {
        JSONTreeEncoder(builder: builder.child("super"), codingPath: codingPath)
    }

    mutating func superEncoder(forKey key: Key) -> Encoder {
        JSONTreeEncoder(builder: builder.child(key.stringValue), codingPath: codingPath + [key])
    }
}

/// The primitive encode methods the unkeyed and single-value containers
/// share, each storing one JSON value.
private protocol JSONValueSink {
    func put(_ v: JSONNode)
}

extension JSONValueSink {
    mutating func encodeNil() throws { put(.null) }
    mutating func encode(_ v: Bool) throws { put(.bool(v)) }
    mutating func encode(_ v: String) throws { put(.string(v)) }
    mutating func encode(_ v: Double) throws { put(try JSONNode.finite(v)) }
    mutating func encode(_ v: Float) throws { put(try JSONNode.finite(Double(v))) }
    mutating func encode(_ v: Int) throws { put(.number(String(v))) }
    mutating func encode(_ v: Int8) throws { put(.number(String(v))) }
    mutating func encode(_ v: Int16) throws { put(.number(String(v))) }
    mutating func encode(_ v: Int32) throws { put(.number(String(v))) }
    mutating func encode(_ v: Int64) throws { put(.number(String(v))) }
    mutating func encode(_ v: UInt) throws { put(.number(String(v))) }
    mutating func encode(_ v: UInt8) throws { put(.number(String(v))) }
    mutating func encode(_ v: UInt16) throws { put(.number(String(v))) }
    mutating func encode(_ v: UInt32) throws { put(.number(String(v))) }
    mutating func encode(_ v: UInt64) throws { put(.number(String(v))) }
}

private struct UnkeyedTreeEncoding: UnkeyedEncodingContainer, JSONValueSink {
    let builder: JSONNodeBuilder
    var codingPath: [CodingKey]
    var count: Int { builder.count }

    func put(_ v: JSONNode) { builder.append().content = .value(v) }

    mutating func encode<T: Encodable>(_ v: T) throws {
        try v.encode(to: JSONTreeEncoder(builder: builder.append(), codingPath: codingPath))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        JSONTreeEncoder(builder: builder.append(), codingPath: codingPath).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer {
        JSONTreeEncoder(builder: builder.append(), codingPath: codingPath).unkeyedContainer()
    }

    mutating func superEncoder() -> Encoder {
        JSONTreeEncoder(builder: builder.append(), codingPath: codingPath)
    }
}

private struct SingleValueTreeEncoding: SingleValueEncodingContainer, JSONValueSink {
    let builder: JSONNodeBuilder
    var codingPath: [CodingKey]

    func put(_ v: JSONNode) { builder.content = .value(v) }

    mutating func encode<T: Encodable>(_ v: T) throws {
        try v.encode(to: JSONTreeEncoder(builder: builder, codingPath: codingPath))
    }
}

extension JSONNode {
    static func finite(_ d: Double) throws -> JSONNode {
        guard d.isFinite else {
            throw EncodingError.invalidValue(d, .init(codingPath: [], debugDescription: "JSON has no \(d)"))
        }
        return d == d.rounded() && abs(d) < 1e15 ? .number(String(Int64(d))) : .number("\(d)")
    }

    /// The JSON text: keys sorted, two-space indents when `pretty`.
    func write(pretty: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        write(into: &out, pretty: pretty, indent: 0)
        if pretty { out.append(0x0a) }
        return out
    }

    private func write(into out: inout [UInt8], pretty: Bool, indent: Int) {
        func newline(_ level: Int) {
            guard pretty else { return }
            out.append(0x0a)
            out.append(contentsOf: repeatElement(0x20, count: level * 2))
        }
        switch self {
        case .null: out += Array("null".utf8)
        case .bool(let b): out += Array((b ? "true" : "false").utf8)
        case .number(let text): out += Array(text.utf8)
        case .string(let s): JSONNode.writeString(s, into: &out)
        case .array(let items):
            out.append(0x5b)
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(0x2c) }
                newline(indent + 1)
                item.write(into: &out, pretty: pretty, indent: indent + 1)
            }
            if !items.isEmpty { newline(indent) }
            out.append(0x5d)
        case .object(let members):
            out.append(0x7b)
            for (i, key) in members.keys.sorted().enumerated() {
                if i > 0 { out.append(0x2c) }
                newline(indent + 1)
                JSONNode.writeString(key, into: &out)
                out.append(0x3a)
                if pretty { out.append(0x20) }
                members[key]!.write(into: &out, pretty: pretty, indent: indent + 1)
            }
            if !members.isEmpty { newline(indent) }
            out.append(0x7d)
        }
    }

    static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(0x22)
        for c in s.utf8 {
            switch c {
            case 0x22: out += [0x5c, 0x22]
            case 0x5c: out += [0x5c, 0x5c]
            case 0x0a: out += [0x5c, 0x6e]
            case 0x0d: out += [0x5c, 0x72]
            case 0x09: out += [0x5c, 0x74]
            case 0x08: out += [0x5c, 0x62]
            case 0x0c: out += [0x5c, 0x66]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += [0x5c, 0x75, 0x30, 0x30, hex[Int(c >> 4)], hex[Int(c & 0xf)]]
            default: out.append(c)
            }
        }
        out.append(0x22)
    }
}

/// Encodes a value to JSON text through the tree encoder.
func encodeJSONBytes<T: Encodable>(_ value: T, pretty: Bool) throws -> [UInt8] {
    let root = JSONNodeBuilder()
    try value.encode(to: JSONTreeEncoder(builder: root, codingPath: []))
    return root.node.write(pretty: pretty)
}

/// A JSON string literal for s (quotes, backslashes and control
/// characters escaped, `/` left alone).
public func jsonQuoted(_ s: String) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(s.utf8.count + 2)
    JSONNode.writeString(s, into: &out)
    return String(decoding: out, as: UTF8.self)
}
