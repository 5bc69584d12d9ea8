import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Shared helpers for the mount tests (MountOptionTests, MountPropagationTests, RootfsTests, MiscTests)

/// One line of /proc/<pid>/mountinfo, optional fields included.
struct MountInfoEntry: CustomStringConvertible {
    var id: Int
    var parent: Int
    var device: String          // "major:minor"
    var root: String
    var mountPoint: String
    var options: Set<String>    // per-mount options (ro, nosuid, noatime...)
    var optional: [String]      // shared:N, master:N, propagate_from:N, unbindable
    var fsType: String
    var source: String
    var superOptions: Set<String>
    var line: String

    var isShared: Bool { optional.contains { $0.hasPrefix("shared:") } }
    var isSlave: Bool { optional.contains { $0.hasPrefix("master:") } }
    var isUnbindable: Bool { optional.contains("unbindable") }
    var isPrivate: Bool { !isShared && !isSlave && !isUnbindable }
    var description: String { line }
}

enum MountFixture {
    /// Every entry, in mount order.
    static func parse(_ text: String) -> [MountInfoEntry] {
        var out: [MountInfoEntry] = []
        for l in lines(text) {
            let halves = l.components(separatedBy: " - ")
            guard halves.count == 2 else { continue }
            let a = halves[0].split(separator: " ").map(String.init)
            let b = halves[1].split(separator: " ").map(String.init)
            guard a.count >= 6, b.count >= 3 else { continue }
            out.append(MountInfoEntry(id: Int(a[0]) ?? -1, parent: Int(a[1]) ?? -1, device: a[2], root: a[3],
                                      mountPoint: a[4], options: Set(a[5].split(separator: ",").map(String.init)),
                                      optional: Array(a.dropFirst(6)), fsType: b[0], source: b[1],
                                      superOptions: Set(b[2].split(separator: ",").map(String.init)), line: l))
        }
        return out
    }

    /// The top-most (last) mount on `point`.
    static func entry(_ text: String, at point: String) -> MountInfoEntry? {
        parse(text).last { $0.mountPoint == point }
    }

    /// Options of `point` as /proc/self/mounts shows them (superblock flags such as sync included).
    static func procMountsOptions(_ text: String, at point: String) -> Set<String>? {
        var found: Set<String>?
        for l in lines(text) {
            let f = l.split(separator: " ").map(String.init)
            if f.count >= 4 && f[1] == point { found = Set(f[3].split(separator: ",").map(String.init)) }
        }
        return found
    }

    /// "k=v" lines of a container's output.
    static func keyed(_ out: String) -> [String: String] {
        var d: [String: String] = [:]
        for l in lines(out) {
            guard let eq = l.firstIndex(of: "=") else { continue }
            d[String(l[..<eq])] = String(l[l.index(after: eq)...])
        }
        return d
    }

    /// Mounts something in the test's own mount namespace with mount(8) and
    /// unmounts it (lazily) when the test ends, before the sandbox's teardown
    /// checks for leaked mounts.
    static func hostMount(_ test: XCTestCase, _ args: [String], target: String,
                          file: StaticString = #filePath, line: UInt = #line) throws {
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        let r = runProcess(["mount"] + args + [target], file: file, line: line)
        guard r.status == 0 else {
            XCTFail("mount \(args) \(target): \(r)", file: file, line: line)
            throw SpawnError(description: "host mount failed")
        }
        test.addTeardownBlock { hostUnmount(target) }
    }

    /// Lazily unmounts everything stacked on `target` in the test's namespace.
    static func hostUnmount(_ target: String) {
        for _ in 0..<8 {
            if umount2(target, Int32(MNT_DETACH)) != 0 { break }
        }
    }

    static func makeShared(_ target: String, file: StaticString = #filePath, line: UInt = #line) {
        let r = runProcess(["mount", "--make-shared", target], file: file, line: line)
        XCTAssertEqual(r.status, 0, "mount --make-shared \(target): \(r)", file: file, line: line)
    }

    /// A directory `<sb.dir>/<name>` holding a file `top-file` and a tmpfs
    /// submount `sub` (mounted with `subOptions`) holding `sub-file`.
    static func treeWithSubmount(_ test: XCTestCase, _ sb: Sandbox, name: String = "tree", subOptions: [String] = [],
                                 file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let top = sb.dir + "/" + name
        try FileManager.default.createDirectory(atPath: top + "/sub", withIntermediateDirectories: true)
        chmod(top, 0o755)
        try writeFile(top + "/top-file", "top\n")
        var opts = ["size=8m"] + subOptions
        opts = [opts.joined(separator: ",")]
        try hostMount(test, ["-t", "tmpfs", "-o"] + opts + ["tree-sub"], target: top + "/sub", file: file, line: line)
        chmod(top + "/sub", 0o755)
        try writeFile(top + "/sub/sub-file", "sub\n")
        return top
    }

