import FoundationEssentials
import OCI

/// A bundle read from disk: its absolute path, its decoded and validated
/// config.json, and the absolute root filesystem path.
public struct Bundle {
    public var path: String
    public var spec: Spec
    public var rootfs: String
    /// Properties of config.json swrun does not know and so ignores
    /// (config.md: "MAY log unknown properties but MUST otherwise ignore").
    public var unknownProperties: [String] = []

    public static func load(_ dir: String) throws -> Bundle {
        let path: String
        do {
            path = try Sys.realpath(dir.isEmpty ? "." : dir)
        } catch let e as RuntimeError {
            throw RuntimeError("bundle", path: dir, errno: e.errno)
        }
        let configPath = path + "/config.json"
        let bytes: [UInt8]
        do {
            bytes = try Sys.readDocument(configPath)
        } catch let e as RuntimeError {
            throw e.errno == nil ? e : RuntimeError("read config", path: configPath, errno: e.errno)
        }
        let spec: Spec
        var unknown: [String] = []
        do {
            spec = try decodeSpec(from: Data(bytes), unknownProperties: &unknown)
        } catch {
            throw RuntimeError("\(error)")
        }
        let problems = validate(spec)
        if !problems.isEmpty {
            throw RuntimeError(problems.map(\.description).joined(separator: "\n"))
        }
        guard let root = spec.root?.path, !root.isEmpty else {
            throw RuntimeError("config.json: root.path: required")
        }
        let abs = root.hasPrefix("/") ? root : path + "/" + root
        let rootfs: String
        do {
            rootfs = try Sys.realpath(abs)
        } catch let e as RuntimeError {
            throw RuntimeError("config.json: root.path: rootfs", path: abs, errno: e.errno)
        }
        guard Sys.isDirectory(rootfs) else {
            throw RuntimeError("config.json: root.path: rootfs `\(rootfs)` is not a directory")
        }
        return Bundle(path: path, spec: spec, rootfs: rootfs, unknownProperties: unknown)
    }
}
