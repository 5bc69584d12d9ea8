import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// Images that plant a symlink (or a file, or the wrong node) where the
/// runtime expects a device, so that a masked path or /dev/console would
/// follow it (the CVE-2025-31133 / CVE-2025-52565 class). Each test performs
/// the attack and asserts that it failed. The bundles have no /dev tmpfs, so
/// the image's own /dev is what the runtime finds.
///
/// runc 1.1.5 predates the fixes and falls for most of these: there, only
/// what it gets right is asserted (`swrunOnly` before the rest).
final class MaskedPathAttackTests: IntegrationTestCase {
    static let predatesFix = "runc 1.1.5 predates the CVE-2025-31133 fix"

    /// A sandbox whose config mounts no tmpfs on /dev.
    func attackSandbox(_ script: String, masked: [String] = []) throws -> Sandbox {
        let sb = try makeSandbox(args: ["sh", "-c", script])
        sb.bundle.mounts = sb.bundle.mounts.filter { ($0["destination"] as? String) != "/dev" }
        var l = sb.bundle.linux
        l["maskedPaths"] = (l["maskedPaths"] as? [String] ?? []) + masked
        sb.bundle.linux = l
        return sb
    }

    /// What the attacks below look at from inside.
    static let probe = """
        echo version=$(cat /proc/version | wc -c)
        echo WROTE > /proc/version
        echo after=$(cat /proc/version)
        echo marker=$(cat /etc/marker)
        test -L /dev/null && echo null-link=yes || echo null-link=no
        echo null=$(stat -c '%F %t:%T' /dev/null)
        """

    private func assertMaskHeld(_ r: ProcResult, _ sb: Sandbox, file: StaticString = #filePath, line: UInt = #line) {
        let k = MountFixture.keyed(r.stdout)
        XCTAssertEqual(k["version"], "0", "/proc/version reads empty: \(r)", file: file, line: line)
        XCTAssertEqual(k["after"], "", "what was written to /proc/version went nowhere: \(r)", file: file, line: line)
        XCTAssertEqual(k["marker"], "marker", "\(r)", file: file, line: line)
        XCTAssertEqual(k["null-link"], "no", "\(r)", file: file, line: line)
        XCTAssertEqual(k["null"], "character special file 1:3", "\(r)", file: file, line: line)
        XCTAssertFalse(r.stdout.contains("WROTE"), "\(r)", file: file, line: line)
        XCTAssertEqual(readFile(sb.bundle.rootfs + "/etc/marker"), "marker\n", "the image's file is untouched", file: file, line: line)
    }

    func testMaskDoesNotFollowASymlinkedDevNull() throws {
        let sb = try attackSandbox(Self.probe, masked: ["/proc/version"])
        try sb.bundle.writeRootfsFile("etc/marker", "marker\n")
        XCTAssertEqual(symlink("/etc/marker", sb.bundle.rootfs + "/dev/null"), 0)
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        try swrunOnly("\(Self.predatesFix): it binds the symlink's target onto /proc/version")
        assertMaskHeld(r, sb)
    }

    func testMaskDoesNotUseARegularFileAsDevNull() throws {
        let sb = try attackSandbox(Self.probe, masked: ["/proc/version"])
        try sb.bundle.writeRootfsFile("etc/marker", "marker\n")
        try sb.bundle.writeRootfsFile("dev/null", "planted\n", mode: 0o666)
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        try swrunOnly("\(Self.predatesFix): it keeps the file and binds it onto /proc/version")
        assertMaskHeld(r, sb)
        XCTAssertFalse(r.stdout.contains("planted"), "\(r)")
    }

    func testMaskedDirectoryIsAnEmptyReadOnlyTmpfs() throws {
        let sb = try makeSandbox(args: ["sh", "-c", """
            echo entries=$(ls -A /secretdir | wc -l)
            touch /secretdir/new; echo touch=$?
            mkdir /secretdir/sub; echo mkdir=$?
            echo ---; cat /proc/self/mountinfo
            """])
        try sb.bundle.writeRootfsFile("secretdir/a", "a\n")
        var l = sb.bundle.linux
        l["maskedPaths"] = (l["maskedPaths"] as? [String] ?? []) + ["/secretdir"]
        sb.bundle.linux = l
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        let k = MountFixture.keyed(r.stdout)
        XCTAssertEqual(k["entries"], "0", "\(r)")
        XCTAssertEqual(k["touch"], "1", "\(r)")
        XCTAssertEqual(k["mkdir"], "1", "\(r)")
        XCTAssertTrue(r.stderr.contains("Read-only file system"), "\(r)")
        let m = MountFixture.entry(r.stdout, at: "/secretdir")
        XCTAssertEqual(m?.fsType, "tmpfs", "\(r)")
        XCTAssertTrue(m?.options.contains("ro") ?? false, "\(String(describing: m))")
        XCTAssertFalse(fileExists(sb.bundle.rootfs + "/secretdir/new"))
        XCTAssertEqual(readFile(sb.bundle.rootfs + "/secretdir/a"), "a\n")
    }

