import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

// MARK: - Mount options

/// Per-mount flag options (ro, nosuid, nodev, noexec, sync, atime family,
/// nosymfollow, remount), bind vs rbind, the recursive r* attributes
/// (mount_setattr) and idmapped mounts.
final class MountOptionTests: IntegrationTestCase {

    /// Runs `script` with `sh -c` in a fresh container of `sb`'s bundle.
    @discardableResult
    private func run(_ sb: Sandbox, _ script: String, file: StaticString = #filePath, line: UInt = #line) throws -> ProcResult {
        sb.bundle.args = ["sh", "-c", script]
        let before = readFile("/proc/self/mountinfo") ?? ""
        let r = try sb.run(sb.newID(), file: file, line: line)
        XCTAssertSucceeds(r, file: file, line: line)
        let after = readFile("/proc/self/mountinfo") ?? ""
        XCTAssertEqual(Set(lines(after)).subtracting(lines(before)).sorted(), [],
                       "the container's mounts leaked into the test's mount namespace", file: file, line: line)
        return r
    }

    private func tmpfs(_ sb: Sandbox, _ dest: String, _ options: [String]) {
        sb.bundle.addMount(destination: dest, type: "tmpfs", source: "tmpfs", options: options)
    }

    // MARK: flag classes

    func testReadOnlyAndReadWrite() throws {
        let sb = try makeSandbox()
        tmpfs(sb, "/t-ro", ["ro"])
        tmpfs(sb, "/t-rw", ["rw"])
        tmpfs(sb, "/t-ro-then-rw", ["ro", "rw"])  // the last word wins
        sb.bundle.addMount(destination: "/b-ro", type: "bind", source: sb.hostDir, options: ["rbind", "ro"])
        let r = try run(sb, """
            for d in t-ro t-rw t-ro-then-rw b-ro; do touch /$d/f; echo $d=$?; done
            echo ---; cat /proc/self/mountinfo
            """)
        let k = MountFixture.keyed(r.stdout)
        XCTAssertEqual(k["t-ro"], "1", "\(r)")
        XCTAssertEqual(k["t-rw"], "0", "\(r)")
        XCTAssertEqual(k["t-ro-then-rw"], "0", "\(r)")
        XCTAssertEqual(k["b-ro"], "1", "\(r)")
        XCTAssertTrue(r.stderr.contains("Read-only file system"), "\(r)")
        for (point, want) in ["/t-ro": "ro", "/t-rw": "rw", "/t-ro-then-rw": "rw", "/b-ro": "ro"] {
            let e = MountFixture.entry(r.stdout, at: point)
            XCTAssertTrue(e?.options.contains(want) ?? false, "\(point) should be \(want): \(String(describing: e))")
        }
        XCTAssertFalse(fileExists(sb.hostDir + "/f"), "a ro bind must not write through to the host")
    }

    func testNosuidIgnoresTheSetuidBit() throws {
        // busybox drops a setuid root unless /etc/busybox.conf says to keep it
        // for the applet: then /proc/self/status shows the saved/effective uid 0.
        let sb = try makeSandbox()
        try MountFixture.copyBusybox(to: sb.hostDir + "/suid/busybox", mode: 0o4755)
        try sb.bundle.writeRootfsFile("etc/busybox.conf", "[SUID]\ncat = sxx root.root\n", mode: 0o600)
        sb.bundle.addMount(destination: "/with-suid", type: "bind", source: sb.hostDir + "/suid", options: ["rbind", "suid"])
        sb.bundle.addMount(destination: "/no-suid", type: "bind", source: sb.hostDir + "/suid", options: ["rbind", "nosuid"])
        MountFixture.setUser(sb.bundle, uid: 1000, gid: 1000)
        sb.bundle.process["noNewPrivileges"] = false
        let r = try run(sb, """
            echo suid=$(/with-suid/busybox cat /proc/self/status | grep '^Uid:' | tr -s '\\t ' ' ')
            echo nosuid=$(/no-suid/busybox cat /proc/self/status | grep '^Uid:' | tr -s '\\t ' ' ')
            echo ---; cat /proc/self/mounts
            """)
        let k = MountFixture.keyed(r.stdout)
        XCTAssertEqual(k["suid"], "Uid: 1000 0 0 0", "the setuid bit works on a suid mount: \(r)")
        XCTAssertEqual(k["nosuid"], "Uid: 1000 1000 1000 1000", "the setuid bit is ignored on a nosuid mount: \(r)")
        XCTAssertEqual(MountFixture.procMountsOptions(r.stdout, at: "/no-suid")?.contains("nosuid"), true, "\(r)")
        XCTAssertEqual(MountFixture.procMountsOptions(r.stdout, at: "/with-suid")?.contains("nosuid"), false, "\(r)")
    }

