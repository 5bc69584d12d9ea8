import FoundationEssentials

/// `config.json` as `runc spec` would write it: indented, keys sorted, `/` unescaped.
public func encodeSpecPretty(_ spec: Spec) -> Data {
    encodeJSONPretty(spec)
}

/// Any OCI document, indented with sorted keys.
public func encodeJSONPretty<T: Encodable>(_ value: T) -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return encodeOrDie(value, encoder)
}

/// Any OCI document on one line (for `state.json` and the like).
public func encodeJSONCompact<T: Encodable>(_ value: T) -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return encodeOrDie(value, encoder)
}

private func encodeOrDie<T: Encodable>(_ value: T, _ encoder: JSONEncoder) -> Data {
    do {
        return try encoder.encode(value)
    } catch {
        // Only non-finite floats can fail, and the OCI types have no floats.
        preconditionFailure("JSON encoding of \(T.self) failed: \(error)")
    }
}
