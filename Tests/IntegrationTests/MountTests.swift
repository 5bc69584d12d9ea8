import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

final class MountTests: IntegrationTestCase {
    /// Mount point -> its top-most (last) entry.
    static func parseMountinfo(_ text: String) -> [String: MountInfoEntry] {
        Dictionary(MountFixture.parse(text).map { ($0.mountPoint, $0) }, uniquingKeysWith: { _, last in last })
    }

    private func mountsInside(_ sb: Sandbox, file: StaticString = #filePath, line: UInt = #line) throws -> [String: MountInfoEntry] {
        sb.bundle.args = ["cat", "/proc/self/mountinfo"]
        let r = try sb.run(sb.newID(), file: file, line: line)
        XCTAssertSucceeds(r, file: file, line: line)
        return Self.parseMountinfo(r.stdout)
    }

    func testDefaultMountsHaveConfiguredTypes() throws {
        let sb = try makeSandbox()
        let m = try mountsInside(sb)
        let want = ["/": nil, "/proc": "proc", "/sys": "sysfs", "/dev": "tmpfs", "/dev/pts": "devpts",
                    "/dev/shm": "tmpfs", "/dev/mqueue": "mqueue"]
        for (point, type) in want {
            XCTAssertNotNil(m[point], "\(point) not mounted")
            if let t = type { XCTAssertEqual(m[point]?.fsType, t, point) }
        }
        XCTAssertTrue(m["/sys"]?.options.contains("ro") ?? false, "/sys is ro in the default spec")
        XCTAssertTrue(m["/dev"]?.options.contains("nosuid") ?? false)
        XCTAssertTrue(m["/dev/shm"]?.superOptions.contains("size=65536k") ?? false, "\(String(describing: m["/dev/shm"]))")
        XCTAssertTrue(m["/dev/pts"]?.superOptions.contains("ptmxmode=666") ?? false)
        XCTAssertTrue(m["/dev/pts"]?.superOptions.contains("gid=5") ?? false)
        XCTAssertTrue(m["/dev/shm"]?.options.isSuperset(of: ["nosuid", "nodev", "noexec"]) ?? false)
        // The host's mounts (e.g. its own /tmp dirs) must not be visible.
        XCTAssertFalse(m.keys.contains { $0.hasPrefix("/mnt/") || $0.hasPrefix(sb.dir) }, "\(m.keys.sorted())")
    }

    func testReadWriteBindMount() throws {
        let sb = try makeSandbox(args: ["sh", "-c", "cat /data/from-host && echo written-inside > /data/from-container"])
        try writeFile(sb.hostDir + "/from-host", "hello from host\n")
        sb.bundle.bind(sb.hostDir, at: "/data")
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        XCTAssertEqual(r.stdout, "hello from host\n")
        XCTAssertEqual(readFile(sb.hostDir + "/from-container"), "written-inside\n")
    }

    func testReadOnlyBindMount() throws {
        let sb = try makeSandbox(args: ["sh", "-c", "cat /data/from-host; touch /data/new-file; echo rc=$?"])
        try writeFile(sb.hostDir + "/from-host", "ro content\n")
        sb.bundle.bind(sb.hostDir, at: "/data", readonly: true)
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        XCTAssertEqual(lines(r.stdout), ["ro content", "rc=1"])
        XCTAssertTrue(r.stderr.contains("Read-only file system"), "\(r)")
        XCTAssertFalse(fileExists(sb.hostDir + "/new-file"))
    }

    func testBindMountOfFileAndMissingDestinationIsCreated() throws {
        let sb = try makeSandbox(args: ["sh", "-c", "cat /etc/bound.conf; ls /deep/new/dir"])
        try writeFile(sb.hostDir + "/file.conf", "k=v\n")
        try writeFile(sb.hostDir + "/listed", "")
        sb.bundle.addMount(destination: "/etc/bound.conf", type: "bind", source: sb.hostDir + "/file.conf",
                           options: ["bind", "ro"])
        sb.bundle.bind(sb.hostDir, at: "/deep/new/dir")
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        XCTAssertEqual(lines(r.stdout).first, "k=v")
        XCTAssertTrue(lines(r.stdout).contains("listed"), "\(r)")
    }