    func testNodevRefusesDeviceNodes() throws {
        let sb = try makeSandbox()
        try FileManager.default.createDirectory(atPath: sb.hostDir + "/devs", withIntermediateDirectories: true)
        let mk = runProcess(["mknod", "-m", "666", sb.hostDir + "/devs/null", "c", "1", "3"])
        XCTAssertSucceeds(mk)
        sb.bundle.addMount(destination: "/with-dev", type: "bind", source: sb.hostDir + "/devs", options: ["rbind", "dev"])
        sb.bundle.addMount(destination: "/no-dev", type: "bind", source: sb.hostDir + "/devs", options: ["rbind", "nodev"])
        tmpfs(sb, "/t-nodev", ["nodev"])
        let r = try run(sb, """
            echo x > /with-dev/null; echo dev=$?
            echo x > /no-dev/null; echo nodev=$?
            echo ---; cat /proc/self/mounts
            """)
        let k = MountFixture.keyed(r.stdout)
        XCTAssertEqual(k["dev"], "0", "\(r)")
        XCTAssertEqual(k["nodev"], "1", "\(r)")
        XCTAssertTrue(r.stderr.contains("Permission denied"), "\(r)")
        XCTAssertEqual(MountFixture.procMountsOptions(r.stdout, at: "/no-dev")?.contains("nodev"), true, "\(r)")
        XCTAssertEqual(MountFixture.procMountsOptions(r.stdout, at: "/with-dev")?.contains("nodev"), false, "\(r)")
        XCTAssertEqual(MountFixture.procMountsOptions(r.stdout, at: "/t-nodev")?.contains("nodev"), true, "\(r)")
    }

    func testNoexecRefusesToRunPrograms() throws {
        let sb = try makeSandbox()
        try MountFixture.copyBusybox(to: sb.hostDir + "/bin/busybox")
        sb.bundle.addMount(destination: "/with-exec", type: "bind", source: sb.hostDir + "/bin", options: ["rbind", "exec"])
        sb.bundle.addMount(destination: "/no-exec", type: "bind", source: sb.hostDir + "/bin", options: ["rbind", "noexec"])
        tmpfs(sb, "/t-noexec", ["noexec"])
        tmpfs(sb, "/t-exec", ["exec"])
        let r = try run(sb, """
            /with-exec/busybox true; echo exec=$?
            /no-exec/busybox true; echo noexec=$?
            cp /bin/busybox /t-noexec/busybox; /t-noexec/busybox true; echo tnoexec=$?
            cp /bin/busybox /t-exec/busybox; /t-exec/busybox true; echo texec=$?
            echo ---; cat /proc/self/mounts
            """)
        let k = MountFixture.keyed(r.stdout)
        XCTAssertEqual(k["exec"], "0", "\(r)")
        XCTAssertEqual(k["noexec"], "126", "\(r)")
        XCTAssertEqual(k["tnoexec"], "126", "\(r)")
        XCTAssertEqual(k["texec"], "0", "\(r)")
        XCTAssertTrue(r.stderr.contains("Permission denied"), "EACCES: \(r)")
        XCTAssertEqual(MountFixture.procMountsOptions(r.stdout, at: "/no-exec")?.contains("noexec"), true, "\(r)")
        XCTAssertEqual(MountFixture.procMountsOptions(r.stdout, at: "/t-noexec")?.contains("noexec"), true, "\(r)")
    }