    func testMaskedFileIsReadOnly() throws {
        var hostNull = stat()
        XCTAssertEqual(stat("/dev/null", &hostNull), 0)
        let sb = try makeSandbox(args: ["sh", "-c", """
            echo x > /etc/secret; echo write=$?
            echo content=$(cat /etc/secret | wc -c)
            touch /etc/secret; echo touch=$?
            chmod 600 /etc/secret; echo chmod=$?
            chown 1000 /etc/secret; echo chown=$?
            echo mode=$(stat -c '%a %u' /etc/secret)
            echo ---; cat /proc/self/mountinfo
            """])
        try sb.bundle.writeRootfsFile("etc/secret", "top secret\n")
        var l = sb.bundle.linux
        l["maskedPaths"] = (l["maskedPaths"] as? [String] ?? []) + ["/etc/secret"]
        sb.bundle.linux = l
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        let k = MountFixture.keyed(r.stdout)
        // A mask is /dev/null: writes are swallowed, never stored.
        XCTAssertEqual(k["content"], "0", "\(r)")
        XCTAssertEqual(readFile(sb.bundle.rootfs + "/etc/secret"), "top secret\n")
        XCTAssertEqual(MountFixture.entry(r.stdout, at: "/etc/secret")?.root.hasSuffix("null"), true, "\(r)")
        var after = stat()
        XCTAssertEqual(stat("/dev/null", &after), 0)
        XCTAssertEqual(after.st_mode, hostNull.st_mode, "the host's /dev/null keeps its mode")
        XCTAssertEqual(after.st_uid, hostNull.st_uid, "the host's /dev/null keeps its owner")
        // runc 1.1.5 binds the container's /dev/null read-write: its mode and
        // times can be changed through the mask. swrun binds the host's, so
        // the mask is read-only (a device ignores the ro flag for writes,
        // which still go to /dev/null, but not for chmod/chown/utimes).
        try swrunOnly("runc 1.1.5 leaves masks of files read-write")
        XCTAssertTrue(MountFixture.entry(r.stdout, at: "/etc/secret")?.options.contains("ro") ?? false, "\(r)")
        XCTAssertEqual(k["touch"], "1", "\(r)")
        XCTAssertEqual(k["chmod"], "1", "\(r)")
        XCTAssertEqual(k["chown"], "1", "\(r)")
        XCTAssertEqual(k["mode"], "666 0", "\(r)")
        XCTAssertTrue(r.stderr.contains("Read-only file system"), "\(r)")
    }

    /// Every default device planted as something else: a symlink, a regular
    /// file, the wrong device, a fifo, an empty directory.
    func testPlantedDefaultDevicesAreReplaced() throws {
        let sb = try attackSandbox("""
            for d in null zero full random urandom tty; do
              test -L /dev/$d && echo $d-link=yes || echo $d-link=no
              echo $d=$(stat -c '%F %t:%T' /dev/$d)
            done
            echo zero-bytes=$(head -c 4 /dev/zero | wc -c)
            echo x > /dev/zero
            echo target=$(cat /etc/zero-target)
            """)
        try sb.bundle.writeRootfsFile("etc/zero-target", "zero-target\n")
        let dev = sb.bundle.rootfs + "/dev/"
        XCTAssertEqual(symlink("/etc/zero-target", dev + "zero"), 0)
        try sb.bundle.writeRootfsFile("dev/full", "planted\n")
        XCTAssertSucceeds(runProcess(["mknod", "-m", "666", dev + "random", "c", "1", "3"]), "the wrong device")
        XCTAssertEqual(mkfifo(dev + "urandom", 0o666), 0)
        XCTAssertEqual(mkdir(dev + "tty", 0o755), 0)
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        try swrunOnly("\(Self.predatesFix): it keeps what the image has at the devices' paths")
        XCTAssertEqual(readFile(sb.bundle.rootfs + "/etc/zero-target"), "zero-target\n", "the image's file is untouched")
        let k = MountFixture.keyed(r.stdout)
        let want = ["null": "1:3", "zero": "1:5", "full": "1:7", "random": "1:8", "urandom": "1:9", "tty": "5:0"]
        for (d, devno) in want {
            XCTAssertEqual(k["\(d)-link"], "no", "\(r)")
            XCTAssertEqual(k[d], "character special file \(devno)", "\(r)")
        }
        XCTAssertEqual(k["zero-bytes"], "4", "\(r)")
        XCTAssertEqual(k["target"], "zero-target", "\(r)")
    }

