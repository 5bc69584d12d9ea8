import Glibc

/// The one error type of the runtime: what was being done, on which path,
/// and the errno, printed as `operation path: strerror` (crun's rule),
/// the errno text starting lower-case as runc's (Go's) does: Docker picks
/// its exit code 127 or 126 by matching "no such file or directory" and
/// "permission denied" in the runtime's error, case-sensitively.
public struct RuntimeError: Error, CustomStringConvertible, Equatable {
    public var operation: String
    public var path: String?
    public var errno: Int32?

    public init(_ operation: String, path: String? = nil, errno: Int32? = nil) {
        self.operation = operation
        self.path = path
        self.errno = errno
    }

    public var description: String {
        var s = operation
        if let path { s += " `\(path)`" }
        if let errno {
            let text = String(cString: strerror(errno))
            s += ": " + (text.first.map { $0.lowercased() + text.dropFirst() } ?? text)
        }
        return s
    }
}

/// Converts a C return value (>= 0 or -errno) into a throw.
@discardableResult
func check(_ r: Int32, _ operation: String, path: String? = nil) throws -> Int32 {
    if r < 0 { throw RuntimeError(operation, path: path, errno: -r) }
    return r
}
