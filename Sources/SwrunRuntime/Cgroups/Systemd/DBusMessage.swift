/// D-Bus messages: the method calls swrun sends and the replies it reads
/// (the header fields it needs: reply serial, error name, signature).
enum DBusMessage {
    static let littleEndian = UInt8(ascii: "l")

    static func methodCall(serial: UInt32, path: String, interface: String, member: String,
                           destination: String?, args: [DBusValue]) -> [UInt8] {
        var body = DBusWriter()
        for a in args { body.write(a) }
        var fields: [(UInt8, DBusValue)] = [(1, .objectPath(path)), (2, .string(interface)), (3, .string(member))]
        if let destination { fields.append((6, .string(destination))) }
        let signature = args.map(\.signature).joined()
        if !signature.isEmpty { fields.append((8, .signature(signature))) }
        var h = DBusWriter()
        for b in [littleEndian, 1 /* method call */, 0 /* flags */, 1 /* version */] { h.write(.byte(b)) }
        h.uint32(UInt32(body.bytes.count))
        h.uint32(serial)
        h.array(alignment: 8) { w in
            for (code, value) in fields {
                w.align(8)
                w.write(.byte(code))
                w.write(.variant(value))
            }
        }
        h.align(8)
        return h.bytes + body.bytes
    }

    /// The size of the whole message whose first 16 bytes are `head`.
    static func totalLength(head: [UInt8]) throws -> Int {
        guard head.count >= 16, head[0] == littleEndian else {
            throw RuntimeError("systemd: unexpected D-Bus message (byte order \(head.first ?? 0))")
        }
        let fields = Int(u32(head, 12))
        return align8(16 + fields) + Int(u32(head, 4))
    }

    struct Reply {
        var isError: Bool
        var replySerial: UInt32?
        var errorName: String?
        /// The first string of the body, when the body starts with one (an
        /// error's message).
        var firstString: String?
        /// The string of a body that is one variant holding a string (a
        /// property's value).
        var variantString: String?
    }

    static func parse(_ m: [UInt8]) -> Reply {
        var reply = Reply(isError: m[1] == 3)
        let end = 16 + Int(u32(m, 12))
        var i = 16
        var signature = ""
        while i < end {
            i = align8(i)
            guard i + 1 < end else { break }
            let code = m[i]
            let sigLen = Int(m[i + 1])
            let sig = String(decoding: m[(i + 2)..<(i + 2 + sigLen)], as: UTF8.self)
            i += 3 + sigLen
            switch sig {
            case "u":
                i = align4(i)
                if code == 5 { reply.replySerial = u32(m, i) }
                i += 4
            case "s", "o":
                i = align4(i)
                let n = Int(u32(m, i))
                let s = String(decoding: m[(i + 4)..<(i + 4 + n)], as: UTF8.self)
                if code == 4 { reply.errorName = s }
                i += 5 + n
            case "g":
                let n = Int(m[i])
                if code == 8 { signature = String(decoding: m[(i + 1)..<(i + 1 + n)], as: UTF8.self) }
                i += 2 + n
            default:
                i = end    // a field swrun does not read, of a type it does not parse
            }
        }
        let body = align8(end)
        if signature.hasPrefix("s"), body + 4 <= m.count {
            let n = Int(u32(m, body))
            if body + 4 + n <= m.count { reply.firstString = String(decoding: m[(body + 4)..<(body + 4 + n)], as: UTF8.self) }
        }
        // v: signature length 1, "s", NUL, then the string at the next 4.
        if signature == "v", body + 8 <= m.count, m[body] == 1, m[body + 1] == UInt8(ascii: "s") {
            let at = body + 4
            let n = Int(u32(m, at))
            if at + 4 + n <= m.count { reply.variantString = String(decoding: m[(at + 4)..<(at + 4 + n)], as: UTF8.self) }
        }
        return reply
    }

    static func u32(_ m: [UInt8], _ at: Int) -> UInt32 {
        UInt32(m[at]) | UInt32(m[at + 1]) << 8 | UInt32(m[at + 2]) << 16 | UInt32(m[at + 3]) << 24
    }

    static func align8(_ n: Int) -> Int { (n + 7) & ~7 }
    static func align4(_ n: Int) -> Int { (n + 3) & ~3 }
}
