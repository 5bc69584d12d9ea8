import Foundation
import XCTest
@testable import OCI

/// Decoding failures name the JSON path at fault.
final class DecodingErrorTests: XCTestCase {
    func testWrongTypeNamesPath() {
        let error = decodeError(#"""
        {"ociVersion":"1.0.0","root":{"path":"r"},"process":{"cwd":"/","args":["sh"],"user":{"uid":"x","gid":0}}}
        """#)
        XCTAssertEqual(error?.path, "process.user.uid")
        XCTAssertEqual(error?.description, "config.json: process.user.uid: expected a number (UInt32), got a string")
    }

    func testMissingNamespaceTypeNamesIndex() {
        let error = decodeError(#"""
        {"ociVersion":"1.0.0","root":{"path":"r"},"linux":{"namespaces":[{"path":"/proc/1/ns/pid"}]}}
        """#)
        XCTAssertEqual(error?.description, #"config.json: linux.namespaces[0]: missing required field "type""#)
    }

    func testMissingFieldInLaterArrayElement() {
        let error = decodeError(#"""
        {"ociVersion":"1.0.0","linux":{"namespaces":[{"type":"pid"},{}]}}
        """#)
        XCTAssertEqual(error?.description, #"config.json: linux.namespaces[1]: missing required field "type""#)
    }

    func testNegativeNumberForUnsignedField() {
        let error = decodeError(#"{"ociVersion":"1.0.0","process":{"cwd":"/","user":{"uid":-1,"gid":0}}}"#)
        XCTAssertEqual(error?.description, "config.json: process.user.uid: expected a number (UInt32), got -1 (out of range)")
    }

    func testTooLargeNumber() {
        let error = decodeError(#"{"ociVersion":"1.0.0","linux":{"uidMappings":[{"containerID":0,"hostID":4294967296,"size":1}]}}"#)
        XCTAssertEqual(error?.description,
                       "config.json: linux.uidMappings[0].hostID: expected a number (UInt32), got 4294967296 (out of range)")
    }

    func testFractionForIntegerField() {
        let error = decodeError(#"{"ociVersion":"1.0.0","linux":{"resources":{"memory":{"limit":1.5}}}}"#)
        XCTAssertEqual(error?.description,
                       "config.json: linux.resources.memory.limit: expected a number (Int64), got 1.5 (not a whole number)")
    }

    func testWholeNumbersInOtherSpellingsDecode() throws {
        let spec = try decode(#"{"ociVersion":"1.0.0","linux":{"resources":{"memory":{"limit":1e3,"swap":-1}}}}"#)
        XCTAssertEqual(spec.linux?.resources?.memory?.limit, 1000)
        XCTAssertEqual(spec.linux?.resources?.memory?.swap, -1)
    }

    func testNullForRequiredField() {
        let error = decodeError(#"{"ociVersion":"1.0.0","root":{"path":null}}"#)
        XCTAssertEqual(error?.description, "config.json: root.path: expected a string, got null")
    }

    func testObjectWhereArrayExpected() {
        let error = decodeError(#"{"ociVersion":"1.0.0","mounts":{"destination":"/x"}}"#)
        XCTAssertEqual(error?.description, "config.json: mounts: expected an array, got an object")
    }

    func testArrayWhereObjectExpected() {
        let error = decodeError(#"{"ociVersion":"1.0.0","process":[]}"#)
        XCTAssertEqual(error?.description, "config.json: process: expected an object, got an array")
    }

    func testMissingOCIVersion() {
        let error = decodeError(#"{"root":{"path":"rootfs"}}"#)
        XCTAssertEqual(error?.description, #"config.json: missing required field "ociVersion""#)
    }

    func testMissingProcessCwd() {
        let error = decodeError(#"{"ociVersion":"1.0.0","process":{"args":["sh"]}}"#)
        XCTAssertEqual(error?.description, #"config.json: process: missing required field "cwd""#)
    }

    func testMapKeysWithDotsAreQuoted() {
        let error = decodeError(#"{"ociVersion":"1.0.0","linux":{"sysctl":{"net.ipv4.ip_forward":1}}}"#)
        XCTAssertEqual(error?.description,
                       #"config.json: linux.sysctl["net.ipv4.ip_forward"]: expected a string, got the number 1"#)
    }

    func testNestedArrayIndices() {
        let error = decodeError(#"""
        {"ociVersion":"1.0.0","linux":{"seccomp":{"defaultAction":"SCMP_ACT_ALLOW",
         "syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"},
                     {"names":["write"],"action":"SCMP_ACT_ERRNO","args":[{"index":0,"value":1,"op":7}]}]}}}
        """#)
        XCTAssertEqual(error?.description,
                       "config.json: linux.seccomp.syscalls[1].args[0].op: expected a string, got the number 7")
    }

    func testInvalidJSONReportsPosition() {
        XCTAssertEqual(decodeError("{]")?.description,
                       #"config.json: invalid JSON at line 1, column 2: expected a string key, found character "]""#)
        XCTAssertEqual(decodeError("{\n  \"ociVersion\": \"1.0.0\"\n  \"root\": {}\n}")?.description,
                       #"config.json: invalid JSON at line 3, column 3: expected "," or "}" in object, found character "\"""#)
        XCTAssertEqual(decodeError("")?.description,
                       "config.json: invalid JSON at line 1, column 1: expected a value, found end of input")
        XCTAssertEqual(decodeError(#"{"ociVersion":"1.0.0"} x"#)?.description,
                       #"config.json: invalid JSON at line 1, column 24: unexpected character "x" after the end of the document"#)
    }

    func testTopLevelNotAnObject() {
        XCTAssertEqual(decodeError("[1]")?.description, "config.json: expected an object, got an array")
    }

    func testUnknownKeysAreIgnored() throws {
        let spec = try decode(#"""
        {"ociVersion":"1.0.0","root":{"path":"rootfs"},"windows":{"layerFolders":["C:\\x"]},
         "vm":{"hypervisor":{"path":"/x"}},"solaris":{},"zos":{},"freebsd":{},
         "linux":{"someFutureField":{"a":1},"namespaces":[{"type":"pid","extra":true}]},
         "x-custom":[1,2,3]}
        """#)
        XCTAssertEqual(spec.linux?.namespaces, [LinuxNamespace(kind: .pid)])
    }

    func testMissingUserMeansRoot() throws {
        let spec = try decode(#"{"ociVersion":"1.0.0","process":{"cwd":"/","args":["sh"]}}"#)
        XCTAssertEqual(spec.process?.user, User(uid: 0, gid: 0))
    }

    func testOtherDocumentsNameTheirFile() {
        XCTAssertThrowsError(try decodeJSONDocument(Process.self, from: Data(#"{"cwd":"/","user":{"uid":0}}"#.utf8),
                                                    file: "process.json")) { error in
            XCTAssertEqual("\(error)", #"process.json: user: missing required field "gid""#)
        }
    }

    func testLoadSpecThrowsFirstValidationError() {
        XCTAssertThrowsError(try loadSpec(from: Data(#"{"ociVersion":"1.0.0","root":{"path":"rootfs"},"process":{"cwd":"tmp","args":["sh"]}}"#.utf8))) { error in
            XCTAssertEqual("\(error)", #"config.json: process.cwd: must be an absolute path, got "tmp""#)
        }
    }

    func testJSONParserHandlesEscapes() throws {
        let node = try JSONParser.parse(Data(#"{"a":"x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"}"#.utf8))
        guard case .object(let members) = node, case .string(let value)? = members["a"] else {
            return XCTFail("unexpected \(node)")
        }
        XCTAssertEqual(value, "x\"\\/\u{8}\u{c}\n\r\té😀")
    }

    func testJSONParserRejectsMalformedInput() {
        let cases = ["[1,]", "{\"a\" 1}", "[01]", "[1.]", "[-]", "\"abc", "[tru]", "\"\u{1}\"", "[1e]", #"["\x"]"#]
        for text in cases {
            XCTAssertThrowsError(try JSONParser.parse(Data(text.utf8)), text)
        }
    }
}
