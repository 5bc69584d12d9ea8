import CShim
import Glibc

/// The container's /etc/passwd, read inside the rootfs (symlinks cannot
/// lead to the host's), for HOME when the config does not set it.
public enum Passwd {
    public static func home(uid: UInt32, passwd: String) -> String? {
        for line in passwd.split(separator: "\n") {
            let f = line.split(separator: ":", omittingEmptySubsequences: false)
            if f.count >= 6, UInt32(f[2]) == uid, !f[5].isEmpty { return String(f[5]) }
        }
        return nil
    }

    /// The name of `uid` in a passwd file.
    public static func name(uid: UInt32, passwd: String) -> String? {
        for line in passwd.split(separator: "\n") {
            let f = line.split(separator: ":", omittingEmptySubsequences: false)
            if f.count >= 3, UInt32(f[2]) == uid, !f[0].isEmpty { return String(f[0]) }
        }
        return nil
    }

    static func read(rootfs: String) -> String? {
        guard let root = try? Sys.open(rootfs, O_PATH | O_DIRECTORY) else { return nil }
        defer { Sys.close(root) }
        // RESOLVE_IN_ROOT (0x10) | RESOLVE_NO_MAGICLINKS (0x02)
        // O_NONBLOCK and the regular-file check: a FIFO or device put at
        // etc/passwd must not hang or feed create.
        let fd = shim_openat2(root, "etc/passwd", UInt64(O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY), 0, 0x12)
        guard fd >= 0 else { return nil }
        defer { Sys.close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return nil }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while out.count < 1 << 20 {
            let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            out += buf[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
