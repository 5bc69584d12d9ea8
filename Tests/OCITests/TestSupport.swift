import Foundation
import XCTest
@testable import OCI

/// The OCI runtime-spec checkout: /work/shared/oci-runtime-spec for this
/// file at /work/main/Tests/OCITests (symlinks resolved), or $OCI_RUNTIME_SPEC_DIR.
func runtimeSpecDirectory(file: String = #filePath) throws -> URL {
    if let override = ProcessInfo.processInfo.environment["OCI_RUNTIME_SPEC_DIR"] {
        return URL(fileURLWithPath: override)
    }
    let dir = URL(fileURLWithPath: file).resolvingSymlinksInPath()
        .deletingLastPathComponent()  // OCITests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // repo
        .deletingLastPathComponent()  // parent of the repo
        .appendingPathComponent("shared/oci-runtime-spec")
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue else {
        throw XCTSkip("OCI runtime-spec directory not found at \(dir.path); these tests need shared/oci-runtime-spec beside the repo")
    }
    return dir
}

/// The `.json` files of a schema example directory, sorted by name.
func exampleFiles(_ subdirectory: String) throws -> [URL] {
    let dir = try runtimeSpecDirectory().appendingPathComponent("schema/test/\(subdirectory)")
    let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
    return names.filter { $0.hasSuffix(".json") }.sorted().map { dir.appendingPathComponent($0) }
}

func decode(_ json: String) throws -> Spec {
    try decodeSpec(from: Data(json.utf8))
}

/// The SpecError that decoding `json` throws; fails the test if it decodes.
func decodeError(_ json: String, file: StaticString = #filePath, line: UInt = #line) -> SpecError? {
    do {
        _ = try decodeSpec(from: Data(json.utf8))
        XCTFail("expected decoding to fail", file: file, line: line)
        return nil
    } catch let error as SpecError {
        return error
    } catch {
        XCTFail("expected a SpecError, got \(error)", file: file, line: line)
        return nil
    }
}

/// A spec that passes validation, to be broken one field at a time.
func validSpec() -> Spec {
    Spec(
        ociVersion: "1.3.0",
        process: Process(args: ["sh"], cwd: "/"),
        root: Root(path: "rootfs"),
        linux: Linux(namespaces: [
            LinuxNamespace(kind: .pid), LinuxNamespace(kind: .network), LinuxNamespace(kind: .ipc),
            LinuxNamespace(kind: .uts), LinuxNamespace(kind: .mount),
        ])
    )
}

extension Spec {
    /// `validSpec()` after `change`.
    static func valid(_ change: (inout Spec) -> Void) -> Spec {
        var spec = validSpec()
        change(&spec)
        return spec
    }
}

/// Asserts that `spec` is valid.
func assertValid(_ spec: Spec, file: StaticString = #filePath, line: UInt = #line) {
    let errors = validate(spec)
    XCTAssertEqual(errors.map(\.description), [], file: file, line: line)
}

/// Asserts that validation reports a problem at `path` whose message contains `message`.
func assertInvalid(
    _ spec: Spec, path: String, message: String = "",
    file: StaticString = #filePath, line: UInt = #line
) {
    let errors = validate(spec)
    let match = errors.first { $0.path == path && $0.message.contains(message) }
    XCTAssertNotNil(match, "no error at \(path) containing \(message.debugDescription); got \(errors.map(\.description))",
                    file: file, line: line)
    if let match {
        XCTAssertTrue(match.description.hasPrefix("config.json: \(path): "), match.description, file: file, line: line)
    }
}