    /// In a user namespace the devices are binds of the host's nodes: the
    /// bind goes onto /dev/null itself, not where a planted symlink points.
    func testDeviceBindInAUserNamespaceDoesNotFollowASymlink() throws {
        let sb = try attackSandbox(Self.probe, masked: ["/proc/version"])
        sb.bundle.mapUserNamespace()
        try sb.bundle.writeRootfsFile("etc/marker", "marker\n")
        XCTAssertEqual(symlink("/etc/marker", sb.bundle.rootfs + "/dev/null"), 0)
        sb.bundle.chownRootfs(uid: 100000, gid: 100000)
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        try swrunOnly("\(Self.predatesFix): it creates and binds onto the symlink's target")
        assertMaskHeld(r, sb)
    }

    /// /dev/console of a terminal container is the pty, bound onto
    /// /dev/console itself: not onto a file a planted symlink points to.
    func testConsoleDoesNotFollowASymlink() throws {
        let sb = try attackSandbox("""
            test -L /dev/console && echo console-link=yes || echo console-link=no
            echo console=$(stat -c '%F %t' /dev/console)
            echo target=$(stat -c '%F' /etc/console-target)
            echo via-console > /dev/console
            echo DONE
            """)
        var p = sb.bundle.process
        p["terminal"] = true
        sb.bundle.process = p
        try sb.bundle.writeRootfsFile("etc/console-target", "target\n")
        XCTAssertEqual(symlink("/etc/console-target", sb.bundle.rootfs + "/dev/console"), 0)
        let (id, master, _) = try sb.createWithConsole(socketPath: sb.dir + "/console.sock")
        defer { close(master) }
        XCTAssertSucceeds(sb.swrun(["start", id]))
        let out = readUntil(master, "DONE").replacingOccurrences(of: "\r", with: "")
        XCTAssertTrue(out.contains("DONE"), out)
        try swrunOnly("runc 1.1.5 predates the CVE-2025-52565 fix: it truncates the symlink's target and binds the pty onto it")
        XCTAssertEqual(readFile(sb.bundle.rootfs + "/etc/console-target"), "target\n", "the image's file is untouched")
        let k = MountFixture.keyed(out)
        XCTAssertEqual(k["console-link"], "no", out)
        XCTAssertEqual(k["console"], "character special file 88", "the pty (major 136): \(out)")
        XCTAssertEqual(k["target"], "regular file", out)
        XCTAssertTrue(out.contains("via-console"), out)
    }

    /// CVE-2019-19921: an image whose /proc (or /sys) is a symlink, to a
    /// directory of the image or through a symlinked parent, must not get
    /// procfs or sysfs mounted where the link leads.
    func testProcAndSysfsRefuseASymlinkedTarget() throws {
        var results: [(dest: String, r: ProcResult)] = []
        for (dest, fs) in [("/proc", "proc"), ("/sys", "sysfs")] {
            let sb = try makeSandbox()
            let rootfs = sb.bundle.rootfs
            try? FileManager.default.removeItem(atPath: rootfs + dest)
            try FileManager.default.createDirectory(atPath: rootfs + "/elsewhere", withIntermediateDirectories: true)
            XCTAssertEqual(symlink("/elsewhere", rootfs + dest), 0)
            let r = try sb.run(sb.newID())
            XCTAssertNotEqual(r.status, 0, "\(fs) on a symlinked \(dest): \(r)")
            XCTAssertTrue(r.stderr.contains(fs), "the error names the filesystem: \(r)")
            results.append((dest, r))
        }
        try swrunOnly("runc words it \"must be mounted on ordinary directory\", without the path, and follows a symlinked parent")
        for (dest, r) in results {
            XCTAssertTrue(r.stderr.contains("\(dest) is a symlink"), "\(r)")
        }
        let sb = try makeSandbox()
        try FileManager.default.createDirectory(atPath: sb.bundle.rootfs + "/real/proc", withIntermediateDirectories: true)
        XCTAssertEqual(symlink("/real", sb.bundle.rootfs + "/link"), 0)
        sb.bundle.mounts += [["destination": "/link/proc", "type": "proc", "source": "proc"]]
        let r = try sb.run(sb.newID())
        XCTAssertNotEqual(r.status, 0, "\(r)")
        XCTAssertTrue(r.stderr.contains("a component of /link/proc is a symlink"), "\(r)")
    }
}
