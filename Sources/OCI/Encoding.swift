import FoundationEssentials

/// `config.json` as `runc spec` would write it: indented, keys sorted, `/` unescaped.
public func encodeSpecPretty(_ spec: Spec) -> Data {
    encodeJSONPretty(spec)
}

/// Any OCI document, indented with sorted keys.
public func encodeJSONPretty<T: Encodable>(_ value: T) -> Data {
    Data(encodeOrDie(value, pretty: true))
}

/// Any OCI document on one line (for `state.json` and the like).
public func encodeJSONCompact<T: Encodable>(_ value: T) -> Data {
    Data(encodeOrDie(value, pretty: false))
}

/// The compact form as bytes, for files written with plain syscalls.
public func encodeJSONCompactBytes<T: Encodable>(_ value: T) -> [UInt8] {
    encodeOrDie(value, pretty: false)
}

private func encodeOrDie<T: Encodable>(_ value: T, pretty: Bool) -> [UInt8] {
    do {
        return try encodeJSONBytes(value, pretty: pretty)
    } catch {
        // Only non-finite floats can fail, and the OCI types have no floats.
        preconditionFailure("JSON encoding of \(T.self) failed: \(error)")
    }
}
