/// Writes one cgroup file, naming file and value when the kernel refuses.
enum CgroupFile {
    static func write(_ dir: String, _ file: String, _ value: String) throws {
        do {
            try Sys.writeExisting(dir + "/" + file, value)
        } catch let e as RuntimeError {
            throw RuntimeError("write \"\(value)\" to", path: dir + "/" + file, errno: e.errno)
        }
    }

    /// The same through an fd already open on dir/file.
    static func write(_ fd: Int32, _ dir: String, _ file: String, _ value: String) throws {
        do {
            try Sys.writeAll(fd, Array(value.utf8), path: dir + "/" + file)
        } catch let e as RuntimeError {
            throw RuntimeError("write \"\(value)\" to", path: dir + "/" + file, errno: e.errno)
        }
    }
}