    func testSyncDirsyncAndAtimeOptions() throws {
        let sb = try makeSandbox(args: ["cat", "/proc/self/mounts"])
        tmpfs(sb, "/t-sync", ["sync", "dirsync"])
        tmpfs(sb, "/t-async", ["sync", "async"])
        tmpfs(sb, "/t-noatime", ["noatime", "nodiratime"])
        tmpfs(sb, "/t-strictatime", ["strictatime"])
        tmpfs(sb, "/t-relatime", ["relatime"])
        tmpfs(sb, "/t-atime", ["noatime", "atime"])
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        func opts(_ p: String) -> Set<String> { MountFixture.procMountsOptions(r.stdout, at: p) ?? [] }
        XCTAssertTrue(opts("/t-sync").isSuperset(of: ["sync", "dirsync"]), "\(opts("/t-sync"))")
        XCTAssertFalse(opts("/t-async").contains("sync"), "async clears sync: \(opts("/t-async"))")
        XCTAssertTrue(opts("/t-noatime").isSuperset(of: ["noatime", "nodiratime"]), "\(opts("/t-noatime"))")
        XCTAssertTrue(opts("/t-strictatime").isDisjoint(with: ["relatime", "noatime"]), "\(opts("/t-strictatime"))")
        XCTAssertTrue(opts("/t-relatime").contains("relatime"), "\(opts("/t-relatime"))")
        XCTAssertFalse(opts("/t-atime").contains("noatime"), "atime clears noatime: \(opts("/t-atime"))")
        for p in ["/t-sync", "/t-async", "/t-noatime", "/t-strictatime", "/t-relatime", "/t-atime"] {
            XCTAssertFalse(opts(p).isEmpty, "\(p) not mounted: \(r)")
        }
    }

    func testNosymfollowRefusesToFollowSymlinks() throws {
        guard MountFixture.kernelAtLeast(5, 10) else { throw XCTSkip("nosymfollow needs Linux 5.10") }
        let sb = try makeSandbox()
        symlink("/etc/passwd", sb.hostDir + "/link")
        tmpfs(sb, "/t-nosymfollow", ["nosymfollow"])
        tmpfs(sb, "/t-symfollow", ["nosymfollow", "symfollow"])
        sb.bundle.addMount(destination: "/b-nosymfollow", type: "bind", source: sb.hostDir, options: ["rbind", "nosymfollow"])
        let r = try run(sb, """
            for d in t-nosymfollow t-symfollow; do ln -s /etc/passwd /$d/link; done
            for d in t-nosymfollow t-symfollow b-nosymfollow; do cat /$d/link > /dev/null; echo $d=$?; done
            echo readlink=$(readlink /t-nosymfollow/link)
            echo ---; cat /proc/self/mounts
            """)
        let k = MountFixture.keyed(r.stdout)
        XCTAssertEqual(k["t-nosymfollow"], "1", "\(r)")
        XCTAssertEqual(k["b-nosymfollow"], "1", "\(r)")
        XCTAssertEqual(k["t-symfollow"], "0", "symfollow clears nosymfollow: \(r)")
        XCTAssertEqual(k["readlink"], "/etc/passwd", "readlink still works: \(r)")
        XCTAssertTrue(r.stderr.contains("Too many levels of symbolic links"), "ELOOP: \(r)")
        XCTAssertEqual(MountFixture.procMountsOptions(r.stdout, at: "/t-nosymfollow")?.contains("nosymfollow"), true, "\(r)")
    }

