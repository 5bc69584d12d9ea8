import Foundation
import XCTest
@testable import OCI

/// The hand-written tree readers (`decodeSpec`, and `decodeJSONDocument` for
/// the spec's own types) against the Codable path they replace: same values
/// for good documents, same `SpecError` for broken ones.
final class TreeReaderDifferentialTests: XCTestCase {
    // MARK: - Documents on disk

    func testClientFixtures() throws {
        let names = try fixtureNames()
        XCTAssertGreaterThan(names.count, 10)
        for name in names {
            let data = try Data(contentsOf: fixturesDirectory().appendingPathComponent(name))
            if name.contains("process") {
                assertSameDecoding(OCI.Process.self, data, file: "process.json", name)
            } else if name.contains("update") {
                assertSameDecoding(LinuxResources.self, data, file: "stdin", name)
            } else {
                assertSameDecoding(Spec.self, data, name)
                XCTAssertNoThrow(try decodeSpec(from: data), name)
            }
        }
    }

    func testSchemaExampleConfigs() throws {
        let good = try exampleFiles("config/good")
        XCTAssertFalse(good.isEmpty)
        for url in good {
            let data = try Data(contentsOf: url)
            XCTAssertNoThrow(try decodeSpec(from: data), url.lastPathComponent)
            assertSameDecoding(Spec.self, data, url.lastPathComponent)
        }
        for url in try exampleFiles("config/bad") {
            assertSameDecoding(Spec.self, try Data(contentsOf: url), url.lastPathComponent)
        }
    }

    func testFixturesRoundTripThroughTheEncoder() throws {
        for name in try fixtureNames() where !name.contains("process") && !name.contains("update") {
            let spec = try decodeSpec(from: Data(contentsOf: fixturesDirectory().appendingPathComponent(name)))
            XCTAssertEqual(try decodeSpec(from: encodeJSONCompact(spec)), spec, name)
        }
        let full = everyFieldSpec()
        XCTAssertEqual(try decodeSpec(from: encodeJSONCompact(full)), full)
        XCTAssertEqual(try decodeJSONDocument(OCI.Process.self, from: encodeJSONCompact(full.process), file: "process.json"),
                       full.process)
        XCTAssertEqual(try decodeJSONDocument(LinuxResources.self, from: encodeJSONCompact(full.linux?.resources), file: "stdin"),
                       full.linux?.resources)
    }

    // MARK: - Every field

    /// The fixture value must leave nothing unset, so that a field added to
    /// a type but forgotten by its reader makes the comparisons below fail.
    func testEveryFieldSpecSetsEveryField() {
        XCTAssertEqual(unsetFields(everyFieldSpec()), [])
    }

    func testEveryFieldDocument() throws {
        let data = Data(everyFieldJSON.utf8)
        XCTAssertEqual(try decodeSpec(from: data), everyFieldSpec())
        assertSameDecoding(Spec.self, data, "every field")
        assertSameDecoding(Spec.self, encodeJSONCompact(everyFieldSpec()), "every field, encoded")
        assertSameDecoding(Spec.self, encodeJSONPretty(everyFieldSpec()), "every field, pretty")
    }

    func testEveryFieldProcessDocument() throws {
        let data = try encodeJSONCompact(XCTUnwrap(everyFieldSpec().process))
        XCTAssertEqual(try decodeJSONDocument(OCI.Process.self, from: data, file: "process.json"), everyFieldSpec().process)
        assertSameDecoding(OCI.Process.self, data, file: "process.json", "every process field")
        assertSameDecoding(LinuxResources.self, encodeJSONCompact(everyFieldSpec().linux?.resources), file: "stdin",
                           "every resources field")
    }

    /// What `decodeJSONDocument` checks to pick the reader over Codable.
    func testSpecTypesUseTheirReaders() {
        func hasReader<T>(_ type: T.Type) -> Bool { type is JSONTreeReadable.Type }
        XCTAssertTrue(hasReader(Spec.self))
        XCTAssertTrue(hasReader(OCI.Process.self))
        XCTAssertTrue(hasReader(LinuxResources.self))
        XCTAssertFalse(hasReader(ContainerState.self))
    }

    // MARK: - Good documents in unusual shapes

