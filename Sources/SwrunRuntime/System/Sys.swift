import Glibc

/// Thin wrappers over the syscalls the Swift side uses, each retrying EINTR
/// and throwing a RuntimeError naming the operation and path.
public enum Sys {
    static func open(_ path: String, _ flags: Int32, _ mode: mode_t = 0) throws -> Int32 {
        while true {
            let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            if errno != EINTR { throw RuntimeError("open", path: path, errno: errno) }
        }
    }

    static func close(_ fd: Int32) {
        if fd >= 0 { _ = Glibc.close(fd) }
    }

    static func read(_ fd: Int32, into buf: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = Glibc.read(fd, buf.baseAddress, buf.count)
            if n >= 0 { return n }
            if errno != EINTR && errno != EAGAIN { throw RuntimeError("read", errno: errno) }
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String? = nil) throws {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + off, bytes.count - off) }
            if n < 0 {
                if errno == EINTR { continue }
                throw RuntimeError("write", path: path, errno: errno)
            }
            off += n
        }
    }

    /// Reads a whole file (small files: /proc entries, state, config).
    public static func readFile(_ path: String) throws -> [UInt8] {
        let fd = try open(path, O_RDONLY)
        defer { close(fd) }
        return try readAll(fd: fd)
    }

    static func readText(_ path: String) throws -> String {
        String(decoding: try readFile(path), as: UTF8.self)
    }

    /// Writes to an existing file (cgroup and /proc files): no create, no truncate.
    static func writeExisting(_ path: String, _ text: String) throws {
        let fd = try open(path, O_WRONLY)
        defer { close(fd) }
        try writeAll(fd, Array(text.utf8), path: path)
    }

    /// Writes a file atomically: a temp file beside it, then rename.
    static func writeAtomic(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o644) throws {
        let tmp = path + ".tmp"
        let fd = try open(tmp, O_WRONLY | O_CREAT | O_TRUNC, mode)
        // No fsync: state lives on tmpfs and does not outlive a reboot; the
        // rename alone keeps readers from seeing a partial file.
        do {
            try writeAll(fd, bytes, path: tmp)
        } catch {
            close(fd)
            unlink(tmp)
            throw error
        }
        close(fd)
        if rename(tmp, path) < 0 {
            let e = errno
            unlink(tmp)
            throw RuntimeError("rename", path: path, errno: e)
        }
    }

    static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    static func mkdir(_ path: String, _ mode: mode_t) throws {
        if Glibc.mkdir(path, mode) < 0 { throw RuntimeError("mkdir", path: path, errno: errno) }
    }

    static func realpath(_ path: String) throws -> String {
        guard let p = Glibc.realpath(path, nil) else {
            throw RuntimeError("resolve", path: path, errno: errno)
        }
        defer { free(p) }
        return String(cString: p)
    }

    static func getcwd() -> String {
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        return Glibc.getcwd(&buf, buf.count) != nil ? String(cString: buf) : "/"
    }

    /// Lists a directory's entries, without "." and "..".
    static func listDirectory(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else { throw RuntimeError("opendir", path: path, errno: errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let ent = readdir(dir) {
            let name = withUnsafePointer(to: ent.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Removes a directory tree (state dirs only: no mount points inside).
    static func removeTree(_ path: String) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            for name in (try? listDirectory(path)) ?? [] { removeTree(path + "/" + name) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }

    static func sleepMillis(_ ms: Int) {
        var req = timespec(tv_sec: ms / 1000, tv_nsec: (ms % 1000) * 1_000_000)
        var rem = timespec()
        while nanosleep(&req, &rem) < 0 && errno == EINTR { req = rem }
    }
}

/// Constants and macros glibc defines in ways Swift does not import.
let O_PATH: Int32 = 0o10000000

func makedev(_ major: Int64, _ minor: Int64) -> UInt64 {
    let ma = UInt64(bitPattern: major), mi = UInt64(bitPattern: minor)
    return ((ma & 0xffff_f000) << 32) | ((ma & 0xfff) << 8) | ((mi & 0xffff_ff00) << 12) | (mi & 0xff)
}

extension Sys {
    /// Reads an fd to its end (stdin for `update -r -`).
    public static func readAll(fd: Int32) throws -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try read(fd, into: $0) }
            if n == 0 { return out }
            out.append(contentsOf: chunk[0..<n])
        }
    }
}
