import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// Attacks a container could mount against the host through the runtime,
/// each performed for real and asserted to fail (Specs/threat-model.md).
final class EscapeTests: IntegrationTestCase {
    /// A process exec'd into the created container opens /proc/1/exe (the
    /// init, still the runtime until start), waits until start has run and
    /// every runtime process has exited, then writes through that fd. The
    /// runtime is a copy, so a successful attack harms only the copy.
    private func attackRuntimeBinary(_ sb: Sandbox, execArgs: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws {
        let copy = sb.dir + "/rt/" + (Suite.bin as NSString).lastPathComponent
        try FileManager.default.createDirectory(atPath: sb.dir + "/rt", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Suite.bin, toPath: copy)
        sb.binary = copy
        sb.bundle.bind(sb.hostDir, at: "/host")
        let id = sb.newID()
        XCTAssertSucceeds(try sb.create(id), file: file, line: line)
        let attacker = "( exec 3</proc/1/exe; echo opened >/host/opened; while [ ! -e /host/go ]; do sleep 0.05; done; "
            + "(echo pwned >/proc/self/fd/3) 2>/host/write-error && echo wrote >/host/result || echo refused >/host/result ) "
            + "2>/host/open-error; echo done >/host/done"
        let pidFile = sb.dir + "/attacker.pid"
        XCTAssertSucceeds(sb.swrun(["exec", "-d", "--pid-file", pidFile] + execArgs + [id, "sh", "-c", attacker]), file: file, line: line)
        // Its parent is gone: we reap it, or the init's pid namespace cannot end.
        defer { reapAttacker(pidFile) }
        _ = waitUntil(timeout: 5) { fileExists(sb.hostDir + "/opened") || fileExists(sb.hostDir + "/done") }
        XCTAssertSucceeds(sb.swrun(["start", id]), file: file, line: line)
        try writeFile(sb.hostDir + "/go", "")
        XCTAssertTrue(sb.waitForHostFile("done"), file: file, line: line)
        reapAttacker(pidFile)
        let result = trimmed(readFile(sb.hostDir + "/result") ?? "not opened: " + (readFile(sb.hostDir + "/open-error") ?? ""))
        XCTAssertNotEqual(result, "wrote", "the container wrote the runtime binary", file: file, line: line)
        XCTAssertTrue(FileManager.default.contentsEqual(atPath: copy, andPath: Suite.bin), "the runtime binary changed", file: file, line: line)
        XCTAssertSucceeds(sb.swrun(["delete", "--force", id]), file: file, line: line)
    }

    private func reapAttacker(_ pidFile: String) {
        if let pid = readFile(pidFile).flatMap({ pid_t(trimmed($0)) }) { reap(pid) }
    }

    func testContainerCannotOpenTheInitsRuntimeBinary() throws {
        let sb = try makeSandbox(args: ["sleep", "1000"])
        try attackRuntimeBinary(sb)
        if Suite.isRunc { return }  // runc 1.1.5's init can be opened; it runs from a sealed copy
        XCTAssertTrue((readFile(sb.hostDir + "/open-error") ?? "").contains("Permission denied"),
                      "a non-dumpable init: \(readFile(sb.hostDir + "/open-error") ?? "")")
    }

    /// With CAP_SYS_PTRACE the open succeeds; the binary it names is on a
    /// read-only mount.
    func testContainerWithPtraceCannotWriteTheRuntimeBinary() throws {
        let sb = try makeSandbox(args: ["sleep", "1000"])
        var caps = sb.bundle.process["capabilities"] as? [String: Any] ?? [:]
        for set in ["bounding", "effective", "permitted"] { caps[set] = (caps[set] as? [String] ?? []) + ["CAP_SYS_PTRACE"] }
        var p = sb.bundle.process
        p["capabilities"] = caps
        sb.bundle.process = p
        try attackRuntimeBinary(sb)
        XCTAssertEqual(trimmed(readFile(sb.hostDir + "/result") ?? ""), "refused")
        XCTAssertTrue((readFile(sb.hostDir + "/write-error") ?? "").contains("Read-only"), readFile(sb.hostDir + "/write-error") ?? "")
    }

    func testExecGrantingPtraceBeforeStartIsRefused() throws {
        try swrunOnly("runc 1.1.5 re-executes every runc init from a sealed copy, so it needs no such rule")
        let sb = try makeSandbox(args: ["sleep", "1000"])
        let id = sb.newID()
        XCTAssertSucceeds(try sb.create(id))
        let r = sb.swrun(["exec", "--cap", "CAP_SYS_PTRACE", id, "true"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("CAP_SYS_PTRACE"), "\(r)")
    }

    /// While the container is created, its init holds only stdio, the
    /// sync socket, the exec fifo and what was preserved: no directory of
    /// the host (state dir, cgroup dir) and none of the caller's other fds.
    func testInitHoldsNoHostDirectoryFd() throws {
        let sb = try makeSandbox(args: ["sleep", "1000"])
        let id = sb.newID()
        let stray = open("/", O_RDONLY | O_DIRECTORY)  // not close-on-exec, not preserved
        defer { close(stray) }
        XCTAssertSucceeds(try sb.create(id, fds: [9: stray]))
        let pid = sb.statePid(id) ?? 0
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
        XCTAssertFalse(fds.isEmpty)
        for fd in fds {
            let target = readLink("/proc/\(pid)/fd/\(fd)") ?? ""
            XCTAssertFalse(target.hasPrefix(sb.stateRoot + "/" + id) && !target.hasSuffix("exec.fifo"), "fd \(fd) -> \(target)")
            XCTAssertFalse(target.hasPrefix("/sys/fs/cgroup"), "fd \(fd) -> \(target)")
            if !Suite.isRunc { XCTAssertNotEqual(fd, "9", "the caller's stray fd 9 -> \(target)") }  // runc 1.1.5 keeps it until exec
        }
        // And from inside: no fd of the init can be walked.
        let walk = sb.swrun(["exec", id, "sh", "-c", "for f in /proc/1/fd/*; do ls $f/../../.. 2>/dev/null && echo LEAK $f; done; true"])
        XCTAssertFalse(walk.stdout.contains("LEAK"), "\(walk)")
    }

    func testExecCwdThroughAHostFdIsRefused() throws {
        let sb = try makeSandbox(args: ["sleep", "1000"])
        let id = sb.newID()
        try sb.createAndStart(id)
        let host = open("/", O_RDONLY | O_DIRECTORY)
        defer { close(host) }
        let r = sb.swrun(["exec", "--preserve-fds", "1", "--cwd", "/proc/self/fd/3", id, "sh", "-c", "pwd; ls"], fds: [3: host])
        XCTAssertNotEqual(r.status, 0, "the process must not start on the host's filesystem: \(r)")
        XCTAssertTrue(r.stderr.contains("outside"), "\(r)")
        let leaked = sb.swrun(["exec", "--cwd", "/proc/self/fd/3", id, "pwd"])
        XCTAssertNotEqual(leaked.status, 0, "no runtime fd 3 to walk: \(leaked)")
    }

    /// A symlink planted where the pid file's temporary could go must not
    /// be followed: the pid file is a new regular file holding the pid.
    func testPidFileIsNotWrittenThroughASymlink() throws {
        try swrunOnly("runc 1.1.5 writes `<pidfile>.tmp`-style temporaries of its own naming")
        let sb = try makeSandbox(args: ["sleep", "1000"])
        let victim = sb.hostDir + "/victim"
        try writeFile(victim, "untouched")
        let pidFile = sb.hostDir + "/pid"
        for name in ["pid.tmp", ".pid.tmp", "pid.tmp-0"] { symlink(victim, sb.hostDir + "/" + name) }
        symlink(victim, pidFile)  // even the final name: replaced, not followed
        let id = sb.newID()
        XCTAssertSucceeds(try sb.create(id, extra: ["--pid-file", pidFile]))
        XCTAssertEqual(readFile(victim), "untouched")
        var st = stat()
        XCTAssertEqual(lstat(pidFile, &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFREG)
        XCTAssertEqual(readFile(pidFile).map(trimmed), sb.statePid(id).map { String($0) })
    }

    /// A static helper that tries the classic chroot escape: chroot into a
    /// subdirectory while its cwd stays outside, walk up with "..", chroot
    /// there, then list ARGV[1] of what it reached.
    static let chrootEscapeSource = """
        #include <stdio.h>
        #include <unistd.h>
        #include <sys/stat.h>
        #include <dirent.h>
        int main(int argc, char **argv) {
            mkdir("/escape-jail", 0755);
            if (chroot("/escape-jail") < 0) { perror("chroot"); return 1; }
            for (int i = 0; i < 64; i++) if (chdir("..") < 0) { perror("chdir"); return 1; }
            if (chroot(".") < 0) { perror("chroot ."); return 1; }
            DIR *d = opendir(argc > 1 ? argv[1] : "/");
            if (!d) { perror("opendir"); return 1; }
            for (struct dirent *e; (e = readdir(d)) != NULL; ) printf("%s\\n", e->d_name);
            return 0;
        }
        """

    /// --no-pivot (MS_MOVE + chroot): the container still gets its own,
    /// masked /proc, and neither /proc/1/root, "..", nor a chroot escape
    /// with CAP_SYS_CHROOT reaches the host's root (the moved root covers
    /// it; runc 1.1.5 holds the same).
    func testNoPivotKeepsTheMasksAndTheHostRootOutOfReach() throws {
        guard fileExists("/usr/bin/cc") else { throw XCTSkip("no C compiler to build the escape helper") }
        let sb = try makeSandbox()
        try writeFile(sb.dir + "/escape.c", Self.chrootEscapeSource)
        let cc = runProcess(["/usr/bin/cc", "-static", "-O1", "-o", sb.bundle.rootfs + "/bin/escape", sb.dir + "/escape.c"])
        guard cc.status == 0 else { throw XCTSkip("cannot build a static helper: \(cc)") }
        try sb.bundle.writeRootfsFile("marker-\(shortTestName)", "in the rootfs\n")
        MountFixture.addCapabilities(sb.bundle, ["CAP_SYS_CHROOT"])
        var l = sb.bundle.linux
        l["maskedPaths"] = (l["maskedPaths"] as? [String] ?? []) + ["/proc/kcore", "/proc/timer_list"]
        sb.bundle.linux = l
        XCTAssertTrue(fileExists("/usr"), "the host has /usr, the image has none")
        let probe = """
            test -e /proc/kcore && echo kcore=$(head -c 64 /proc/kcore | wc -c) || echo kcore=0
            echo timer_list=$(head -c 64 /proc/timer_list | wc -c)
            echo procs=$(ls /proc | grep -cE '^[0-9]+$')
            echo pid1root=$(ls /proc/1/root/ | tr '\\n' ' ')
            echo dotdot=$(ls /../../.. | tr '\\n' ' ')
            echo escaped=$(/bin/escape / | tr '\\n' ' ')
            test -e \(sb.dir) && echo host-visible=yes || echo host-visible=no
            """
        sb.bundle.args = ["sh", "-c", probe]
        try assertNoPivotHeld(sb.run(sb.newID(), extra: ["--no-pivot"]), sb)
        // An exec'd process joins the mount namespace on the moved root.
        sb.bundle.args = ["sleep", "1000"]
        let id = sb.newID()
        XCTAssertSucceeds(try sb.create(id, extra: ["--no-pivot"]))
        XCTAssertSucceeds(sb.swrun(["start", id]))
        assertNoPivotHeld(sb.swrun(["exec", id, "sh", "-c", probe]), sb)
    }

    private func assertNoPivotHeld(_ r: ProcResult, _ sb: Sandbox, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertSucceeds(r, file: file, line: line)
        let k = MountFixture.keyed(r.stdout)
        XCTAssertEqual(k["kcore"], "0", "\(r)", file: file, line: line)
        XCTAssertFalse((readFile("/proc/timer_list") ?? "").isEmpty, "the host's timer_list has content", file: file, line: line)
        XCTAssertEqual(k["timer_list"], "0", "masked: \(r)", file: file, line: line)
        XCTAssertLessThanOrEqual(Int(k["procs"] ?? "") ?? 99, 6, "its own pid namespace's /proc: \(r)", file: file, line: line)
        for key in ["pid1root", "dotdot", "escaped"] {
            let names = Set((k[key] ?? "").split(separator: " ").map(String.init))
            XCTAssertTrue(names.contains("marker-\(shortTestName)"), "\(key) is the rootfs: \(r)", file: file, line: line)
            XCTAssertFalse(names.contains("usr"), "\(key) must not be the host's root: \(r)", file: file, line: line)
        }
        XCTAssertEqual(k["host-visible"], "no", "\(r)", file: file, line: line)
    }
}