    func testAcceptedVariants() {
        let documents = [
            // nulls for optional members are absent members
            #"{"ociVersion":"1.0.0","process":null,"root":null,"hostname":null,"mounts":null,"hooks":null,"annotations":null,"linux":null}"#,
            #"{"ociVersion":"1.0.0","process":{"cwd":"/","user":null,"args":null,"env":null,"terminal":null,"consoleSize":null,"capabilities":null,"rlimits":null,"noNewPrivileges":null,"apparmorProfile":null,"oomScoreAdj":null,"selinuxLabel":null,"ioPriority":null,"scheduler":null,"execCPUAffinity":null}}"#,
            #"{"ociVersion":"1.0.0","linux":{"namespaces":[{"type":"pid","path":null}],"resources":{"memory":{"limit":null},"cpu":null,"devices":[{"allow":true,"type":null,"major":null,"minor":null,"access":null}]},"seccomp":{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","args":null,"errnoRet":null}]}}}"#,
            // a missing user is root
            #"{"ociVersion":"1.0.0","process":{"cwd":"/"}}"#,
            // empty objects and arrays
            #"{"ociVersion":"1.0.0","process":{"cwd":"","args":[],"env":[],"capabilities":{},"rlimits":[],"user":{"uid":0,"gid":0,"additionalGids":[]}},"root":{"path":""},"mounts":[],"hooks":{},"annotations":{},"linux":{"resources":{},"namespaces":[],"timeOffsets":{},"netDevices":{},"sysctl":{},"intelRdt":{},"seccomp":{"defaultAction":""}}}"#,
            #"{"ociVersion":"1.0.0","linux":{"resources":{"memory":{},"cpu":{},"pids":{},"blockIO":{},"network":{},"rdma":{},"unified":{},"hugepageLimits":[],"devices":[]}}}"#,
            // whole numbers spelled with a fraction or an exponent
            #"{"ociVersion":"1.0.0","process":{"cwd":"/","user":{"uid":1e3,"gid":5.0,"umask":1E2,"additionalGids":[0.0e0,-0,2.000]},"oomScoreAdj":-1e2,"consoleSize":{"height":8e0,"width":1.5e1}}}"#,
            #"{"ociVersion":"1.0.0","linux":{"resources":{"memory":{"limit":1e3,"swap":-1,"kernel":-9223372036854775808,"swappiness":18446744073709551615},"blockIO":{"weight":65535,"leafWeight":0}}}}"#,
            // -2^63 - 1 is not an Int64, but it reads as the Double -2^63, which is
            #"{"ociVersion":"1.0.0","process":{"cwd":"/","oomScoreAdj":-9223372036854775809},"linux":{"resources":{"memory":{"kernel":-9223372036854775809}}}}"#,
            // unknown members anywhere, and repeated keys (the last one wins)
            #"{"ociVersion":"0.1","ociVersion":"1.0.0","x":{"y":[1,{"z":null}]},"process":{"cwd":"/a","cwd":"/b","unknown":true,"user":{"uid":1,"extra":"x","gid":2}},"linux":{"resources":{"cpu":{"shares":1,"future":[1]}},"namespaces":[{"type":"pid","flags":7}]},"windows":{},"vm":{"hypervisor":{"path":"/x"}},"solaris":{},"zos":{},"freebsd":{}}"#,
            // keys that are not identifiers in maps
            #"{"ociVersion":"1.0.0","annotations":{"":"empty","a b":"space","k\"q":"quote","Index 0":"index"},"linux":{"sysctl":{"net.ipv4.ip_forward":"1"},"timeOffsets":{"monotonic":{"secs":-1}},"netDevices":{"eth0":{}},"resources":{"unified":{"memory.max":"max"},"rdma":{"mlx5_1":{"hcaHandles":3}}}}}"#,
            // deep nesting under an unknown key
            #"{"ociVersion":"1.0.0","deep":"# + String(repeating: "[", count: 400) + String(repeating: "]", count: 400) + "}",
        ]
        for (i, json) in documents.enumerated() {
            XCTAssertNoThrow(try decodeSpec(from: Data(json.utf8)), "document \(i)")
            assertSameDecoding(Spec.self, Data(json.utf8), "document \(i)")
        }
    }

    // MARK: - Broken documents

    func testBrokenDocumentsFailTheSameWay() {
        for json in brokenSpecDocuments {
            let data = Data(json.utf8)
            XCTAssertThrowsError(try decodeSpec(from: data), json)
            assertSameDecoding(Spec.self, data, json)
        }
    }

