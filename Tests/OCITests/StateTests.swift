import Foundation
import XCTest
@testable import OCI

final class StateTests: XCTestCase {
    private func jsonObject(_ data: Data) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func testStatusRawValues() {
        XCTAssertEqual(ContainerStatus.allCases.map(\.rawValue), ["creating", "created", "running", "stopped", "paused"])
    }

    func testStoppedStateOmitsPidAndNilFields() throws {
        let state = ContainerState(id: "c1", status: .stopped, bundle: "/b")
        let object = try jsonObject(encodeJSONCompact(state))
        XCTAssertEqual(Set(object.keys), ["ociVersion", "id", "status", "bundle"])
        XCTAssertEqual(object["status"] as? String, "stopped")
        XCTAssertEqual(object["ociVersion"] as? String, "1.3.0")
    }

    func testRunningStateWithRuncFields() throws {
        let state = ContainerState(id: "c1", status: .running, pid: 42, bundle: "/b", annotations: ["k": "v"],
                                   rootfs: "/b/rootfs", created: "2024-01-02T03:04:05.123456789Z", owner: "")
        let object = try jsonObject(encodeJSONPretty(state))
        XCTAssertEqual(object["pid"] as? Int, 42)
        XCTAssertEqual(object["rootfs"] as? String, "/b/rootfs")
        XCTAssertEqual(object["created"] as? String, "2024-01-02T03:04:05.123456789Z")
        XCTAssertEqual(object["owner"] as? String, "")
        let decoded = try decodeJSONDocument(ContainerState.self, from: encodeJSONPretty(state), file: "state.json")
        XCTAssertEqual(decoded, state)
    }

    func testPlainOCIStateDecodes() throws {
        let json = #"{"ociVersion":"1.0.2","id":"x","status":"created","pid":7,"bundle":"/containers/x"}"#
        let state = try decodeJSONDocument(ContainerState.self, from: Data(json.utf8), file: "state.json")
        XCTAssertEqual(state, ContainerState(ociVersion: "1.0.2", id: "x", status: .created, pid: 7, bundle: "/containers/x"))
        XCTAssertNil(state.rootfs)
    }

    func testUnknownStatusIsAnError() {
        let json = #"{"ociVersion":"1.0.2","id":"x","status":"exploded","bundle":"/b"}"#
        XCTAssertThrowsError(try decodeJSONDocument(ContainerState.self, from: Data(json.utf8), file: "state.json")) { error in
            XCTAssertTrue("\(error)".hasPrefix("state.json: status: "), "\(error)")
        }
    }

    func testContainerProcessStateRoundTrip() throws {
        let message = ContainerProcessState(
            fds: ["seccompFd"], pid: 4422, metadata: "MKNOD=/dev/null",
            state: ContainerState(id: "oci-container1", status: .creating, pid: 4422, bundle: "/containers/redis"))
        let decoded = try decodeJSONDocument(ContainerProcessState.self, from: encodeJSONCompact(message), file: "state")
        XCTAssertEqual(decoded, message)
    }

    func testFeaturesEncodeOmitsUnset() throws {
        let features = Features(
            ociVersionMin: "1.0.0", ociVersionMax: "1.3.0",
            hooks: ["prestart"],
            linux: LinuxFeatures(namespaces: ["pid"], cgroup: CgroupFeatures(v2: true),
                                 seccomp: SeccompFeatures(enabled: true, actions: LinuxSeccomp.knownActions),
                                 mountExtensions: MountExtensionsFeatures(idmap: IDMapFeatures(enabled: true))))
        let object = try jsonObject(encodeJSONPretty(features))
        XCTAssertEqual(Set(object.keys), ["ociVersionMin", "ociVersionMax", "hooks", "linux"])
        let linux = try XCTUnwrap(object["linux"] as? [String: Any])
        XCTAssertEqual(Set(linux.keys), ["namespaces", "cgroup", "seccomp", "mountExtensions"])
        XCTAssertEqual(try decodeJSONDocument(Features.self, from: encodeJSONPretty(features), file: "features"), features)
    }
}