    func testRemountChangesAnEarlierMount() throws {
        let sb = try makeSandbox()
        try writeFile(sb.hostDir + "/kept", "kept\n")
        tmpfs(sb, "/scratch", ["size=1m"])
        tmpfs(sb, "/scratch", ["remount", "ro"])
        sb.bundle.addMount(destination: "/data", type: "bind", source: sb.hostDir, options: ["rbind"])
        sb.bundle.addMount(destination: "/data", type: "bind", source: sb.hostDir, options: ["bind", "remount", "ro"])
        let r = try run(sb, """
            touch /scratch/f; echo scratch=$?
            touch /data/f; echo data=$?
            echo kept=$(cat /data/kept)
            echo ---; cat /proc/self/mountinfo
            """)
        let k = MountFixture.keyed(r.stdout)
        XCTAssertEqual(k["scratch"], "1", "\(r)")
        XCTAssertEqual(k["data"], "1", "\(r)")
        XCTAssertEqual(k["kept"], "kept")
        let all = MountFixture.parse(r.stdout)
        XCTAssertEqual(all.filter { $0.mountPoint == "/scratch" }.count, 1, "remount must not stack a second mount: \(r)")
        XCTAssertEqual(all.filter { $0.mountPoint == "/data" }.count, 1, "remount must not stack a second mount: \(r)")
        let scratch = MountFixture.entry(r.stdout, at: "/scratch")
        XCTAssertEqual(scratch?.fsType, "tmpfs")
        XCTAssertTrue(scratch?.options.contains("ro") ?? false, "\(String(describing: scratch))")
        XCTAssertTrue(scratch?.superOptions.contains("size=1024k") ?? false, "the first mount's size stays: \(String(describing: scratch))")
        XCTAssertTrue(MountFixture.entry(r.stdout, at: "/data")?.options.contains("ro") ?? false, "\(r)")
        XCTAssertFalse(fileExists(sb.hostDir + "/f"))
    }

    // MARK: bind vs rbind

    func testRbindCarriesSubmountsAndBindDoesNot() throws {
        let sb = try makeSandbox()
        let tree = try MountFixture.treeWithSubmount(self, sb)
        sb.bundle.addMount(destination: "/rbound", type: "bind", source: tree, options: ["rbind"])
        sb.bundle.addMount(destination: "/bound", type: "bind", source: tree, options: ["bind"])
        let r = try run(sb, """
            echo rbind=$(cat /rbound/sub/sub-file)
            echo bind-top=$(cat /bound/top-file)
            echo bind-sub=$(ls -A /bound/sub | wc -l)
            echo ---; cat /proc/self/mountinfo
            """)
        let k = MountFixture.keyed(r.stdout)
        XCTAssertEqual(k["rbind"], "sub", "\(r)")
        XCTAssertEqual(k["bind-top"], "top", "\(r)")
        XCTAssertEqual(k["bind-sub"], "0", "bind without rbind shows the empty directory under the submount: \(r)")
        XCTAssertEqual(MountFixture.entry(r.stdout, at: "/rbound/sub")?.fsType, "tmpfs", "\(r)")
        XCTAssertNil(MountFixture.entry(r.stdout, at: "/bound/sub"), "\(r)")
    }

    // MARK: recursive attributes (mount_setattr)

    func testRroMakesSubmountsReadOnlyWhereRoDoesNot() throws {
        let sb = try makeSandbox()
        let tree = try MountFixture.treeWithSubmount(self, sb)
        sb.bundle.addMount(destination: "/rro", type: "bind", source: tree, options: ["rbind", "rro"])
        sb.bundle.addMount(destination: "/ro", type: "bind", source: tree, options: ["rbind", "ro"])
        let r = try run(sb, """
            touch /rro/rro-top; echo rro-top=$?
            touch /rro/sub/rro-sub; echo rro-sub=$?
            touch /ro/ro-top; echo ro-top=$?
            touch /ro/sub/ro-sub; echo ro-sub=$?
            echo ---; cat /proc/self/mountinfo
            """)
        let k = MountFixture.keyed(r.stdout)
        XCTAssertEqual(k["rro-top"], "1", "\(r)")
        XCTAssertEqual(k["rro-sub"], "1", "rro reaches the submount: \(r)")
        XCTAssertEqual(k["ro-top"], "1", "\(r)")
        XCTAssertEqual(k["ro-sub"], "0", "plain ro leaves the submount writable: \(r)")
        XCTAssertTrue(MountFixture.entry(r.stdout, at: "/rro/sub")?.options.contains("ro") ?? false, "\(r)")
        XCTAssertTrue(MountFixture.entry(r.stdout, at: "/ro/sub")?.options.contains("rw") ?? false, "\(r)")
        // On the host: only the one allowed write landed, and the host's own
        // submount was not made read-only by the container's mount_setattr.
        XCTAssertFalse(fileExists(tree + "/rro-top"))
        XCTAssertFalse(fileExists(tree + "/sub/rro-sub"))
        XCTAssertFalse(fileExists(tree + "/ro-top"))
        XCTAssertTrue(fileExists(tree + "/sub/ro-sub"))
        XCTAssertTrue(MountFixture.entry(readFile("/proc/self/mountinfo") ?? "", at: tree + "/sub")?.options.contains("rw") ?? false)
        XCTAssertNoThrow(try writeFile(tree + "/sub/host-still-writes", "x"))
    }