    /// With a user namespace, bind sources only the host's root can reach
    /// (below a 0700 root-owned directory, which the container's root,
    /// host uid 100000, cannot search) are opened before the switch, as
    /// runc opens them: the container reads from a bound directory and a
    /// bound file.
    func testBindSourcesOnlyHostRootReachesWorkInAUserNamespace() throws {
        let sb = try makeSandbox(args: ["sh", "-c", "cat /data/file /etc/single.conf"])
        let secret = sb.dir + "/secret"
        try FileManager.default.createDirectory(atPath: secret + "/data", withIntermediateDirectories: true)
        try writeFile(secret + "/data/file", "from a directory\n")
        try writeFile(secret + "/single.conf", "from a file\n")
        XCTAssertEqual(chmod(secret, 0o700), 0)
        sb.bundle.mapUserNamespace()
        sb.bundle.chownRootfs(uid: 100000, gid: 100000)
        sb.bundle.bind(secret + "/data", at: "/data", readonly: true)
        sb.bundle.addMount(destination: "/etc/single.conf", type: "bind", source: secret + "/single.conf", options: ["bind"])
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        XCTAssertEqual(r.stdout, "from a directory\nfrom a file\n")
    }

    /// A bind of a read-only host mount stays read-only in a user
    /// namespace: the flag the kernel locks on the host's mounts there is
    /// locked on the opened source too, so the container's root (with
    /// CAP_SYS_ADMIN in its namespace) cannot remount it writable, while
    /// it may remount a plain bind.
    func testReadOnlyHostMountStaysLockedOnABindInAUserNamespace() throws {
        let sb = try makeSandbox(args: ["sh", "-c", """
            mount -o remount,bind,rw /locked 2>/dev/null; echo locked-rw=$?
            touch /locked/new 2>/dev/null; echo locked-touch=$?
            mount -o remount,bind,ro /plain; echo plain-ro=$?
            """])
        let locked = sb.dir + "/locked"
        try MountFixture.hostMount(self, ["--bind", "-o", "ro", sb.hostDir], target: locked)
        XCTAssertEqual(runProcess(["mount", "-o", "remount,bind,ro", locked]).status, 0)
        sb.bundle.mapUserNamespace()
        sb.bundle.chownRootfs(uid: 100000, gid: 100000)
        sb.bundle.bind(locked, at: "/locked")
        sb.bundle.bind(sb.hostDir, at: "/plain")
        let admin = ["CAP_SYS_ADMIN"]
        sb.bundle.process["capabilities"] = ["bounding": admin, "permitted": admin, "effective": admin]
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        XCTAssertEqual(lines(r.stdout), ["locked-rw=1", "locked-touch=1", "plain-ro=0"], "\(r)")
        XCTAssertFalse(fileExists(sb.hostDir + "/new"))
        // The same through an idmapped bind (the container's own mappings).
        try swrunOnly("idmap is not in runc 1.1.5")
        sb.bundle.mounts = sb.bundle.mounts.map { m in
            var m = m
            if m["destination"] as? String == "/locked" { m["options"] = ["rbind", "idmap"] }
            return m
        }
        let idmapped = try sb.run(sb.newID())
        XCTAssertSucceeds(idmapped)
        XCTAssertEqual(lines(idmapped.stdout), ["locked-rw=1", "locked-touch=1", "plain-ro=0"], "\(idmapped)")
        XCTAssertFalse(fileExists(sb.hostDir + "/new"))
    }

