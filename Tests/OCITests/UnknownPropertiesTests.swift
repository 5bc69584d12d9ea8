import Foundation
import XCTest
@testable import OCI

final class UnknownPropertiesTests: XCTestCase {
    func testUnknownMembersAreListedByPathAndOtherwiseIgnored() throws {
        let json = #"""
        {"ociVersion": "1.3.0", "future": 1, "root": {"path": "rootfs", "shiny": true},
         "process": {"cwd": "/", "args": ["sh"], "user": {"uid": 0, "gid": 0, "sid": 5}},
         "mounts": [{"destination": "/x", "type": "tmpfs", "newOption": "y"}],
         "linux": {"resources": {"memory": {"limit": 1, "extra": 2}}, "annotations2": {}},
         "annotations": {"any.key": "is data, not a property"}}
        """#
        var unknown: [String] = []
        let spec = try decodeSpec(from: Data(json.utf8), unknownProperties: &unknown)
        XCTAssertEqual(Set(unknown), ["future", "root.shiny", "process.user.sid", "mounts[0].newOption",
                                      "linux.resources.memory.extra", "linux.annotations2"])
        XCTAssertEqual(spec, try decodeSpec(from: Data(json.utf8)), "unknown members change nothing")
        XCTAssertEqual(spec.linux?.resources?.memory?.limit, 1)
    }

    /// What podman and containerd send is all known to swrun.
    func testClientFixturesHaveNoUnknownProperties() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Specs/fixtures")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            .filter { $0.hasSuffix(".json") && !$0.contains("process") && !$0.contains("update") }
        XCTAssertGreaterThan(names.count, 10)
        for name in names {
            var unknown: [String] = []
            _ = try decodeSpec(from: Data(contentsOf: dir.appendingPathComponent(name)), unknownProperties: &unknown)
            XCTAssertEqual(unknown, [], name)
        }
    }

    /// The runtime-spec's own valid examples use only known properties,
    /// except a relic: `linux.resources.oomScoreAdj` is in spec-example.json
    /// but in neither config-linux.md nor the schema's resources.
    func testSpecExamplesHaveNoUnknownProperties() throws {
        for file in try exampleFiles("config/good") {
            var unknown: [String] = []
            guard (try? decodeSpec(from: Data(contentsOf: file), unknownProperties: &unknown)) != nil else { continue }
            XCTAssertEqual(unknown.filter { $0 != "linux.resources.oomScoreAdj" }, [], file.lastPathComponent)
        }
    }
}
