import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// Mount types (sysfs, proc, mqueue, devpts, overlay, tmpfs with tmpcopyup,
/// pass-through types), mount targets (created with the source's kind, never
/// outside the rootfs), masked and read-only paths, linux.devices, --no-pivot.
final class RootfsTests: IntegrationTestCase {
    static let loop = ["sh", "-c", "while :; do sleep 0.1; done"]

    @discardableResult
    private func run(_ sb: Sandbox, _ script: String, extra: [String] = [],
                     file: StaticString = #filePath, line: UInt = #line) throws -> ProcResult {
        sb.bundle.args = ["sh", "-c", script]
        let before = readFile("/proc/self/mountinfo") ?? ""
        let r = try sb.run(sb.newID(), extra: extra, file: file, line: line)
        XCTAssertSucceeds(r, file: file, line: line)
        let after = readFile("/proc/self/mountinfo") ?? ""
        XCTAssertEqual(Set(lines(after)).subtracting(lines(before)).sorted(), [],
                       "the container's mounts leaked into the test's mount namespace", file: file, line: line)
        return r
    }

    private func replaceMount(_ b: TestBundle, _ destination: String, options: [String]) {
        b.mounts = b.mounts.map { m in
            guard (m["destination"] as? String) == destination else { return m }
            var n = m
            n["options"] = options
            return n
        }
    }

    // MARK: mount types

    func testDefaultSysfsIsReadOnly() throws {
        guard fileExists("/sys/kernel/profiling") else { throw XCTSkip("no /sys/kernel/profiling on this host") }
        let sb = try makeSandbox()
        // Were /sys writable, the write would fail with EINVAL (not a number), not EROFS.
        let r = try run(sb, "echo not-a-number > /sys/kernel/profiling; echo write=$?; echo ---; cat /proc/self/mountinfo")
        XCTAssertEqual(MountFixture.keyed(r.stdout)["write"], "1", "\(r)")
        XCTAssertTrue(r.stderr.contains("Read-only file system"), "\(r)")
        let sys = MountFixture.entry(r.stdout, at: "/sys")
        XCTAssertEqual(sys?.fsType, "sysfs")
        XCTAssertTrue(sys?.options.isSuperset(of: ["ro", "nosuid", "nodev", "noexec"]) ?? false, "\(String(describing: sys))")
    }

    func testProcMountedReadOnlyWhenTheOptionsSaySo() throws {
        let sb = try makeSandbox()
        replaceMount(sb.bundle, "/proc", options: ["ro", "nosuid", "nodev", "noexec"])
        let r = try run(sb, """
            echo renamed > /proc/self/comm; echo comm=$?
            echo init=$(cat /proc/1/comm)
            echo ---; cat /proc/self/mountinfo
            """)
        let k = MountFixture.keyed(r.stdout)
        XCTAssertEqual(k["comm"], "1", "\(r)")
        XCTAssertTrue(r.stderr.contains("Read-only file system"), "\(r)")
        XCTAssertEqual(k["init"], "sh", "proc still works: \(r)")
        let proc = MountFixture.entry(r.stdout, at: "/proc")
        XCTAssertEqual(proc?.fsType, "proc")
        XCTAssertTrue(proc?.options.isSuperset(of: ["ro", "nosuid", "nodev", "noexec"]) ?? false, "\(String(describing: proc))")
    }

    func testMqueueMounts() throws {
        let sb = try makeSandbox(args: ["cat", "/proc/self/mountinfo"])
        sb.bundle.addMount(destination: "/mq", type: "mqueue", source: "mqueue", options: ["nosuid", "nodev", "noexec"])
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        for p in ["/dev/mqueue", "/mq"] {
            let e = MountFixture.entry(r.stdout, at: p)
            XCTAssertEqual(e?.fsType, "mqueue", "\(p): \(r)")
            XCTAssertTrue(e?.options.isSuperset(of: ["nosuid", "nodev", "noexec"]) ?? false, "\(String(describing: e))")
        }
    }

