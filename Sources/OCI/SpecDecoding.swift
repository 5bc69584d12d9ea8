import FoundationEssentials

/// Decodes `config.json`. Any failure becomes a `SpecError` naming the JSON
/// path at fault, e.g. `config.json: process.user.uid: expected a number (UInt32), got a string`.
public func decodeSpec(from data: Data) throws -> Spec {
    let file = "config.json"
    let tree = try parseJSONDocument(data, file: file)
    do {
        return try Spec(tree: tree, path: .root)
    } catch let error as JSONReadError {
        throw SpecError(file: file, readError: error)
    }
}

/// Decodes `config.json` and lists the properties it does not know (JSON
/// paths such as `process.foo`), which the runtime ignores but may log.
public func decodeSpec(from data: Data, unknownProperties: inout [String]) throws -> Spec {
    let sink = UnknownProperties()
    UnknownProperties.active = sink
    defer { UnknownProperties.active = nil }
    let spec = try decodeSpec(from: data)
    unknownProperties = sink.paths
    return spec
}

/// Where the readers report members nobody read, while a decode runs.
final class UnknownProperties {
    var paths: [String] = []
    /// swrun decodes on one thread; tests that decode concurrently do not
    /// set it.
    nonisolated(unsafe) static var active: UnknownProperties?
}

/// Decodes then validates `config.json`, throwing the first problem found.
/// Use `validate(_:)` to get every problem.
public func loadSpec(from data: Data) throws -> Spec {
    let spec = try decodeSpec(from: data)
    if let first = validate(spec).first { throw first }
    return spec
}

/// Decodes any OCI document (`process.json`, `state.json`, features...) with
/// the same error reporting as `decodeSpec`; `file` names it in messages.
/// The spec's own types (`Process`, `LinuxResources`...) are read by their
/// hand-written readers, anything else through Codable.
public func decodeJSONDocument<T: Decodable>(_ type: T.Type, from data: Data, file: String) throws -> T {
    let tree = try parseJSONDocument(data, file: file)
    if let readable = type as? any JSONTreeReadable.Type {
        do {
            return try readable.init(tree: tree, path: .root) as! T
        } catch let error as JSONReadError {
            throw SpecError(file: file, readError: error)
        }
    }
    return try decodeJSONTreeViaCodable(type, tree: tree, file: file)
}

/// `decodeJSONDocument` through Codable only, whatever the type: the
/// reference the hand-written readers are tested against.
func decodeJSONDocumentViaCodable<T: Decodable>(_ type: T.Type, from data: Data, file: String) throws -> T {
    try decodeJSONTreeViaCodable(type, tree: parseJSONDocument(data, file: file), file: file)
}

private func parseJSONDocument(_ data: Data, file: String) throws -> JSONNode {
    do {
        return try JSONParser.parse(data)
    } catch let syntax as JSONSyntaxError {
        throw SpecError(file: file, path: "", message: syntax.description)
    }
}

private func decodeJSONTreeViaCodable<T: Decodable>(_ type: T.Type, tree: JSONNode, file: String) throws -> T {
    // The small tree decoder, not JSONDecoder: on a cold process
    // JSONDecoder's dynamic casts cost most of a millisecond, and this one
    // also says where a document is wrong.
    do {
        return try T(from: JSONTreeDecoder(node: tree, codingPath: []))
    } catch let decoding as DecodingError {
        throw SpecError(file: file, decodingError: decoding)
    }
}

/// Re-reads a document that JSONDecoder rejected, to say where and why.
func explainDecodingFailure<T: Decodable>(_ type: T.Type, data: Data, file: String, original: Error) -> SpecError {
    let tree: JSONNode
    do {
        tree = try JSONParser.parse(data)
    } catch let syntax as JSONSyntaxError {
        return SpecError(file: file, path: "", message: syntax.description)
    } catch {
        return SpecError(file: file, path: "", message: "invalid JSON: \(error)")
    }
    do {
        _ = try T(from: JSONTreeDecoder(node: tree, codingPath: []))
    } catch let decoding as DecodingError {
        return SpecError(file: file, decodingError: decoding)
    } catch {
        return SpecError(file: file, path: "", message: "\(error)")
    }
    // Our reader accepted what JSONDecoder refused; report JSONDecoder's view.
    if let decoding = original as? DecodingError {
        return SpecError(file: file, decodingError: decoding)
    }
    return SpecError(file: file, path: "", message: "\(original)")
}

extension SpecError {
    init(file: String, decodingError: DecodingError) {
        switch decodingError {
        case .typeMismatch(let type, let context):
            var message = "expected \(expectedDescription(type))"
            if context.debugDescription.hasPrefix("got ") {
                message += ", " + context.debugDescription
            }
            self.init(file: file, path: JSONPath.from(context.codingPath), message: message)
        case .valueNotFound(let type, let context):
            let message = type == Any.self ? context.debugDescription : "expected \(expectedDescription(type)), got null"
            self.init(file: file, path: JSONPath.from(context.codingPath), message: message)
        case .keyNotFound(let key, let context):
            self.init(file: file, path: JSONPath.from(context.codingPath),
                      message: "missing required field \(quoted(key.stringValue))")
        case .dataCorrupted(let context):
            let path = JSONPath.from(context.codingPath)
            let message = path.isEmpty && context.debugDescription.contains("not valid JSON")
                ? "invalid JSON" : context.debugDescription
            self.init(file: file, path: path, message: message)
        @unknown default:
            self.init(file: file, path: "", message: "\(decodingError)")
        }
    }
}

private let integerTypes: [Any.Type] = [
    Int.self, Int8.self, Int16.self, Int32.self, Int64.self,
    UInt.self, UInt8.self, UInt16.self, UInt32.self, UInt64.self,
]

/// "a number (UInt32)", "a string", "an object"...
func expectedDescription(_ type: Any.Type) -> String {
    if integerTypes.contains(where: { $0 == type }) { return "a number (\(type))" }
    if type == Double.self || type == Float.self { return "a number" }
    if type == String.self { return "a string" }
    if type == Bool.self { return "a boolean" }
    if type == [Any].self { return "an array" }
    if type == [String: Any].self { return "an object" }
    return "a value of type \(type)"
}