    func testBrokenProcessDocumentsFailTheSameWay() {
        let documents = [
            #"[]"#, #"null"#, #"{}"#, #"{"cwd":null}"#, #"{"cwd":1}"#,
            #"{"cwd":"/","user":{"uid":0}}"#, #"{"cwd":"/","user":{"gid":0}}"#, #"{"cwd":"/","user":[]}"#,
            #"{"cwd":"/","user":{"uid":4294967296,"gid":0}}"#, #"{"cwd":"/","user":{"uid":0,"gid":0,"additionalGids":[1,-1]}}"#,
            #"{"cwd":"/","terminal":"yes"}"#, #"{"cwd":"/","args":["sh",1]}"#, #"{"cwd":"/","env":"A=1"}"#,
            #"{"cwd":"/","consoleSize":{"height":1}}"#, #"{"cwd":"/","consoleSize":{"height":-1,"width":1}}"#,
            #"{"cwd":"/","capabilities":{"bounding":["CAP_CHOWN",null]}}"#,
            #"{"cwd":"/","rlimits":[{"type":"RLIMIT_NOFILE","hard":1}]}"#,
            #"{"cwd":"/","oomScoreAdj":9223372036854775808}"#,
            #"{"cwd":"/","ioPriority":{"priority":1}}"#, #"{"cwd":"/","scheduler":{"policy":"SCHED_OTHER","nice":-2147483649}}"#,
            #"{"cwd":"/","execCPUAffinity":{"final":0}}"#,
            // the first problem in reading order is the one reported
            #"{"terminal":1,"user":{"uid":"x"}}"#, #"{"user":{"uid":"x"}}"#, #"{"args":[1]}"#,
        ]
        for json in documents {
            XCTAssertThrowsError(try decodeJSONDocument(OCI.Process.self, from: Data(json.utf8), file: "process.json"), json)
            assertSameDecoding(OCI.Process.self, Data(json.utf8), file: "process.json", json)
        }
    }

    func testBrokenResourcesDocumentsFailTheSameWay() {
        let documents = [
            #"[]"#, #"{"memory":{"limit":"1G"}}"#, #"{"cpu":{"shares":-1}}"#, #"{"pids":{"limit":1.5}}"#,
            #"{"blockIO":{"weight":65536}}"#, #"{"devices":[{"access":"rwm"}]}"#, #"{"unified":{"cpu.max":100000}}"#,
        ]
        for json in documents {
            XCTAssertThrowsError(try decodeJSONDocument(LinuxResources.self, from: Data(json.utf8), file: "stdin"), json)
            assertSameDecoding(LinuxResources.self, Data(json.utf8), file: "stdin", json)
        }
    }