    func testDevptsNewInstanceWithPtmxmode() throws {
        let sb = try makeSandbox()
        replaceMount(sb.bundle, "/dev/pts", options: ["nosuid", "noexec", "newinstance", "ptmxmode=0600", "mode=0600", "gid=5"])
        let r = try run(sb, "echo ptmx=$(stat -c '%a %t %T' /dev/pts/ptmx); echo ---; cat /proc/self/mountinfo")
        XCTAssertEqual(MountFixture.keyed(r.stdout)["ptmx"], "600 5 2", "\(r)")
        let pts = MountFixture.entry(r.stdout, at: "/dev/pts")
        XCTAssertEqual(pts?.fsType, "devpts")
        XCTAssertTrue(pts?.superOptions.isSuperset(of: ["ptmxmode=600", "mode=600", "gid=5"]) ?? false, "\(String(describing: pts))")
        // A new instance: not the host's devpts superblock.
        let hostDevpts = Set(MountFixture.parse(readFile("/proc/self/mountinfo") ?? "").filter { $0.fsType == "devpts" }.map { $0.device })
        XCTAssertFalse(hostDevpts.contains(pts?.device ?? ""), "devpts \(String(describing: pts?.device)) is one of the host's \(hostDevpts)")
    }

    private func overlayDirs(_ base: String) throws {
        for d in ["lower", "lower2", "upper", "work"] {
            try FileManager.default.createDirectory(atPath: base + "/" + d, withIntermediateDirectories: true)
        }
        try writeFile(base + "/lower/from-lower", "lower\n")
        try writeFile(base + "/lower/to-delete", "doomed\n")
        try writeFile(base + "/lower2/from-lower2", "lower2\n")
    }