    func testTmpfsWithSizeOption() throws {
        let sb = try makeSandbox(args: ["sh", "-c", "grep ' /scratch ' /proc/self/mountinfo; df -k /scratch | tail -n 1"])
        sb.bundle.addMount(destination: "/scratch", type: "tmpfs", source: "tmpfs", options: ["size=2m", "mode=1770", "nodev"])
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        let m = Self.parseMountinfo(r.stdout)["/scratch"]
        XCTAssertEqual(m?.fsType, "tmpfs")
        XCTAssertTrue(m?.superOptions.contains("size=2048k") ?? false, "\(r)")
        XCTAssertTrue(m?.superOptions.contains("mode=1770") ?? false, "\(r)")
        XCTAssertTrue(m?.options.contains("nodev") ?? false, "\(r)")
        let df = lines(r.stdout).last?.split(separator: " ").map(String.init) ?? []
        XCTAssertEqual(df.count >= 2 ? df[1] : nil, "2048", "df total 1K-blocks: \(r)")
    }

    func testReadonlyRootfs() throws {
        let sb = try makeSandbox(args: ["sh", "-c",
                                        "touch /newfile; echo root=$?; touch /tmp/x; echo tmp=$?; touch /dev/shm/ok; echo shm=$?; cat /etc/passwd >/dev/null; echo read=$?"])
        var root = sb.bundle.config["root"] as? [String: Any] ?? [:]
        root["readonly"] = true
        sb.bundle.config["root"] = root
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        XCTAssertEqual(lines(r.stdout), ["root=1", "tmp=1", "shm=0", "read=0"], "\(r)")
        XCTAssertTrue(r.stderr.contains("Read-only file system"), "\(r)")
        XCTAssertFalse(fileExists(sb.bundle.rootfs + "/newfile"))
    }

    func testMaskedPaths() throws {
        let sb = try makeSandbox(args: ["sh", "-c",
                                        "echo secret=$(cat /etc/secret | wc -c); echo dir=$(ls -A /secretdir | wc -l); echo timer_list=$(wc -c < /proc/timer_list); echo open=$(cat /etc/open)"])
        try sb.bundle.writeRootfsFile("etc/secret", "top secret\n")
        try sb.bundle.writeRootfsFile("etc/open", "visible\n")
        try sb.bundle.writeRootfsFile("secretdir/a", "a\n")
        try sb.bundle.writeRootfsFile("secretdir/b", "b\n")
        var l = sb.bundle.linux
        l["maskedPaths"] = (l["maskedPaths"] as? [String] ?? []) + ["/etc/secret", "/secretdir", "/does/not/exist"]
        sb.bundle.linux = l
        XCTAssertGreaterThan(readFile("/proc/timer_list")?.count ?? 0, 0, "precondition: /proc/timer_list is not empty")
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        XCTAssertEqual(lines(r.stdout), ["secret=0", "dir=0", "timer_list=0", "open=visible"], "\(r)")
        // Masking happens in the container only.
        XCTAssertEqual(readFile(sb.bundle.rootfs + "/etc/secret"), "top secret\n")
    }

    func testReadonlyPaths() throws {
        let sb = try makeSandbox(args: ["sh", "-c",
                                        "cat /rodir/f; touch /rodir/g; echo touch=$?; echo x > /proc/sys/kernel/hostname; echo sys=$?; touch /rwdir/h; echo rw=$?"])
        try sb.bundle.writeRootfsFile("rodir/f", "readable\n")
        try sb.bundle.writeRootfsFile("rwdir/.keep", "")
        var l = sb.bundle.linux
        l["readonlyPaths"] = (l["readonlyPaths"] as? [String] ?? []) + ["/rodir"]
        sb.bundle.linux = l
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        XCTAssertEqual(lines(r.stdout), ["readable", "touch=1", "sys=1", "rw=0"], "\(r)")
        XCTAssertTrue(r.stderr.contains("Read-only file system"), "\(r)")
        XCTAssertFalse(fileExists(sb.bundle.rootfs + "/rodir/g"))
        XCTAssertTrue(fileExists(sb.bundle.rootfs + "/rwdir/h"))
    }

