import CShim
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

    /// Reads a document a caller hands over (config.json, process.json):
    /// a regular file of at most `limit` bytes. A FIFO, a device such as
    /// /dev/zero or a huge file is refused instead of read without end;
    /// O_NONBLOCK keeps the open of a FIFO from waiting for a writer.
    public static func readDocument(_ path: String, limit: Int = 32 << 20) throws -> [UInt8] {
        let fd = try open(path, O_RDONLY | O_NONBLOCK)
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) < 0 { throw RuntimeError("stat", path: path, errno: errno) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw RuntimeError("read \(path): not a regular file") }
        guard st.st_size <= limit else { throw RuntimeError("read \(path): \(st.st_size) bytes, more than the \(limit >> 20) MiB allowed") }
        let bytes = try readAll(fd: fd)
        guard bytes.count <= limit else { throw RuntimeError("read \(path): more than the \(limit >> 20) MiB allowed") }
        return bytes
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

    /// Writes a file atomically: a new temp file beside it, then rename.
    /// The temp file is created with O_EXCL|O_NOFOLLOW under a random name:
    /// whoever can write the directory (a --pid-file in a caller's dir)
    /// cannot plant a symlink that makes swrun write elsewhere.
    static func writeAtomic(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o644) throws {
        var tmp = ""
        var fd: Int32 = -1
        for attempt in 1...8 {
            tmp = path + ".tmp-" + String(UInt64.random(in: 1...UInt64.max), radix: 36)
            do {
                fd = try open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode)
                break
            } catch let e as RuntimeError where e.errno == EEXIST && attempt < 8 {
                continue
            }
        }
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

    /// What a file is (device and inode): two paths to one namespace, or
    /// to one directory, have the same. nil with errno set if stat fails.
    struct FileIdentity: Equatable {
        var device: UInt64
        var inode: UInt64
    }

    static func fileIdentity(_ path: String) -> FileIdentity? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return FileIdentity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
    }

    static func readLink(_ path: String) throws -> String {
        var buf = [UInt8](repeating: 0, count: 4096)
        let n = buf.withUnsafeMutableBytes { Glibc.readlink(path, $0.baseAddress!.assumingMemoryBound(to: CChar.self), $0.count) }
        if n < 0 { throw RuntimeError("readlink", path: path, errno: errno) }
        return String(decoding: buf[..<n], as: UTF8.self)
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

    /// This process's own environment, as `NAME=value` strings.
    static func environment() -> [String] {
        var out: [String] = []
        var p = environ
        while let entry = p.pointee {
            out.append(String(cString: entry))
            p += 1
        }
        return out
    }

    public static func getcwd() -> String {
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
    /// Removes `path` and what is below it, never crossing into another
    /// mount: a mount point below it (a crashed restore's `criu-root`, a
    /// bind of the container's rootfs) is detached, and left alone if that
    /// fails or cannot be told (Linux < 5.8, or another device).
    static func removeTree(_ path: String) {
        var top = stat()
        guard lstat(path, &top) == 0 else { return }
        removeTree(path, device: top.st_dev, isTop: true)
    }

    private static func removeTree(_ path: String, device: UInt, isTop: Bool) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        guard (st.st_mode & S_IFMT) == S_IFDIR else {
            unlink(path)
            return
        }
        if !isTop && (st.st_dev != device || shim_is_mount_root(path) != 0) {
            umount2(path, Int32(MNT_DETACH))
            guard lstat(path, &st) == 0, st.st_dev == device, shim_is_mount_root(path) == 0 else { return }
        }
        for name in (try? listDirectory(path)) ?? [] { removeTree(path + "/" + name, device: device, isTop: false) }
        rmdir(path)
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
