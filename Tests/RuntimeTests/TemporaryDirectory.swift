import Glibc
@testable import SwrunRuntime

/// A fresh directory /tmp/swrun-<tag>-XXXXXX; the test removes it.
func makeTemporaryDirectory(_ tag: String) throws -> String {
    var template = Array("/tmp/swrun-\(tag)-XXXXXX".utf8CString)
    guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
        throw RuntimeError("mkdtemp", path: "/tmp/swrun-\(tag)-XXXXXX", errno: errno)
    }
    return String(cString: made)
}