    func testDefaultDevices() throws {
        let devices = ["null": (1, 3), "zero": (1, 5), "full": (1, 7), "random": (1, 8), "urandom": (1, 9), "tty": (5, 0)]
        let names = devices.keys.sorted()
        let sb = try makeSandbox(args: ["sh", "-c", names.map { "stat -c '%n %F %t %T %a' /dev/\($0)" }.joined(separator: "; ")])
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        let out = lines(r.stdout)
        XCTAssertEqual(out.count, names.count, "\(r)")
        for l in out {
            // "/dev/null character special file 1 3 666"
            let f = l.split(separator: " ").map(String.init)
            guard f.count >= 7, let (maj, min) = devices[(f[0] as NSString).lastPathComponent] else {
                XCTFail("unexpected line \(l)"); continue
            }
            XCTAssertEqual(f[1...3].joined(separator: " "), "character special file", l)
            XCTAssertEqual(Int(f[4], radix: 16), maj, l)
            XCTAssertEqual(Int(f[5], radix: 16), min, l)
            XCTAssertEqual(f[6], "666", l)
        }
    }

    func testDevicesAreUsable() throws {
        let sb = try makeSandbox(args: ["sh", "-c",
                                        "echo x > /dev/null && echo null-ok; head -c 4 /dev/zero | wc -c; head -c 8 /dev/urandom | wc -c; echo x > /dev/full; echo full=$?"])
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        XCTAssertEqual(lines(r.stdout).map { trimmed($0) }, ["null-ok", "4", "8", "full=1"], "\(r)")
    }

    func testDevSymlinks() throws {
        let sb = try makeSandbox(args: ["sh", "-c",
                                        "for f in ptmx fd stdin stdout stderr; do echo $f=$(readlink /dev/$f); done; test -c /dev/pts/ptmx && echo ptmx-ok"])
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        XCTAssertEqual(lines(r.stdout), ["ptmx=pts/ptmx", "fd=/proc/self/fd", "stdin=/proc/self/fd/0",
                                         "stdout=/proc/self/fd/1", "stderr=/proc/self/fd/2", "ptmx-ok"], "\(r)")
    }