    /// A few messages spelled out, so that both paths cannot drift together.
    func testSomeMessagesVerbatim() {
        let expected: [(String, String)] = [
            (#"{"ociVersion":"1.0.0","linux":{"resources":{"blockIO":{"weight":65536}}}}"#,
             "config.json: linux.resources.blockIO.weight: expected a number (UInt16), got 65536 (out of range)"),
            (#"{"ociVersion":"1.0.0","process":{"cwd":"/","scheduler":{"policy":"SCHED_OTHER","nice":2147483648}}}"#,
             "config.json: process.scheduler.nice: expected a number (Int32), got 2147483648 (out of range)"),
            (#"{"ociVersion":"1.0.0","process":{"cwd":"/","consoleSize":{"height":-1,"width":1}}}"#,
             "config.json: process.consoleSize.height: expected a number (UInt), got -1 (out of range)"),
            (#"{"ociVersion":"1.0.0","process":{"cwd":"/","oomScoreAdj":0.5}}"#,
             "config.json: process.oomScoreAdj: expected a number (Int), got 0.5 (not a whole number)"),
            (#"{"ociVersion":"1.0.0","linux":{"seccomp":{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["a"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":18446744073709551616,"op":"SCMP_CMP_EQ"}]}]}}}"#,
             "config.json: linux.seccomp.syscalls[0].args[0].value: expected a number (UInt64), got 18446744073709551616 (out of range)"),
            (#"{"ociVersion":"1.0.0","mounts":[{"destination":"/a"},{"type":"bind"}]}"#,
             #"config.json: mounts[1]: missing required field "destination""#),
            (#"{"ociVersion":"1.0.0","annotations":{"a.b":null}}"#,
             #"config.json: annotations["a.b"]: expected a string, got null"#),
            (#"{"ociVersion":"1.0.0","linux":{"timeOffsets":{"monotonic":{"nanosecs":-1}}}}"#,
             "config.json: linux.timeOffsets.monotonic.nanosecs: expected a number (UInt32), got -1 (out of range)"),
            (#"{"ociVersion":"1.0.0","linux":{"resources":{"rdma":{"mlx5_1":[]}}}}"#,
             "config.json: linux.resources.rdma.mlx5_1: expected an object, got an array"),
            (#"{"ociVersion":"1.0.0","linux":{"seccomp":{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":null,"action":"SCMP_ACT_ALLOW"}]}}}"#,
             "config.json: linux.seccomp.syscalls[0].names: expected an array, got null"),
            (#"{"ociVersion":"1.0.0","process":{"cwd":"/","ioPriority":{"class":"IOPRIO_CLASS_RT"}}}"#,
             #"config.json: process.ioPriority: missing required field "priority""#),
            (#"null"#, "config.json: expected an object, got null"),
        ]
        for (json, message) in expected {
            XCTAssertEqual(decodeError(json)?.description, message, json)
            XCTAssertThrowsError(try decodeJSONDocumentViaCodable(Spec.self, from: Data(json.utf8), file: "config.json")) {
                XCTAssertEqual("\($0)", message, json)
            }
        }
    }
}

// MARK: - Comparing the two paths

/// Decodes `data` through the reader (`decodeSpec` for `Spec`, else
/// `decodeJSONDocument`) and through Codable; both must give equal values or
/// equal errors.
private func assertSameDecoding<T: Decodable & Equatable>(
    _ type: T.Type, _ data: Data, file: String = "config.json", _ name: String,
    sourceFile: StaticString = #filePath, line: UInt = #line
) {
    let viaReader = Result<T, Error> {
        if T.self == Spec.self, file == "config.json" {
            return try decodeSpec(from: data) as! T
        }
        return try decodeJSONDocument(T.self, from: data, file: file)
    }
    let viaCodable = Result<T, Error> { try decodeJSONDocumentViaCodable(T.self, from: data, file: file) }
    switch (viaReader, viaCodable) {
    case (.success(let a), .success(let b)):
        XCTAssertEqual(a, b, name, file: sourceFile, line: line)
    case (.failure(let a), .failure(let b)):
        XCTAssertTrue(a is SpecError, "\(name): reader threw \(a)", file: sourceFile, line: line)
        XCTAssertEqual("\(a)", "\(b)", name, file: sourceFile, line: line)
        XCTAssertEqual(a as? SpecError, b as? SpecError, name, file: sourceFile, line: line)
    case (.success(let a), .failure(let b)):
        XCTFail("\(name): the reader accepted what Codable rejects (\(b)): \(a)", file: sourceFile, line: line)
    case (.failure(let a), .success(let b)):
        XCTFail("\(name): the reader rejects (\(a)) what Codable accepts: \(b)", file: sourceFile, line: line)
    }
}

private func fixturesDirectory() -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Specs/fixtures")
}

private func fixtureNames() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: fixturesDirectory().path).filter { $0.hasSuffix(".json") }.sorted()
}

/// The fields (paths without indices or map keys) that are nil, or empty
/// collections, wherever they occur in `value`.
private func unsetFields(_ value: Any) -> [String] {
    var set: Set<String> = []
    var unset: Set<String> = []
    func walk(_ value: Any, _ path: String) {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            if let wrapped = mirror.children.first?.value {
                set.insert(path)
                walk(wrapped, path)
            } else {
                unset.insert(path)
            }
        case .collection, .dictionary:
            if mirror.children.isEmpty { unset.insert(path + "[]") } else { set.insert(path + "[]") }
            for child in mirror.children { walk(child.value, path + "[]") }
        case .tuple:  // a dictionary entry
            for child in mirror.children where child.label == "value" { walk(child.value, path) }
        case .struct:
            for child in mirror.children { walk(child.value, path + "." + (child.label ?? "?")) }
        default:
            break
        }
    }
    walk(value, "spec")
    return unset.subtracting(set).sorted()
}