    private func checkOverlay(_ r: ProcResult, base: String, file: StaticString = #filePath, line: UInt = #line) {
        let k = MountFixture.keyed(r.stdout)
        XCTAssertEqual(k["lower"], "lower", "\(r)", file: file, line: line)
        XCTAssertEqual(k["lower2"], "lower2", "\(r)", file: file, line: line)
        XCTAssertEqual(MountFixture.entry(r.stdout, at: "/ov")?.fsType, "overlay", "\(r)", file: file, line: line)
        // Writes land in upperdir; the lower layers stay as they were.
        XCTAssertEqual(readFile(base + "/upper/new-file"), "new\n", file: file, line: line)
        XCTAssertEqual(readFile(base + "/upper/from-lower"), "changed\n", file: file, line: line)
        XCTAssertEqual(readFile(base + "/lower/from-lower"), "lower\n", file: file, line: line)
        XCTAssertEqual(readFile(base + "/lower/to-delete"), "doomed\n", file: file, line: line)
        XCTAssertFalse(fileExists(base + "/lower/new-file"), file: file, line: line)
        var st = stat()
        XCTAssertEqual(lstat(base + "/upper/to-delete", &st), 0, "a whiteout in upperdir", file: file, line: line)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFCHR, "whiteouts are 0/0 character devices", file: file, line: line)
    }

    private let overlayScript = """
        echo lower=$(cat /ov/from-lower); echo lower2=$(cat /ov/from-lower2)
        echo new > /ov/new-file; echo changed > /ov/from-lower; rm /ov/to-delete
        echo ---; cat /proc/self/mountinfo
        """

    func testOverlayWritesLandInUpperdir() throws {
        let sb = try makeSandbox()
        let base = sb.dir + "/ovl"
        try overlayDirs(base)
        sb.bundle.addMount(destination: "/ov", type: "overlay", source: "overlay",
                           options: ["lowerdir=\(base)/lower:\(base)/lower2", "upperdir=\(base)/upper", "workdir=\(base)/work"])
        let r = try run(sb, overlayScript)
        checkOverlay(r, base: base)
    }

    func testOverlayLayersRelativeToTheBundle() throws {
        try swrunOnly("runc 1.1.5 passes relative overlay paths to the kernel unresolved (ENOENT)")
        let sb = try makeSandbox()
        let base = sb.bundle.path + "/layers"
        try overlayDirs(base)
        sb.bundle.addMount(destination: "/ov", type: "overlay", source: "overlay",
                           options: ["lowerdir=layers/lower:layers/lower2", "upperdir=layers/upper", "workdir=layers/work"])
        let r = try run(sb, overlayScript)
        checkOverlay(r, base: base)
    }

    func testTmpcopyupCopiesTheDirectoryIntoTheTmpfs() throws {
        let sb = try makeSandbox()
        try sb.bundle.writeRootfsFile("data/file", "content\n", mode: 0o604)
        chown(sb.bundle.rootfs + "/data/file", 1000, 100)
        try FileManager.default.createDirectory(atPath: sb.bundle.rootfs + "/data/sub/deeper", withIntermediateDirectories: true)
        chmod(sb.bundle.rootfs + "/data/sub", 0o751)
        try writeFile(sb.bundle.rootfs + "/data/sub/deeper/f", "deep\n")
        symlink("file", sb.bundle.rootfs + "/data/link")
        sb.bundle.addMount(destination: "/data", type: "tmpfs", source: "tmpfs", options: ["tmpcopyup"])
        let r = try run(sb, """
            stat -c '%n %F %a %u %g' /data/file /data/sub
            echo file=$(cat /data/file); echo deep=$(cat /data/sub/deeper/f); echo link=$(readlink /data/link)
            echo written > /data/new-file
            echo ---; cat /proc/self/mountinfo
            """)
        let k = MountFixture.keyed(r.stdout)
        XCTAssertEqual(k["file"], "content", "\(r)")
        XCTAssertEqual(k["deep"], "deep", "\(r)")
        XCTAssertEqual(k["link"], "file", "\(r)")
        let st = MountFixture.statLines(r.stdout)
        XCTAssertEqual(st["/data/file"], "regular file 604 1000 100", "modes and owners are copied: \(r)")
        XCTAssertEqual(st["/data/sub"], "directory 751 0 0", "\(r)")
        XCTAssertEqual(MountFixture.entry(r.stdout, at: "/data")?.fsType, "tmpfs", "\(r)")
        XCTAssertFalse(fileExists(sb.bundle.rootfs + "/data/new-file"), "writes go to the tmpfs, not the rootfs")
        XCTAssertEqual(readFile(sb.bundle.rootfs + "/data/file"), "content\n")
    }

    func testOtherFilesystemTypesArePassedThrough() throws {
        let sb = try makeSandbox()
        sb.bundle.addMount(destination: "/ram", type: "ramfs", source: "my-ramfs", options: ["mode=0750"])
        let r = try run(sb, "echo x > /ram/f && echo read=$(cat /ram/f); echo mode=$(stat -c %a /ram); echo ---; cat /proc/self/mountinfo")
        let k = MountFixture.keyed(r.stdout)
        XCTAssertEqual(k["read"], "x", "\(r)")
        XCTAssertEqual(k["mode"], "750", "the data option reached the filesystem: \(r)")
        let e = MountFixture.entry(r.stdout, at: "/ram")
        XCTAssertEqual(e?.fsType, "ramfs")
        XCTAssertEqual(e?.source, "my-ramfs")
    }

    // MARK: targets

    func testBindTargetsTakeTheKindOfTheSource() throws {
        let sb = try makeSandbox()
        try writeFile(sb.hostDir + "/a-file", "file content\n")
        try FileManager.default.createDirectory(atPath: sb.hostDir + "/a-dir", withIntermediateDirectories: true)
        try writeFile(sb.hostDir + "/a-dir/inner", "")
        sb.bundle.addMount(destination: "/new/nested/file.conf", type: "bind", source: sb.hostDir + "/a-file", options: ["bind"])
        sb.bundle.addMount(destination: "/new/nested/deeper/dir", type: "bind", source: sb.hostDir + "/a-dir", options: ["rbind"])
        sb.bundle.addMount(destination: "/new/devnull", type: "bind", source: "/dev/null", options: ["bind"])
        sb.bundle.addMount(destination: "/new/t/m/p", type: "tmpfs", source: "tmpfs")
        let r = try run(sb, "stat -c '%n %F' /new/nested/file.conf /new/nested/deeper/dir /new/devnull /new/t/m/p; ls /new/nested/deeper/dir")
        let st = MountFixture.statLines(r.stdout)
        XCTAssertEqual(st["/new/nested/file.conf"], "regular file", "\(r)")
        XCTAssertEqual(st["/new/nested/deeper/dir"], "directory", "\(r)")
        XCTAssertEqual(st["/new/devnull"], "character special file", "\(r)")
        XCTAssertEqual(st["/new/t/m/p"], "directory", "\(r)")
        XCTAssertTrue(lines(r.stdout).contains("inner"), "\(r)")
        // The mount points were made inside the rootfs on the host: a file for a file, a dir for a dir.
        let fs = sb.bundle.rootfs
        var s = stat()
        XCTAssertEqual(lstat(fs + "/new/nested/file.conf", &s), 0)
        XCTAssertEqual(s.st_mode & S_IFMT, S_IFREG, "file target")
        XCTAssertEqual(s.st_size, 0, "the target is an empty placeholder")
        XCTAssertTrue(isDirectory(fs + "/new/nested/deeper/dir"))
        XCTAssertEqual(lstat(fs + "/new/devnull", &s), 0)
        XCTAssertEqual(s.st_mode & S_IFMT, S_IFREG, "a device source gets a plain file target")
        XCTAssertTrue(isDirectory(fs + "/new/t/m/p"))
    }

    func testRelativeBindSourceIsRelativeToTheBundle() throws {
        let sb = try makeSandbox()
        try FileManager.default.createDirectory(atPath: sb.bundle.path + "/shared-data", withIntermediateDirectories: true)
        try writeFile(sb.bundle.path + "/shared-data/hello", "from the bundle\n")
        sb.bundle.addMount(destination: "/data", type: "bind", source: "shared-data", options: ["rbind", "ro"])
        let r = try run(sb, "cat /data/hello")
        XCTAssertEqual(r.stdout, "from the bundle\n")
    }

    func testSymlinkInTheRootfsCannotRedirectAMountOutside() throws {
        let sb = try makeSandbox()
        let tag = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let escapes = ["/tmp/host-escape-\(tag)", "/tmp/host-escape-rel-\(tag)"]
        addTeardownBlock {
            for e in escapes where fileExists(e) {
                MountFixture.hostUnmount(e + "/x")
                MountFixture.hostUnmount(e + "/y")
                try? FileManager.default.removeItem(atPath: e)
            }
        }
        symlink("/../../../../\(escapes[0])", sb.bundle.rootfs + "/evil")
        symlink("../../../../../../../../..\(escapes[1])", sb.bundle.rootfs + "/evil-rel")
        let hostBefore = readFile("/proc/self/mountinfo") ?? ""
        for link in ["/evil", "/evil-rel"] {
            sb.bundle.addMount(destination: link + "/x", type: "tmpfs", source: "tmpfs", options: ["size=1m"])
            sb.bundle.addMount(destination: link + "/y", type: "bind", source: sb.hostDir, options: ["rbind"])
        }
        try writeFile(sb.hostDir + "/bound", "")
        let r = try run(sb, """
            touch /evil/x/made-inside
            echo abs=$(ls \(escapes[0])/y); echo rel=$(ls \(escapes[1])/y)
            echo ---; cat /proc/self/mountinfo
            """)
        let k = MountFixture.keyed(r.stdout)
        XCTAssertEqual(k["abs"], "bound", "the mount is reached through the link, inside the rootfs: \(r)")
        XCTAssertEqual(k["rel"], "bound", "\(r)")
        for e in escapes {
            XCTAssertEqual(MountFixture.entry(r.stdout, at: e + "/x")?.fsType, "tmpfs", "inside, \(e) is under the container's /: \(r)")
            XCTAssertFalse(fileExists(e), "\(e) was created on the host")
            XCTAssertTrue(isDirectory(sb.bundle.rootfs + e + "/x"), "the target is created in the rootfs")
        }
        let hostNow = readFile("/proc/self/mountinfo") ?? ""
        XCTAssertEqual(MountFixture.newMounts(before: hostBefore, now: hostNow, mentioning: "host-escape"), [],
                       "nothing is mounted on the host")
    }

    // MARK: masked and read-only paths

    func testMaskedPathsOnFilesAndDirectories() throws {
        let sb = try makeSandbox()
        try sb.bundle.writeRootfsFile("secret-dir/a", "a\n")
        try sb.bundle.writeRootfsFile("etc/secret-file", "top secret\n")
        var l = sb.bundle.linux
        l["maskedPaths"] = ["/secret-dir", "/etc/secret-file"]
        sb.bundle.linux = l
        let r = try run(sb, """
            echo dir-entries=$(ls -A /secret-dir | wc -l)
            touch /secret-dir/new; echo dir-write=$?
            echo file-bytes=$(cat /etc/secret-file | wc -c)
            echo ---; cat /proc/self/mountinfo
            """)
        let k = MountFixture.keyed(r.stdout)
        XCTAssertEqual(k["dir-entries"], "0", "\(r)")
        XCTAssertEqual(k["dir-write"], "1", "a masked directory is read-only: \(r)")
        XCTAssertEqual(k["file-bytes"], "0", "\(r)")
        let dir = MountFixture.entry(r.stdout, at: "/secret-dir")
        XCTAssertEqual(dir?.fsType, "tmpfs", "\(r)")
        XCTAssertTrue(dir?.options.contains("ro") ?? false, "\(String(describing: dir))")
        XCTAssertNotNil(MountFixture.entry(r.stdout, at: "/etc/secret-file"), "the file is masked by a mount: \(r)")
        XCTAssertEqual(readFile(sb.bundle.rootfs + "/etc/secret-file"), "top secret\n")
        XCTAssertFalse(fileExists(sb.bundle.rootfs + "/secret-dir/new"))
    }

    func testReadonlyPathsOnFilesAndDirectories() throws {
        let sb = try makeSandbox()
        try sb.bundle.writeRootfsFile("etc/ro-file", "keep\n")
        try sb.bundle.writeRootfsFile("ro-dir/f", "f\n")
        try sb.bundle.writeRootfsFile("etc/rw-file", "")
        var l = sb.bundle.linux
        l["readonlyPaths"] = ["/etc/ro-file", "/ro-dir"]
        sb.bundle.linux = l
        let r = try run(sb, """
            echo x >> /etc/ro-file; echo file-write=$?
            echo file=$(cat /etc/ro-file)
            touch /ro-dir/g; echo dir-write=$?
            echo y >> /etc/rw-file; echo rw-write=$?
            echo ---; cat /proc/self/mountinfo
            """)
        let k = MountFixture.keyed(r.stdout)
        XCTAssertEqual(k["file-write"], "1", "\(r)")
        XCTAssertEqual(k["file"], "keep", "\(r)")
        XCTAssertEqual(k["dir-write"], "1", "\(r)")
        XCTAssertEqual(k["rw-write"], "0", "\(r)")
        XCTAssertTrue(r.stderr.contains("Read-only file system"), "\(r)")
        for p in ["/etc/ro-file", "/ro-dir"] {
            XCTAssertTrue(MountFixture.entry(r.stdout, at: p)?.options.contains("ro") ?? false, "\(p): \(r)")
        }
        XCTAssertEqual(readFile(sb.bundle.rootfs + "/etc/ro-file"), "keep\n")
        XCTAssertFalse(fileExists(sb.bundle.rootfs + "/ro-dir/g"))
        XCTAssertEqual(readFile(sb.bundle.rootfs + "/etc/rw-file"), "y\n")
    }

    // MARK: devices

    func testConfiguredDevicesHaveTheirTypeNumbersModeAndOwner() throws {
        let sb = try makeSandbox(args: ["stat", "-c", "%n %F %t %T %a %u %g", "/dev/fuse", "/dev/my-fifo", "/dev/loop-x", "/dev/sub/dir/null2"])
        var l = sb.bundle.linux
        l["devices"] = [
            ["path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 0o620, "uid": 1000, "gid": 100],
            ["path": "/dev/my-fifo", "type": "p", "fileMode": 0o644, "uid": 1000, "gid": 100],
            ["path": "/dev/loop-x", "type": "b", "major": 7, "minor": 0, "fileMode": 0o660, "uid": 0, "gid": 6],
            ["path": "/dev/sub/dir/null2", "type": "c", "major": 1, "minor": 3, "fileMode": 0o666, "uid": 0, "gid": 0],
        ]
        sb.bundle.linux = l
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        let st = MountFixture.statLines(r.stdout)
        XCTAssertEqual(st["/dev/fuse"], "character special file a e5 620 1000 100", "\(r)")
        XCTAssertEqual(st["/dev/my-fifo"], "fifo 0 0 644 1000 100", "\(r)")
        XCTAssertEqual(st["/dev/loop-x"], "block special file 7 0 660 0 6", "\(r)")
        XCTAssertEqual(st["/dev/sub/dir/null2"], "character special file 1 3 666 0 0", "missing parents are created: \(r)")
        XCTAssertFalse(fileExists(sb.bundle.rootfs + "/dev/fuse"), "nodes go on the container's /dev tmpfs, not the bundle")
    }

    func testDevicesInAUserNamespaceAreBindMountedFromTheHost() throws {
        guard fileExists("/dev/fuse") else { throw XCTSkip("no /dev/fuse on this host") }
        let sb = try makeSandbox(args: ["sh", "-c", "stat -c '%n %F %t %T' /dev/fuse; echo ---; cat /proc/self/mountinfo"])
        sb.bundle.mapUserNamespace()
        var l = sb.bundle.linux
        l["devices"] = [["path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 0o666, "uid": 0, "gid": 0]]
        sb.bundle.linux = l
        sb.bundle.chownRootfs(uid: 100000, gid: 100000)
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        XCTAssertEqual(MountFixture.statLines(r.stdout)["/dev/fuse"], "character special file a e5", "\(r)")
        XCTAssertNotNil(MountFixture.entry(r.stdout, at: "/dev/fuse"), "mknod is not allowed in a user namespace: a bind mount: \(r)")
    }

    // MARK: --no-pivot

    func testNoPivotRunsInTheRootfs() throws {
        let sb = try makeSandbox()
        try sb.bundle.writeRootfsFile("marker-\(shortTestName)", "in the rootfs\n")
        let r = try run(sb, """
            echo marker=$(cat /marker-\(shortTestName))
            test -e \(sb.dir) && echo host-visible=yes || echo host-visible=no
            echo root=$(readlink /proc/1/root)
            echo ---; cat /proc/self/mountinfo
            """, extra: ["--no-pivot"])
        let k = MountFixture.keyed(r.stdout)
        XCTAssertEqual(k["marker"], "in the rootfs", "\(r)")
        XCTAssertEqual(k["host-visible"], "no", "the sandbox dir must not be reachable: \(r)")
        XCTAssertEqual(k["root"], "/", "\(r)")
        let root = MountFixture.entry(r.stdout, at: "/")
        XCTAssertEqual(root?.root, sb.bundle.rootfs, "/ is the rootfs: \(String(describing: root))")
        XCTAssertEqual(MountFixture.entry(r.stdout, at: "/proc")?.fsType, "proc", "\(r)")
    }
}