    func testRecursiveFlagAttributesReachSubmounts() throws {
        let sb = try makeSandbox()
        let tree = try MountFixture.treeWithSubmount(self, sb)
        try MountFixture.copyBusybox(to: tree + "/sub/busybox")
        let attrs: [(String, String, [String], [String])] = [
            // destination, option, must be in the submount's options, must not be
            ("/a", "rnosuid", ["nosuid"], []),
            ("/b", "rnodev", ["nodev"], []),
            ("/c", "rnoexec", ["noexec"], []),
            ("/d", "rnoatime", ["noatime"], ["relatime"]),
            ("/e", "rnodiratime", ["nodiratime"], []),
            ("/f", "rstrictatime", [], ["noatime", "relatime"]),
            ("/g", "rnosymfollow", ["nosymfollow"], []),
        ]
        for (dest, opt, _, _) in attrs {
            sb.bundle.addMount(destination: dest, type: "bind", source: tree, options: ["rbind", opt])
        }
        sb.bundle.addMount(destination: "/plain", type: "bind", source: tree, options: ["rbind"])
        let r = try run(sb, """
            /plain/sub/busybox true; echo plain-exec=$?
            /c/sub/busybox true; echo rnoexec-exec=$?
            echo ---; cat /proc/self/mountinfo
            """)
        let k = MountFixture.keyed(r.stdout)
        XCTAssertEqual(k["plain-exec"], "0", "\(r)")
        XCTAssertEqual(k["rnoexec-exec"], "126", "rnoexec reaches the submount: \(r)")
        for (dest, opt, want, notWant) in attrs {
            for point in [dest, dest + "/sub"] {
                let e = MountFixture.entry(r.stdout, at: point)
                XCTAssertNotNil(e, "\(point) not mounted: \(r)")
                XCTAssertTrue(e?.options.isSuperset(of: want) ?? false, "\(opt): \(point) should have \(want): \(String(describing: e))")
                XCTAssertTrue(e?.options.isDisjoint(with: notWant) ?? false, "\(opt): \(point) should not have \(notWant): \(String(describing: e))")
            }
        }
        // The host's submount keeps its flags.
        let host = MountFixture.entry(readFile("/proc/self/mountinfo") ?? "", at: tree + "/sub")
        XCTAssertTrue(host?.options.isDisjoint(with: ["nosuid", "nodev", "noexec", "noatime", "nosymfollow"]) ?? false,
                      "\(String(describing: host))")
    }

