/// The D-Bus values swrun sends to systemd, and their marshalling
/// (little-endian; alignment counts from the start of the message, so a
/// body written into its own buffer stays aligned: it starts at a multiple
/// of 8).
indirect enum DBusValue: Sendable {
    case byte(UInt8)
    case bool(Bool)
    case uint32(UInt32)
    case uint64(UInt64)
    case string(String)
    case objectPath(String)
    case signature(String)
    case uint32s([UInt32])
    /// ay: AllowedCPUs' bitmask.
    case byteArray([UInt8])
    /// a(ss): DeviceAllow's (device, access) pairs.
    case stringPairs([(String, String)])
    /// a(sv): a property list.
    case properties([(String, DBusValue)])
    /// a(sa(sv)): StartTransientUnit's auxiliary units.
    case auxUnits([(String, [(String, DBusValue)])])
    case variant(DBusValue)

    var signature: String {
        switch self {
        case .byte: return "y"
        case .bool: return "b"
        case .uint32: return "u"
        case .uint64: return "t"
        case .string: return "s"
        case .objectPath: return "o"
        case .signature: return "g"
        case .uint32s: return "au"
        case .byteArray: return "ay"
        case .stringPairs: return "a(ss)"
        case .properties: return "a(sv)"
        case .auxUnits: return "a(sa(sv))"
        case .variant: return "v"
        }
    }
}

struct DBusWriter {
    private(set) var bytes: [UInt8] = []

    mutating func align(_ n: Int) {
        while bytes.count % n != 0 { bytes.append(0) }
    }

    mutating func write(_ v: DBusValue) {
        switch v {
        case let .byte(b): bytes.append(b)
        case let .bool(b): uint32(b ? 1 : 0)
        case let .uint32(n): uint32(n)
        case let .uint64(n):
            align(8)
            withUnsafeBytes(of: n.littleEndian) { bytes += $0 }
        case let .string(s), let .objectPath(s):
            let u = Array(s.utf8)
            uint32(UInt32(u.count))
            bytes += u
            bytes.append(0)
        case let .signature(s):
            let u = Array(s.utf8)
            bytes.append(UInt8(u.count))
            bytes += u
            bytes.append(0)
        case let .uint32s(list):
            array(alignment: 4) { w in for n in list { w.uint32(n) } }
        case let .byteArray(list):
            array(alignment: 1) { w in w.bytes += list }
        case let .stringPairs(list):
            array(alignment: 8) { w in
                for (a, b) in list {
                    w.align(8)
                    w.write(.string(a))
                    w.write(.string(b))
                }
            }
        case let .properties(list):
            array(alignment: 8) { w in w.properties(list) }
        case let .auxUnits(units):
            array(alignment: 8) { w in
                for (name, props) in units {
                    w.align(8)
                    w.write(.string(name))
                    w.write(.properties(props))
                }
            }
        case let .variant(inner):
            write(.signature(inner.signature))
            write(inner)
        }
    }

    private mutating func properties(_ list: [(String, DBusValue)]) {
        for (name, value) in list {
            align(8)
            write(.string(name))
            write(.variant(value))
        }
    }

    mutating func uint32(_ n: UInt32) {
        align(4)
        withUnsafeBytes(of: n.littleEndian) { bytes += $0 }
    }

    /// An array: its byte length (not counting the padding before the
    /// first element) goes in front.
    mutating func array(alignment: Int, _ elements: (inout DBusWriter) -> Void) {
        align(4)
        let lengthAt = bytes.count
        uint32(0)
        align(alignment)
        let start = bytes.count
        elements(&self)
        let length = UInt32(bytes.count - start).littleEndian
        withUnsafeBytes(of: length) { raw in
            for i in 0..<4 { bytes[lengthAt + i] = raw[i] }
        }
    }
}