    /// A copy of the static busybox at `path`.
    static func copyBusybox(to path: String, mode: mode_t = 0o755) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        if fileExists(path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.copyItem(atPath: "/bin/busybox", toPath: path)
        chown(path, 0, 0)
        chmod(path, mode)
    }

    static func kernelAtLeast(_ major: Int, _ minor: Int) -> Bool {
        var u = utsname()
        uname(&u)
        let release = withUnsafePointer(to: &u.release) {
            $0.withMemoryRebound(to: CChar.self, capacity: 65) { String(cString: $0) }
        }
        let parts = release.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        guard parts.count >= 2 else { return false }
        return parts[0] > major || (parts[0] == major && parts[1] >= minor)
    }

    static func addCapabilities(_ b: TestBundle, _ caps: [String]) {
        var p = b.process
        var c = p["capabilities"] as? [String: Any] ?? [:]
        for set in ["bounding", "effective", "permitted"] {
            c[set] = (c[set] as? [String] ?? []) + caps
        }
        p["capabilities"] = c
        b.process = p
    }

    static func setUser(_ b: TestBundle, uid: Int, gid: Int) {
        var p = b.process
        p["user"] = ["uid": uid, "gid": gid]
        b.process = p
    }

    /// Mount lines mentioning `needle` that are in `now` but not in `before`.
    static func newMounts(before: String, now: String, mentioning needle: String) -> [String] {
        let old = Set(lines(before))
        return lines(now).filter { !old.contains($0) && $0.contains(needle) }
    }

    /// Files, modes and owners of a uid-shifted mount are read with `stat -c`.
    static func statLines(_ out: String) -> [String: String] {
        var d: [String: String] = [:]
        for l in lines(out) where l.hasPrefix("/") {
            let f = l.split(separator: " ", maxSplits: 1).map(String.init)
            if f.count == 2 { d[f[0]] = f[1] }
        }
        return d
    }
}

// MARK: - Feature probe: idmapped mounts of a tmpfs

extension MountFixture {
    /// Why this kernel cannot idmap a tmpfs mount, or nil when it can. The
    /// operation itself is tried (open_tree(OPEN_TREE_CLONE) of a new tmpfs,
    /// then mount_setattr(MOUNT_ATTR_IDMAP) with a mapped user namespace),
    /// not guessed from the version (tmpfs takes idmaps since Linux 6.3).
    static func tmpfsIdmapUnsupported(_ sb: Sandbox) -> String? {
        let dir = sb.dir + "/idmap-probe"
        mkdir(dir, 0o755)
        defer { rmdir(dir) }
        guard mount("idmap-probe", dir, "tmpfs", 0, "size=1m") == 0 else {
            return "cannot mount a tmpfs to probe idmapped mounts: errno \(errno)"
        }
        defer { umount2(dir, Int32(MNT_DETACH)) }
        let tree = dir.withCString { probeSyscall(428, -100, Int(bitPattern: $0), 1 | Int(O_CLOEXEC), 0, 0) } // open_tree
        guard tree >= 0 else { return "open_tree(OPEN_TREE_CLONE) failed: \(String(cString: strerror(errno)))" }
        defer { close(Int32(tree)) }
        // A user namespace mapping 0 to 100000, from a helper that made it.
        guard let helper = try? spawnProcess(["unshare", "--user", "sleep", "30"]) else { return "cannot start unshare --user" }
        defer { helper.kill(); _ = helper.wait(timeout: 5) }
        let mine = readLink("/proc/self/ns/user")
        guard waitUntil(timeout: 5, { readLink("/proc/\(helper.pid)/ns/user").map { $0 != mine } ?? false }) else {
            return "unshare --user made no user namespace"
        }
        for map in ["uid_map", "gid_map"] {
            guard (try? writeFile("/proc/\(helper.pid)/\(map)", "0 100000 65536\n")) != nil else { return "cannot write \(map)" }
        }
        let ns = open("/proc/\(helper.pid)/ns/user", O_RDONLY | O_CLOEXEC)
        guard ns >= 0 else { return "cannot open the user namespace: errno \(errno)" }
        defer { close(ns) }
        // struct mount_attr { attr_set, attr_clr, propagation, userns_fd }, MOUNT_ATTR_IDMAP.
        var attr: [UInt64] = [0x0010_0000, 0, 0, UInt64(ns)]
        let r = "".withCString { empty in
            attr.withUnsafeMutableBytes { probeSyscall(442, tree, Int(bitPattern: empty), 0x1000, Int(bitPattern: $0.baseAddress!), 32) }
        }
        guard r == 0 else {
            return "this kernel cannot idmap a tmpfs mount (mount_setattr MOUNT_ATTR_IDMAP: \(String(cString: strerror(errno))); Linux 6.3 added it)"
        }
        return nil
    }
}

/// syscall(2) with five arguments. Swift does not import C variadics; on
/// x86-64 and arm64 glibc's syscall takes them in registers as a plain call would.
@_silgen_name("syscall")
private func probeSyscall(_ number: Int, _ a1: Int, _ a2: Int, _ a3: Int, _ a4: Int, _ a5: Int) -> Int