    func testRecursiveAttributesClearFlagsOfSubmounts() throws {
        // The host's submount is ro,nosuid,nodev,noexec,noatime: rrw, rsuid,
        // rdev, rexec and rrelatime clear those flags in the container's copy.
        let sb = try makeSandbox()
        let tree = try MountFixture.treeWithSubmount(self, sb, subOptions: ["nosuid", "nodev", "noexec", "noatime"])
        // A bind remount: per-mount flags only (a plain remount,ro would make the
        // tmpfs superblock read-only, which no mount attribute can undo).
        XCTAssertSucceeds(runProcess(["mount", "-o", "remount,bind,ro,nosuid,nodev,noexec,noatime", tree + "/sub"]))
        XCTAssertTrue(MountFixture.entry(readFile("/proc/self/mountinfo") ?? "", at: tree + "/sub")?.options.contains("ro") ?? false,
                      "precondition: the host submount is read-only")
        sb.bundle.addMount(destination: "/cleared", type: "bind", source: tree,
                           options: ["rbind", "rrw", "rsuid", "rdev", "rexec", "rrelatime"])
        sb.bundle.addMount(destination: "/kept", type: "bind", source: tree, options: ["rbind"])
        let r = try run(sb, """
            touch /cleared/sub/new; echo cleared-write=$?
            touch /kept/sub/new2; echo kept-write=$?
            echo ---; cat /proc/self/mountinfo
            """)
        let k = MountFixture.keyed(r.stdout)
        XCTAssertEqual(k["cleared-write"], "0", "rrw makes the submount writable: \(r)")
        XCTAssertEqual(k["kept-write"], "1", "\(r)")
        let cleared = MountFixture.entry(r.stdout, at: "/cleared/sub")
        XCTAssertTrue(cleared?.options.contains("rw") ?? false, "\(String(describing: cleared))")
        XCTAssertTrue(cleared?.options.contains("relatime") ?? false, "\(String(describing: cleared))")
        XCTAssertTrue(cleared?.options.isDisjoint(with: ["ro", "nosuid", "nodev", "noexec", "noatime"]) ?? false,
                      "\(String(describing: cleared))")
        let kept = MountFixture.entry(r.stdout, at: "/kept/sub")
        XCTAssertTrue(kept?.options.isSuperset(of: ["ro", "nosuid", "nodev", "noexec", "noatime"]) ?? false,
                      "\(String(describing: kept))")
        // The host's own submount is untouched.
        let host = MountFixture.entry(readFile("/proc/self/mountinfo") ?? "", at: tree + "/sub")
        XCTAssertTrue(host?.options.isSuperset(of: ["ro", "nosuid", "nodev", "noexec", "noatime"]) ?? false,
                      "\(String(describing: host))")
    }

    // MARK: idmapped mounts (runc 1.1.5 ignores idmap and the mount's uid/gid mappings)

    private static let shift: [[String: Any]] = [["containerID": 0, "hostID": 100000, "size": 65536]]

    private func idmapSource(_ sb: Sandbox) throws -> String {
        let d = sb.dir + "/idm"
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        chmod(d, 0o755)
        try writeFile(d + "/root-owned", "r\n")
        try writeFile(d + "/user-owned", "u\n")
        chown(d + "/user-owned", 1000, 1001)
        return d
    }

    func testIdmapMountShiftsOwnership() throws {
        try swrunOnly("idmapped mounts (mount uidMappings/gidMappings) are not in runc 1.1.5")
        let sb = try makeSandbox()
        let src = try idmapSource(sb)
        sb.bundle.mounts.append(["destination": "/idm", "type": "bind", "source": src, "options": ["bind", "idmap"],
                                 "uidMappings": Self.shift, "gidMappings": Self.shift])
        sb.bundle.addMount(destination: "/plain", type: "bind", source: src, options: ["bind"])
        let r = try run(sb, """
            stat -c '%n %u %g' /idm/root-owned /idm/user-owned /plain/root-owned /plain/user-owned
            touch /idm/new-file; echo touch=$?
            """)
        let st = MountFixture.statLines(r.stdout)
        XCTAssertEqual(st["/idm/root-owned"], "100000 100000", "\(r)")
        XCTAssertEqual(st["/idm/user-owned"], "101000 101001", "\(r)")
        XCTAssertEqual(st["/plain/root-owned"], "0 0", "the mapping belongs to the one mount: \(r)")
        XCTAssertEqual(st["/plain/user-owned"], "1000 1001", "\(r)")
        // Root (uid 0, unmapped by this mount's mapping) cannot create files through it.
        XCTAssertEqual(MountFixture.keyed(r.stdout)["touch"], "1", "\(r)")
        XCTAssertFalse(fileExists(src + "/new-file"))
        var s = stat()
        XCTAssertEqual(stat(src + "/root-owned", &s), 0)
        XCTAssertEqual(s.st_uid, 0, "the files on disk keep their owner")
    }