    func testConfiguredDevice() throws {
        let sb = try makeSandbox(args: ["stat", "-c", "%F %t %T %a %u %g", "/dev/fuse"])
        var l = sb.bundle.linux
        l["devices"] = [["path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 0o640, "uid": 0, "gid": 0]]
        sb.bundle.linux = l
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        XCTAssertEqual(trimmed(r.stdout), "character special file a e5 640 0 0")
    }

    func testMountsDoNotLeakToHost() throws {
        let sb = try makeSandbox(args: ["sh", "-c", "touch /host/started; while :; do sleep 0.1; done"])
        sb.bundle.bind(sb.hostDir, at: "/host")
        sb.bundle.addMount(destination: "/scratch", type: "tmpfs", source: "tmpfs", options: ["size=1m"])
        let before = readFile("/proc/self/mountinfo") ?? ""
        let id = sb.newID()
        try sb.createAndStart(id)
        sb.waitForHostFile("started")
        let during = readFile("/proc/self/mountinfo") ?? ""
        XCTAssertEqual(Set(lines(during)).subtracting(lines(before)).filter { $0.contains(sb.dir) }, [],
                       "container mounts must stay in the container's mount namespace")
        let pid = sb.statePid(id) ?? 0
        let inside = Self.parseMountinfo(readFile("/proc/\(pid)/mountinfo") ?? "")
        XCTAssertEqual(inside["/scratch"]?.fsType, "tmpfs")
        XCTAssertNotNil(inside["/host"])
    }

    // MARK: order

    /// Mounts are made in config order, and a bind source inside the rootfs
    /// is looked up when its turn comes: it sees what earlier mounts put
    /// there (here a file that exists only in mounts[n]'s source), as runc's
    /// host path does; bundle-relative or absolute alike.
    func testBindSourceInsideTheRootfsSeesTheEarlierMounts() throws {
        let sb = try makeSandbox()
        let d = sb.hostDir + "/earlier"
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        try writeFile(d + "/x", "from the earlier mount\n")
        let rootfs = sb.bundle.rootfs
        sb.bundle.bind(d, at: "/a")
        sb.bundle.addMount(destination: "/b", type: "bind", source: "rootfs/a/x", options: ["bind", "ro"])
        sb.bundle.addMount(destination: "/c", type: "bind", source: rootfs + "/a/x", options: ["bind"])
        sb.bundle.addMount(destination: "/d", type: "bind", source: rootfs + "/a", options: ["rbind"])
        sb.bundle.args = ["sh", "-c", """
            echo b=$(cat /b); echo c=$(cat /c)
            echo w > /d/new && echo d-write=ok
            touch /b 2>/dev/null && echo b-ro=no || echo b-ro=yes
            """]
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        let k = MountFixture.keyed(r.stdout)
        let want = ["b": "from the earlier mount", "c": "from the earlier mount", "d-write": "ok", "b-ro": "yes"]
        for (key, value) in want { XCTAssertEqual(k[key], value, "\(key): \(r)") }
        XCTAssertEqual(readFile(d + "/new"), "w\n", "/d is the earlier mount, not the rootfs's empty /a")
        XCTAssertFalse(fileExists(rootfs + "/a/x"), "nothing was written into the image")
    }

    /// A bind source in the rootfs reached through a symlink in the image
    /// is resolved inside the rootfs, never on the host.
    func testBindSourceInsideTheRootfsDoesNotFollowTheImageToTheHost() throws {
        try swrunOnly("runc 1.1.5 resolves the source as a host path: the image's symlink to /etc binds the host's /etc")
        let sb = try makeSandbox(args: ["cat", "/e/marker-in-image"])
        try sb.bundle.writeRootfsFile("etc/marker-in-image", "image\n")
        XCTAssertEqual(symlink("/etc", sb.bundle.rootfs + "/lnk"), 0)
        sb.bundle.addMount(destination: "/e", type: "bind", source: "rootfs/lnk", options: ["rbind"])
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        XCTAssertEqual(r.stdout, "image\n", "the image's /etc, not the host's: \(r)")
    }

    /// A read-only /dev (and a read-only tmpfs elsewhere) is made read-only
    /// after what goes below it: submounts, device nodes and symlinks.
    func testReadOnlyDevIsRemountedAfterItsSubmountsAndNodes() throws {
        let sb = try makeSandbox()
        sb.bundle.addOptions(["ro"], toMountAt: "/dev")
        sb.bundle.addMount(destination: "/ro", type: "tmpfs", source: "tmpfs", options: ["ro", "mode=755"])
        sb.bundle.addMount(destination: "/ro/sub", type: "tmpfs", source: "tmpfs", options: ["mode=755"])
        sb.bundle.args = ["sh", "-c", """
            touch /dev/new 2>/dev/null && echo dev-ro=no || echo dev-ro=yes
            touch /ro/new 2>/dev/null && echo ro-ro=no || echo ro-ro=yes
            touch /ro/sub/new && echo sub=rw
            echo x > /dev/null && echo null=ok
            echo hi > /dev/shm/f && echo shm=rw
            test -c /dev/zero && test -L /dev/ptmx && test -e /dev/pts/ptmx && echo nodes=ok
            """]
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        let k = MountFixture.keyed(r.stdout)
        for (key, want) in ["dev-ro": "yes", "ro-ro": "yes", "sub": "rw", "null": "ok", "shm": "rw", "nodes": "ok"] {
            XCTAssertEqual(k[key], want, "\(key): \(r)")
        }
    }
}

