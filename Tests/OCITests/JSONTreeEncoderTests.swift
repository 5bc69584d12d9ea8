import Foundation
import XCTest
@testable import OCI

final class JSONTreeEncoderTests: XCTestCase {
    func testCompactOutputSortsKeysAndOmitsNils() throws {
        var state = ContainerState(ociVersion: "1.3.0", id: "c1", status: .running, pid: 42, bundle: "/b/x")
        state.annotations = ["z": "1", "a": "2"]
        let text = String(decoding: encodeJSONCompactBytes(state), as: UTF8.self)
        XCTAssertEqual(text, #"{"annotations":{"a":"2","z":"1"},"bundle":"/b/x","id":"c1","ociVersion":"1.3.0","pid":42,"status":"running"}"#)
    }

    func testStringsAreEscapedAsJSONRequires() throws {
        let tricky = "q\"b\\n\nt\tc\u{01}/é😀"
        let text = String(decoding: encodeJSONCompactBytes([tricky]), as: UTF8.self)
        XCTAssertEqual(text, #"["q\"b\\n\nt\tc\u0001/é😀"]"#)
        let back = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String]
        XCTAssertEqual(back, [tricky])
    }

    func testPrettyOutputIndentsTwoSpacesAndKeepsEmptyContainersShort() {
        let text = String(decoding: encodeJSONPretty(["b": [Int](), "a": [1, -2]]), as: UTF8.self)
        XCTAssertEqual(text, "{\n  \"a\": [\n    1,\n    -2\n  ],\n  \"b\": []\n}\n")
    }

    func testIntegerExtremesSurvive() throws {
        let values: [Int64] = [Int64.min, -1, 0, Int64.max]
        let text = String(decoding: encodeJSONCompactBytes(values), as: UTF8.self)
        XCTAssertEqual(text, "[-9223372036854775808,-1,0,9223372036854775807]")
        XCTAssertEqual(String(decoding: encodeJSONCompactBytes([UInt64.max]), as: UTF8.self), "[18446744073709551615]")
    }

    /// Every client fixture decodes, encodes and decodes to the same Spec.
    func testClientFixturesRoundTrip() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Specs/fixtures")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") && !$0.contains("process") && !$0.contains("update") }
        XCTAssertGreaterThan(names.count, 10)
        for name in names {
            let spec = try decodeSpec(from: Data(contentsOf: dir.appendingPathComponent(name)))
            let again = try decodeSpec(from: encodeJSONCompact(spec))
            XCTAssertEqual(spec, again, name)
            XCTAssertEqual(try decodeSpec(from: encodeJSONPretty(spec)), spec, name)
        }
    }
}