    func testIdmapMountWithoutMappingsUsesTheContainerUserNamespace() throws {
        try swrunOnly("idmap is not in runc 1.1.5")
        let sb = try makeSandbox()
        let src = try idmapSource(sb)
        sb.bundle.setNamespace("user")
        var l = sb.bundle.linux
        l["uidMappings"] = Self.shift
        l["gidMappings"] = Self.shift
        sb.bundle.linux = l
        sb.bundle.chownRootfs(uid: 100000, gid: 100000)
        sb.bundle.addMount(destination: "/idm", type: "bind", source: src, options: ["rbind", "idmap"])
        sb.bundle.addMount(destination: "/plain", type: "bind", source: src, options: ["rbind"])
        let r = try run(sb, """
            stat -c '%n %u %g' /idm/root-owned /idm/user-owned /plain/root-owned
            touch /idm/made-inside; echo touch=$?
            """)
        let st = MountFixture.statLines(r.stdout)
        XCTAssertEqual(st["/idm/root-owned"], "0 0", "on-disk root is the container's root: \(r)")
        XCTAssertEqual(st["/idm/user-owned"], "1000 1001", "\(r)")
        XCTAssertEqual(st["/plain/root-owned"], "65534 65534", "without idmap, host root is unmapped: \(r)")
        XCTAssertEqual(MountFixture.keyed(r.stdout)["touch"], "0", "\(r)")
        var s = stat()
        XCTAssertEqual(stat(src + "/made-inside", &s), 0, "the file was created through the idmapped mount")
        XCTAssertEqual(s.st_uid, 0, "container root writes on-disk uid 0")
        XCTAssertEqual(s.st_gid, 0)
    }

    func testRidmapShiftsSubmountsToo() throws {
        try swrunOnly("ridmap is not in runc 1.1.5")
        let sb = try makeSandbox()
        // The submount is a tmpfs.
        if let why = MountFixture.tmpfsIdmapUnsupported(sb) { throw XCTSkip(why) }
        let tree = try MountFixture.treeWithSubmount(self, sb)
        sb.bundle.mounts.append(["destination": "/m", "type": "bind", "source": tree, "options": ["rbind", "ridmap"],
                                 "uidMappings": Self.shift, "gidMappings": Self.shift])
        let r = try run(sb, "stat -c '%n %u %g' /m/top-file /m/sub/sub-file")
        let st = MountFixture.statLines(r.stdout)
        XCTAssertEqual(st["/m/top-file"], "100000 100000", "\(r)")
        XCTAssertEqual(st["/m/sub/sub-file"], "100000 100000", "ridmap is applied recursively: \(r)")
    }

    func testIdmapWithoutRecursionLeavesSubmountsUnshifted() throws {
        // config.md: ridmap is the recursive form; idmap applies to the one mount.
        try swrunOnly("idmap is not in runc 1.1.5")
        let sb = try makeSandbox()
        let tree = try MountFixture.treeWithSubmount(self, sb)
        sb.bundle.mounts.append(["destination": "/m", "type": "bind", "source": tree, "options": ["rbind", "idmap"],
                                 "uidMappings": Self.shift, "gidMappings": Self.shift])
        let r = try run(sb, "stat -c '%n %u %g' /m/top-file /m/sub/sub-file")
        let st = MountFixture.statLines(r.stdout)
        XCTAssertEqual(st["/m/top-file"], "100000 100000", "\(r)")
        XCTAssertEqual(st["/m/sub/sub-file"], "0 0", "idmap (not ridmap) leaves the submount alone: \(r)")
    }

    func testIdmapWithoutMappingsOrUserNamespaceIsAnError() throws {
        try swrunOnly("runc 1.1.5 ignores idmap")
        let sb = try makeSandbox()
        let src = try idmapSource(sb)
        sb.bundle.addMount(destination: "/idm", type: "bind", source: src, options: ["rbind", "idmap"])
        let id = sb.newID()
        try sb.prepare(id)
        let r = sb.swrun(["create", "--bundle", sb.bundle.path, id])
        XCTAssertFails(r, mentioning: ["idmap"])
        sb.assertNoTrace(of: id)
    }
}
