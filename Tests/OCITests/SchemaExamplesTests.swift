import Foundation
import XCTest
@testable import OCI

/// The good and bad example documents shipped with the runtime-spec schema.
final class SchemaExamplesTests: XCTestCase {
    func testGoodConfigsDecode() throws {
        let files = try exampleFiles("config/good")
        XCTAssertFalse(files.isEmpty)
        for url in files {
            XCTAssertNoThrow(try decodeSpec(from: Data(contentsOf: url)), url.lastPathComponent)
        }
    }

    /// The good examples are schema-valid; two break rules that only the
    /// runtime side imposes, and must fail with exactly that error.
    func testGoodConfigsValidate() throws {
        let expectedErrors: [String: [String]] = [
            // ociVersion "0.5.0-dev": we only run 1.x configs.
            "spec-example.json": [#"config.json: ociVersion: unsupported major version 0 in "0.5.0-dev", expected 1.x.y"#],
            // Moving host interfaces needs a network namespace of the container's own (as in runc).
            "linux-netdevice.json": [#"config.json: linux.netDevices: requires a network namespace (linux.namespaces has no "network" entry)"#],
        ]
        for url in try exampleFiles("config/good") {
            let name = url.lastPathComponent
            let spec = try decodeSpec(from: Data(contentsOf: url))
            XCTAssertEqual(validate(spec).map(\.description), expectedErrors[name] ?? [], name)
        }
    }

    func testGoodSpecExampleKeepsEveryField() throws {
        let url = try runtimeSpecDirectory().appendingPathComponent("schema/test/config/good/spec-example.json")
        let spec = try decodeSpec(from: Data(contentsOf: url))
        XCTAssertEqual(spec.domainname, "foobarbaz.test")
        XCTAssertEqual(spec.process?.user.additionalGids, [5, 6])
        XCTAssertEqual(spec.hooks?.startContainer?.first?.path, "/usr/bin/refresh-ldcache")
        XCTAssertEqual(spec.hooks?.poststart?.first?.timeout, 5)
        XCTAssertEqual(spec.linux?.timeOffsets?["monotonic"], LinuxTimeOffset(secs: 172800, nanosecs: 0))
        XCTAssertEqual(spec.linux?.resources?.hugepageLimits?.first?.limit, 9223372036854772000)
        XCTAssertEqual(spec.linux?.resources?.memory?.kernel, -1)
        XCTAssertEqual(spec.linux?.resources?.cpu?.burst, 1000000)
        XCTAssertEqual(spec.linux?.resources?.network?.classID, 1048577)
        XCTAssertEqual(spec.linux?.resources?.blockIO?.throttleWriteIOPSDevice?.first?.rate, 300)
        XCTAssertEqual(spec.linux?.sysctl?["net.core.somaxconn"], "256")
        XCTAssertEqual(spec.linux?.mountLabel, "system_u:object_r:svirt_sandbox_file_t:s0:c715,c811")
        XCTAssertEqual(spec.linux?.namespaces?.compactMap(\.kind), [.pid, .network, .ipc, .uts, .mount, .user, .cgroup, .time])
        XCTAssertEqual(spec.annotations?["com.example.key1"], "value1")
    }

    /// Every bad example must be rejected, either by decoding or by validation.
    /// (All four current ones are caught; a new one that only breaks a
    /// schema rule we do not check would have to be listed here with a reason.)
    func testBadConfigsAreRejected() throws {
        let expectations: [String: String] = [
            "invalid-json.json": "config.json: invalid JSON at line 1, column 2",
            "linux-hugepage.json": "config.json: linux.resources.hugepageLimits[0].pageSize: must be a size",
            "linux-netdevice.json": "config.json: linux.netDevices.eth0.name: expected a string, got the number 23",
            "linux-rdma.json": "config.json: linux.resources.rdma.mlx5_1.hcaHandles: expected a number (UInt32), got a string",
        ]
        let files = try exampleFiles("config/bad")
        XCTAssertFalse(files.isEmpty)
        for url in files {
            let name = url.lastPathComponent
            let problems: [SpecError]
            do {
                problems = validate(try decodeSpec(from: Data(contentsOf: url)))
            } catch let error as SpecError {
                problems = [error]
            }
            XCTAssertFalse(problems.isEmpty, "\(name) was accepted")
            guard let expected = expectations[name] else {
                XCTFail("new bad example \(name): add its expected error here; got \(problems.map(\.description))")
                continue
            }
            XCTAssertTrue(problems.contains { $0.description.hasPrefix(expected) },
                          "\(name): \(problems.map(\.description))")
        }
    }

    func testFeaturesExamples() throws {
        for url in try exampleFiles("features/good") {
            XCTAssertNoThrow(try decodeJSONDocument(Features.self, from: Data(contentsOf: url), file: "features.json"),
                             url.lastPathComponent)
        }
        let runc = try decodeJSONDocument(
            Features.self,
            from: Data(contentsOf: try runtimeSpecDirectory().appendingPathComponent("schema/test/features/good/runc.json")),
            file: "features.json")
        XCTAssertEqual(runc.linux?.cgroup?.systemdUser, true)
        XCTAssertEqual(runc.linux?.seccomp?.supportedFlags, ["SECCOMP_FILTER_FLAG_LOG"])
        XCTAssertEqual(runc.linux?.netDevices?.enabled, true)
        XCTAssertEqual(runc.annotations?["org.opencontainers.runc.version"], "1.1.0+dev")

        for url in try exampleFiles("features/bad") {
            XCTAssertThrowsError(try decodeJSONDocument(Features.self, from: Data(contentsOf: url), file: "features.json"),
                                 url.lastPathComponent) { error in
                XCTAssertTrue("\(error)".contains("missing required field"), "\(error)")
            }
        }
    }

    func testStateExamples() throws {
        for url in try exampleFiles("state/good") {
            let state = try decodeJSONDocument(ContainerState.self, from: Data(contentsOf: url), file: "state.json")
            XCTAssertEqual(state.status, .running)
            XCTAssertEqual(state.pid, 4422)
        }
        for url in try exampleFiles("state/bad") {
            XCTAssertThrowsError(try decodeJSONDocument(ContainerState.self, from: Data(contentsOf: url), file: "state.json"),
                                 url.lastPathComponent) { error in
                XCTAssertTrue("\(error)".hasPrefix("state.json: invalid JSON"), "\(error)")
            }
        }
    }
}
