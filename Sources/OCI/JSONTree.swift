import FoundationEssentials

// The JSON parser behind `decodeSpec` and `decodeJSONDocument`. Unlike
// FoundationEssentials' JSONDecoder, which reports both syntax errors and
// numbers that do not fit their field as "The given data was not valid
// JSON.", it says where a document goes wrong.

/// A parsed JSON value. Numbers keep their source text so that range checks
/// can name the exact value.
indirect enum JSONNode {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONNode])
    case object([String: JSONNode])

    /// How the value is described in error messages ("got a string").
    var kindDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number(let text): return "the number \(text)"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

struct JSONSyntaxError: Error {
    var line: Int
    var column: Int
    var message: String

    var description: String { "invalid JSON at line \(line), column \(column): \(message)" }
}

/// Parses RFC 8259 JSON (no extensions), recording where it goes wrong.
struct JSONParser {
    private let bytes: [UInt8]
    private var pos = 0
    /// Members and elements of the objects and arrays being parsed.
    private var pendingKeys: [String] = []
    private var pendingValues: [JSONNode] = []
    private static let maxDepth = 512

    init(_ data: Data) {
        // Copied through a raw buffer: iterating `Data` goes byte by byte.
        bytes = data.withUnsafeBytes { [UInt8]($0) }
    }

    static func parse(_ data: Data) throws -> JSONNode {
        var parser = JSONParser(data)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        if parser.pos < parser.bytes.count {
            throw parser.error("unexpected \(parser.describeCurrent()) after the end of the document")
        }
        return value
    }

    private var current: UInt8? { pos < bytes.count ? bytes[pos] : nil }

    private mutating func skipWhitespace() {
        while let c = current, c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 {
            pos += 1
        }
    }

    private func error(_ message: String) -> JSONSyntaxError {
        var line = 1
        var lineStart = 0
        for i in 0..<min(pos, bytes.count) where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        return JSONSyntaxError(line: line, column: pos - lineStart + 1, message: message)
    }

    private func describeCurrent() -> String {
        guard let c = current else { return "end of input" }
        if c >= 0x21 && c < 0x7F { return "character \(quoted(String(UnicodeScalar(c))))" }
        return "byte 0x" + String(c, radix: 16)
    }

    private mutating func expect(_ c: UInt8, _ what: String) throws {
        guard current == c else { throw error("expected \(what), found \(describeCurrent())") }
        pos += 1
    }

    private mutating func parseValue(depth: Int) throws -> JSONNode {
        guard depth < Self.maxDepth else { throw error("nesting is too deep") }
        guard let c = current else { throw error("expected a value, found end of input") }
        switch c {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try parseLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try parseLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try parseLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("expected a value, found \(describeCurrent())")
        }
    }

    private mutating func parseLiteral(_ word: String) throws {
        for c in word.utf8 {
            guard current == c else { throw error("invalid literal, expected \(word)") }
            pos += 1
        }
    }

    private mutating func parseObject(depth: Int) throws -> JSONNode {
        pos += 1  // {
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            pos += 1
            return .object([:])
        }
        // Members wait on the shared stacks until the size of the object is
        // known, so that its dictionary is allocated (and hashed) only once.
        let keyBase = pendingKeys.count
        let valueBase = pendingValues.count
        while true {
            guard current == UInt8(ascii: "\"") else {
                throw error("expected a string key, found \(describeCurrent())")
            }
            let key = try parseString()
            skipWhitespace()
            try expect(UInt8(ascii: ":"), "\":\" after object key")
            skipWhitespace()
            let value = try parseValue(depth: depth + 1)
            pendingKeys.append(key)
            pendingValues.append(value)
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                pos += 1
                skipWhitespace()
                continue
            }
            try expect(UInt8(ascii: "}"), "\",\" or \"}\" in object")
            var members = [String: JSONNode](minimumCapacity: pendingKeys.count - keyBase)
            for i in 0..<(pendingKeys.count - keyBase) {
                // A repeated key: the last one wins.
                members[pendingKeys[keyBase + i]] = pendingValues[valueBase + i]
            }
            pendingKeys.removeSubrange(keyBase...)
            pendingValues.removeSubrange(valueBase...)
            return .object(members)
        }
    }

    private mutating func parseArray(depth: Int) throws -> JSONNode {
        pos += 1  // [
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            pos += 1
            return .array([])
        }
        let base = pendingValues.count
        while true {
            let element = try parseValue(depth: depth + 1)
            pendingValues.append(element)
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                pos += 1
                skipWhitespace()
                continue
            }
            try expect(UInt8(ascii: "]"), "\",\" or \"]\" in array")
            let elements = Array(pendingValues[base...])
            pendingValues.removeSubrange(base...)
            return .array(elements)
        }
    }

    private mutating func parseString() throws -> String {
        pos += 1  // opening quote
        // Most strings have no escapes: take them straight from the input.
        let start = pos
        while pos < bytes.count {
            let c = bytes[pos]
            if c == UInt8(ascii: "\"") {
                pos += 1
                return String(decoding: bytes[start..<pos - 1], as: UTF8.self)
            }
            if c == UInt8(ascii: "\\") || c < 0x20 { break }
            pos += 1
        }
        var out = Array(bytes[start..<pos])
        while true {
            guard let c = current else { throw error("unterminated string") }
            switch c {
            case UInt8(ascii: "\""):
                pos += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                pos += 1
                try parseEscape(into: &out)
            case 0..<0x20:
                throw error("control character in string (must be escaped)")
            default:
                out.append(c)
                pos += 1
            }
        }
    }

    private mutating func parseEscape(into out: inout [UInt8]) throws {
        guard let c = current else { throw error("unterminated string") }
        pos += 1
        switch c {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(c)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var code = try parseHex4()
            if (0xD800..<0xDC00).contains(code), current == UInt8(ascii: "\\"),
               pos + 1 < bytes.count, bytes[pos + 1] == UInt8(ascii: "u") {
                pos += 2
                let low = try parseHex4()
                guard (0xDC00..<0xE000).contains(low) else { throw error("invalid surrogate pair") }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            }
            // Lone surrogates become U+FFFD, as the string is only used for messages.
            let scalar = UnicodeScalar(code) ?? "\u{FFFD}"
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
        default:
            pos -= 1
            throw error("invalid escape sequence \\\(String(UnicodeScalar(c)))")
        }
    }

    private mutating func parseHex4() throws -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let c = current, let digit = hexValue(c) else { throw error("invalid \\u escape") }
            value = value * 16 + digit
            pos += 1
        }
        return value
    }

    private func hexValue(_ c: UInt8) -> UInt32? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(c - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(c - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(c - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    private mutating func parseNumber() throws -> String {
        let start = pos
        if current == UInt8(ascii: "-") { pos += 1 }
        if current == UInt8(ascii: "0") {
            pos += 1
        } else if skipDigits() == 0 {
            throw error("invalid number")
        }
        if current == UInt8(ascii: ".") {
            pos += 1
            if skipDigits() == 0 { throw error("invalid number: digits expected after \".\"") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            pos += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { pos += 1 }
            if skipDigits() == 0 { throw error("invalid number: digits expected in exponent") }
        }
        return String(decoding: bytes[start..<pos], as: UTF8.self)
    }

    private mutating func skipDigits() -> Int {
        var count = 0
        while let c = current, c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") {
            pos += 1
            count += 1
        }
        return count
    }
}
