import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// checkpoint and restore through CRIU. CRIU cannot run on every kernel
/// (`criu check` fails on the project host): the tests that need it probe
/// for it and are skipped where it fails; they run in the guest
/// (`make vm-test`). The bad-input tests need no CRIU and run everywhere.
final class CheckpointTests: IntegrationTestCase {
    /// Whether `criu check` passes here (probed once), and why not.
    static let criuProblem: String? = {
        let r = runProcess(["sh", "-c", "command -v criu >/dev/null || exit 127; criu check"])
        if r.status == 127 { return "criu is not installed" }
        if r.status != 0 {
            let why = lines(r.stderr + r.stdout).last ?? "exit \(r.status)"
            return "`criu check` fails on this kernel (\(why)): run in the guest (make vm-test)"
        }
        return nil
    }()

    func requireCriu() throws {
        if let why = Self.criuProblem { throw XCTSkip(why) }
        if Suite.isRunc && runProcess(["sh", "-c", "command -v iptables-restore"]).status != 0 {
            throw XCTSkip("runc 1.1.5 has CRIU lock the network with iptables-restore, which this host lacks (swrun falls back to nftables)")
        }
    }

    /// The container counts on its stdout, one number a line, every 0.1 s:
    /// the count lives in the shell's memory only.
    static let counter = ["sh", "-c", "i=0; while true; do i=$((i+1)); echo $i; sleep 0.1; done"]

    /// A sandbox for the counter, and its stdio before and after the restore.
    func makeCriuSandbox() throws -> (sb: Sandbox, id: String, before: Stdio, after: Stdio) {
        let sb = try makeSandbox(args: Self.counter)
        let (before, after) = (Stdio(), Stdio())
        addTeardownBlock { before.close(); after.close() }
        return (sb, sb.newID(), before, after)
    }

    /// A pipe (both ends close-on-exec) for a container's stdio.
    struct Pipe {
        let read: Int32
        let write: Int32
        init() {
            var fds: [Int32] = [-1, -1]
            _ = pipe(&fds)
            for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            (read, write) = (fds[0], fds[1])
        }
        func close() { Glibc.close(read); Glibc.close(write) }
    }

    /// Stdio for a detached container: stdin from, stdout and stderr to pipes.
    struct Stdio {
        let input = Pipe()
        let output = Pipe()
        var fds: [Int32: Int32] { [0: input.read, 1: output.write, 2: output.write] }
        func close() { input.close(); output.close() }
    }

    /// The numbers the container printed so far, waiting up to `timeout`
    /// for at least `atLeast` of them.
    func numbers(from fd: Int32, atLeast: Int = 1, timeout: Double = 10) -> [Int] {
        var text = ""
        var got: [Int] = []
        _ = waitUntil(timeout: timeout) {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            while poll(&p, 1, 0) == 1 {
                var buf = [UInt8](repeating: 0, count: 4096)
                let n = read(fd, &buf, buf.count)
                if n <= 0 { break }
                text += String(decoding: buf[..<n], as: UTF8.self)
            }
            // Whole lines only; a pty ends them with "\r\n".
            got = text.split(whereSeparator: \.isNewline).dropLast(text.last?.isNewline == true ? 0 : 1)
                .compactMap { Int(trimmed(String($0))) }
            return got.count >= atLeast
        }
        return got
    }

    /// Runs the counter detached on `stdio` and waits until it counted to 3.
    func startCounter(_ sb: Sandbox, _ id: String, stdio: Stdio) throws -> Int {
        let r = try sb.run(id, extra: ["--detach"], fds: stdio.fds)
        XCTAssertSucceeds(r)
        let seen = numbers(from: stdio.output.read, atLeast: 3)
        XCTAssertGreaterThanOrEqual(seen.count, 3, "the counter runs")
        return seen.last ?? 0
    }

    /// `restore --detach` of `id` from `images` with its stdio on `stdio`.
    @discardableResult
    func restore(_ sb: Sandbox, _ id: String, images: String, stdio: Stdio, extra: [String] = []) throws -> ProcResult {
        try sb.prepare(id)
        let r = sb.swrun(["restore", "--detach", "--bundle", sb.bundle.path, "--image-path", images,
                          "--work-path", sb.dir + "/work"] + extra + [id], fds: stdio.fds, timeout: 60)
        XCTAssertSucceeds(r, "restore; criu's log: \(readFile(sb.dir + "/work/restore.log")?.suffix(1500) ?? "")")
        return r
    }

    @discardableResult
    func checkpoint(_ sb: Sandbox, _ id: String, images: String, extra: [String] = []) -> ProcResult {
        let r = sb.swrun(["checkpoint", "--image-path", images, "--work-path", sb.dir + "/work"] + extra + [id], timeout: 60)
        XCTAssertSucceeds(r, "checkpoint; criu's log: \(readFile(sb.dir + "/work/dump.log")?.suffix(1500) ?? "")")
        return r
    }

    /// After a restore: running, with a live pid, and the verbs work on it.
    func assertRestoredContainerWorks(_ sb: Sandbox, _ id: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(sb.status(id), "running", file: file, line: line)
        let pid = sb.statePid(id) ?? 0
        XCTAssertTrue(pid > 0 && processExists(pid), "the restored init lives: \(pid)", file: file, line: line)
        let e = sb.swrun(["exec", id, "echo", "exec-ok"], file: file, line: line)
        XCTAssertSucceeds(e)
        XCTAssertEqual(trimmed(e.stdout), "exec-ok", file: file, line: line)
        XCTAssertSucceeds(sb.swrun(["kill", id, "KILL"], file: file, line: line))
        XCTAssertTrue(sb.waitForStatus(id, "stopped", file: file, line: line))
        reap(pid)
        XCTAssertSucceeds(sb.swrun(["delete", id], file: file, line: line))
        sb.assertNoTrace(of: id, file: file, line: line)
    }

    // MARK: - With CRIU (the guest)

    func testCheckpointAndRestoreKeepCountingFromMemory() throws {
        try requireCriu()
        let (sb, id, before, after) = try makeCriuSandbox()
        // A host directory bound in: an external mount for CRIU.
        try writeFile(sb.hostDir + "/marker", "from the host\n")
        sb.bundle.mounts += [["destination": "/data", "type": "bind", "source": sb.hostDir, "options": ["rbind", "rw"]]]
        _ = try startCounter(sb, id, stdio: before)
        let pid = sb.statePid(id) ?? 0
        checkpoint(sb, id, images: sb.dir + "/images")
        reap(pid)
        XCTAssertFalse(processExists(pid), "checkpoint stops the container")
        sb.assertNoTrace(of: id)
        XCTAssertTrue(fileExists(sb.dir + "/images/descriptors.json"))
        let last = numbers(from: before.output.read, timeout: 0.5).last ?? 0
        XCTAssertEqual(rmdir(sb.bundle.rootfs + "/data"), 0, "restore makes the mount point again")

        try restore(sb, id, images: sb.dir + "/images", stdio: after, extra: ["--pid-file", sb.dir + "/restored.pid"])
        XCTAssertEqual(readFile(sb.dir + "/restored.pid").map(trimmed), sb.statePid(id).map { "\($0)" })
        let resumed = numbers(from: after.output.read, atLeast: 3)
        XCTAssertGreaterThanOrEqual(resumed.count, 3, "the restored counter writes to the restoring caller's stdout pipe")
        XCTAssertEqual(resumed.first, last + 1, "counting goes on from memory (\(last) before): \(resumed)")
        let cat = sb.swrun(["exec", id, "cat", "/data/marker"])
        XCTAssertEqual(trimmed(cat.stdout), "from the host", "the bind mount is back: \(cat)")
        assertRestoredContainerWorks(sb, id)
    }

    func testLeaveRunningThenRestoreACopyUnderANewID() throws {
        try requireCriu()
        if Suite.isUnifiedOnly {
            // It gives CRIU no v2 cgroup root (Specs/cli.md §4.17).
            try swrunOnly("runc 1.1.5 restores the copy into the original's cgroup and leaves that cgroup behind")
        }
        let (sb, id, stdio, copyStdio) = try makeCriuSandbox()
        let copy = sb.newID()
        _ = try startCounter(sb, id, stdio: stdio)
        checkpoint(sb, id, images: sb.dir + "/images", extra: ["--leave-running"])
        XCTAssertEqual(sb.status(id), "running", "--leave-running keeps the container")
        let atDump = numbers(from: stdio.output.read, timeout: 0.5).last ?? 0
        XCTAssertFalse(numbers(from: stdio.output.read, atLeast: 2).isEmpty, "and it keeps counting")

        try restore(sb, copy, images: sb.dir + "/images", stdio: copyStdio)
        let copied = numbers(from: copyStdio.output.read, atLeast: 2)
        // The dump came after the third number and before atDump was read.
        XCTAssertTrue((4...(atDump + 1)).contains(copied.first ?? 0), "the copy goes on from the dump (by \(atDump)): \(copied)")
        XCTAssertEqual(sb.status(id), "running", "the original is untouched")
        XCTAssertNotEqual(sb.statePid(id), sb.statePid(copy))
        let original = sb.statePid(id) ?? 0
        XCTAssertSucceeds(sb.swrun(["delete", "--force", id]))
        reap(original)
        let copyPid = sb.statePid(copy) ?? 0
        let cgroup = readFile("/proc/\(copyPid)/cgroup") ?? ""
        XCTAssertTrue(cgroup.contains(copy) && !cgroup.contains(id), "the copy runs in its own cgroup: \(cgroup)")
        assertRestoredContainerWorks(sb, copy)
    }

    func testPreDumpThenDumpWithParentPath() throws {
        try requireCriu()
        let (sb, id, before, after) = try makeCriuSandbox()
        _ = try startCounter(sb, id, stdio: before)
        checkpoint(sb, id, images: sb.dir + "/images/pre", extra: ["--pre-dump"])
        XCTAssertEqual(sb.status(id), "running", "a pre-dump leaves the container running")
        XCTAssertFalse(numbers(from: before.output.read, atLeast: 2).isEmpty)
        let bad = sb.swrun(["checkpoint", "--image-path", sb.dir + "/images/final", "--parent-path", "../nonexistent", id])
        XCTAssertFails(bad, mentioning: ["invalid --parent-path"])
        XCTAssertEqual(sb.status(id), "running")
        checkpoint(sb, id, images: sb.dir + "/images/final", extra: ["--parent-path", "../pre"])
        sb.assertNoTrace(of: id)
        let last = numbers(from: before.output.read, timeout: 0.5).last ?? 0

        try restore(sb, id, images: sb.dir + "/images/final", stdio: after)
        let resumed = numbers(from: after.output.read, atLeast: 2)
        XCTAssertEqual(resumed.first, last + 1, "restored from the pre-dump's pages plus the dump: \(resumed)")
        assertRestoredContainerWorks(sb, id)
    }

    func testForegroundRestoreWaitsForTheContainerAndDeletesIt() throws {
        try requireCriu()
        let (sb, id, before, after) = try makeCriuSandbox()
        _ = try startCounter(sb, id, stdio: before)
        checkpoint(sb, id, images: sb.dir + "/images")
        try sb.prepare(id)
        let p = try sb.spawnSwrun(["restore", "--bundle", sb.bundle.path, "--image-path", sb.dir + "/images", id],
                                  fds: after.fds)
        XCTAssertFalse(numbers(from: after.output.read, atLeast: 2, timeout: 60).isEmpty, "restored and counting")
        XCTAssertNil(p.poll(), "restore stays in the foreground while the container runs")
        XCTAssertEqual(sb.status(id), "running")
        XCTAssertSucceeds(sb.swrun(["kill", id, "KILL"]))
        let r = p.wait(timeout: 20)
        XCTAssertEqual(r.status, 137, "the container's status, as run gives it: \(r)")
        sb.assertNoTrace(of: id)
    }

    func testTerminalContainerGetsANewPtyThroughTheConsoleSocket() throws {
        try requireCriu()
        let (sb, id, _, _) = try makeCriuSandbox()
        var p = sb.bundle.process
        p["terminal"] = true
        sb.bundle.process = p
        let first = try ConsoleListener(path: sb.dir + "/console1.sock")
        XCTAssertSucceeds(try sb.run(id, extra: ["--detach", "--console-socket", first.path]))
        guard let master = first.receive() else { return XCTFail("no pty master from run") }
        defer { close(master.fd) }
        let seen = numbers(from: master.fd, atLeast: 3)
        XCTAssertGreaterThanOrEqual(seen.count, 3)
        checkpoint(sb, id, images: sb.dir + "/images")
        sb.assertNoTrace(of: id)
        let last = numbers(from: master.fd, timeout: 0.5).last ?? seen.last ?? 0

        let second = try ConsoleListener(path: sb.dir + "/console2.sock")
        try sb.prepare(id)
        let r = try sb.spawnSwrun(["restore", "--detach", "--bundle", sb.bundle.path, "--image-path", sb.dir + "/images",
                                   "--work-path", sb.dir + "/work", "--console-socket", second.path, id])
        guard let newMaster = second.receive(timeout: 60_000) else {
            return XCTFail("no pty master from restore: \(r.wait())")
        }
        defer { close(newMaster.fd) }
        XCTAssertSucceeds(r.wait(timeout: 60), "criu's log: \(readFile(sb.dir + "/work/restore.log")?.suffix(1500) ?? "")")
        let resumed = numbers(from: newMaster.fd, atLeast: 2)
        XCTAssertEqual(resumed.first, last + 1, "the restored counter writes to the new pty: \(resumed)")
        assertRestoredContainerWorks(sb, id)
    }

    /// An established TCP connection inside the container (nc to nc over
    /// the loopback of a network namespace joined by path, as podman's):
    /// CRIU refuses to dump it without --tcp-established, and the
    /// container runs on; with the flag on both sides the connection
    /// comes back established. (A namespace of the container's own is
    /// restored empty, as runc has it: its loopback would be down.)
    func testTCPEstablishedNeedsTheFlagAndComesBack() throws {
        try requireCriu()
        let (sb, id, before, after) = try makeCriuSandbox()
        let netns = "swrun-cp-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
        XCTAssertSucceeds(runProcess(["ip", "netns", "add", netns]))
        addTeardownBlock { _ = runProcess(["ip", "netns", "delete", netns]) }
        XCTAssertSucceeds(runProcess(["ip", "-n", netns, "link", "set", "lo", "up"]))
        sb.bundle.setNamespace("network", path: "/run/netns/" + netns)
        // Both ends read a pipe that never ends: nc closes on end of input.
        let connect = "{ sleep 100000 | nc -l -p 5000 >/dev/null & }; sleep 0.3; "
            + "{ (while :; do echo x; sleep 0.1; done) | nc 127.0.0.1 5000 & }; "
        sb.bundle.args = ["sh", "-c", connect + Self.counter[2]]
        _ = try startCounter(sb, id, stdio: before)
        let pid = sb.statePid(id) ?? 0
        // /proc/net/tcp{,6} of a process in the container: state 01 is
        // ESTABLISHED (nc listens on a dual-stack socket: tcp6).
        func established(_ pid: pid_t) -> Bool {
            lines((readFile("/proc/\(pid)/net/tcp") ?? "") + (readFile("/proc/\(pid)/net/tcp6") ?? "")).contains { line in
                let f = line.split(separator: " ")
                return f.count > 3 && f[3] == "01"
            }
        }
        XCTAssertTrue(waitUntil(timeout: 10) { established(pid) }, "the connection is up: \(sb.swrun(["exec", id, "netstat", "-tn"]))")
        let bad = sb.swrun(["checkpoint", "--image-path", sb.dir + "/refused", "--work-path", sb.dir + "/work", id], timeout: 60)
        XCTAssertNotEqual(bad.status, 0, "a dump with an established connection needs --tcp-established: \(bad)")
        XCTAssertEqual(sb.status(id), "running", "and the container runs on")
        XCTAssertFalse(numbers(from: before.output.read, atLeast: 2).isEmpty, "counting")

        checkpoint(sb, id, images: sb.dir + "/images", extra: ["--tcp-established"])
        reap(pid)
        let last = numbers(from: before.output.read, timeout: 0.5).last ?? 0
        try restore(sb, id, images: sb.dir + "/images", stdio: after, extra: ["--tcp-established"])
        let resumed = numbers(from: after.output.read, atLeast: 2)
        XCTAssertEqual(resumed.first, last + 1, "counting goes on from memory (\(last) before): \(resumed)")
        XCTAssertTrue(established(sb.statePid(id) ?? 0), "the connection is back, established")
        assertRestoredContainerWorks(sb, id)
    }

    /// The flags that only pass an option on to CRIU, given on both sides:
    /// each round trip keeps the container's memory.
    func testPassThroughFlagsRoundTrip() throws {
        try requireCriu()
        for flags in [["--ext-unix-sk"], ["--file-locks"], ["--auto-dedup"], ["--manage-cgroups-mode", "full"],
                      ["--manage-cgroups-mode", "soft"]] {
            let (sb, id, before, after) = try makeCriuSandbox()
            _ = try startCounter(sb, id, stdio: before)
            let pid = sb.statePid(id) ?? 0
            checkpoint(sb, id, images: sb.dir + "/images", extra: flags)
            reap(pid)
            let last = numbers(from: before.output.read, timeout: 0.5).last ?? 0
            try restore(sb, id, images: sb.dir + "/images", stdio: after, extra: flags)
            let resumed = numbers(from: after.output.read, atLeast: 2)
            XCTAssertEqual(resumed.first, last + 1, "\(flags): counting goes on (\(last) before): \(resumed)")
            assertRestoredContainerWorks(sb, id)
        }
    }

    /// --lazy-pages needs userfaultfd for processes CRIU does not own.
    func requireLazyPages() throws {
        try requireCriu()
        let r = runProcess(["criu", "check", "--feature", "uffd-noncoop"])
        if r.status != 0 { throw XCTSkip("criu cannot do lazy pages here (criu check --feature uffd-noncoop: \(trimmed(r.stdout + r.stderr)))") }
    }

    /// A lazy checkpoint on a page server of a free local port, its status
    /// fd on a pipe: returns when CRIU said it is ready (one NUL byte).
    func startLazyCheckpoint(_ sb: Sandbox, _ id: String, images: String) throws -> (SpawnedProcess, port: Int) {
        let port = Int.random(in: 20000...60000)
        let status = Pipe()
        defer { status.close() }
        let cp = try sb.spawnSwrun(["checkpoint", "--lazy-pages", "--page-server", "127.0.0.1:\(port)", "--status-fd", "3",
                                    "--image-path", images, "--work-path", sb.dir + "/work", id], fds: [3: status.write])
        addTeardownBlock { if cp.poll() == nil { kill(cp.pid, SIGKILL); _ = cp.wait(timeout: 10) } }
        close(status.write)
        var p = pollfd(fd: status.read, events: Int16(POLLIN), revents: 0)
        var byte: UInt8 = 1
        let ready = Glibc.poll(&p, 1, 60_000) == 1 && read(status.read, &byte, 1) == 1 && byte == 0
        XCTAssertTrue(ready, "the status fd got CRIU's ready byte: \(cp.poll().map { "\($0)" } ?? "still running"); "
                      + "criu's log: \(readFile(sb.dir + "/work/dump.log")?.suffix(1500) ?? "")")
        XCTAssertTrue(fileExists(images + "/inventory.img"), "the images are written before the pages")
        return (cp, port)
    }

    /// Lazy migration: the dump side keeps the memory and serves it on a
    /// page server; `criu lazy-pages` pulls it for a restore under a new
    /// id, which runs on before its pages have all arrived. The checkpoint
    /// ends once the last page has gone, and deletes the original.
    func testLazyPagesMigrateTheContainerThroughAPageServer() throws {
        try requireLazyPages()
        if Suite.isUnifiedOnly {
            try swrunOnly("runc 1.1.5 restores the copy into the original's cgroup and leaves that cgroup behind")
        }
        let (sb, id, before, after) = try makeCriuSandbox()
        let copy = sb.newID()
        _ = try startCounter(sb, id, stdio: before)
        let pid = sb.statePid(id) ?? 0
        let images = sb.dir + "/images"
        let bad = sb.swrun(["checkpoint", "--lazy-pages", "--status-fd", "99", "--image-path", images, id])
        XCTAssertFails(bad, mentioning: ["invalid --status-fd argument 99"])
        XCTAssertEqual(sb.status(id), "running", "a bad --status-fd leaves the container alone")
        let (cp, port) = try startLazyCheckpoint(sb, id, images: images)
        let last = numbers(from: before.output.read, timeout: 0.5).last ?? 0
        // The daemon's socket is in its work directory: the restore's.
        let lazy = try spawnProcess(["criu", "lazy-pages", "--page-server", "--address", "127.0.0.1", "--port", "\(port)",
                                     "-D", images, "-W", sb.dir + "/work", "-o", "lazy-pages.log"])
        addTeardownBlock { if lazy.poll() == nil { kill(lazy.pid, SIGKILL); _ = lazy.wait(timeout: 10) } }
        try restore(sb, copy, images: images, stdio: after, extra: ["--lazy-pages"])
        let resumed = numbers(from: after.output.read, atLeast: 3)
        XCTAssertEqual(resumed.first, last + 1, "the copy counts on from the dump (\(last)): \(resumed)")
        XCTAssertSucceeds(cp.wait(timeout: 60), "the checkpoint ends when the pages are gone; criu's log: "
                          + "\(readFile(sb.dir + "/work/dump.log")?.suffix(1500) ?? "")")
        XCTAssertEqual(lazy.wait(timeout: 30).status, 0, "criu lazy-pages: \(readFile(sb.dir + "/work/lazy-pages.log")?.suffix(1500) ?? "")")
        reap(pid)
        XCTAssertFalse(processExists(pid), "the original is gone")
        XCTAssertNil(sb.state(id), "the checkpoint deleted the original")
        assertRestoredContainerWorks(sb, copy)
        sb.assertNoTrace(of: id)    // the copy, on the same rootfs, is gone now too
    }

    /// A lazy checkpoint killed while it serves its pages: CRIU, its child,
    /// dies with it (else it would hold the container for ever), the
    /// container runs on, and `delete --force` removes it.
    func testKilledLazyCheckpointLeavesADeletableContainer() throws {
        try requireLazyPages()
        try swrunOnly("runc 1.1.5 leaves CRIU running when it is killed: CRIU holds the container and delete --force fails")
        let (sb, id, before, _) = try makeCriuSandbox()
        _ = try startCounter(sb, id, stdio: before)
        let pid = sb.statePid(id) ?? 0
        let (cp, _) = try startLazyCheckpoint(sb, id, images: sb.dir + "/images")
        let criu = (readFile("/proc/\(cp.pid)/task/\(cp.pid)/children") ?? "").split(separator: " ").compactMap { pid_t($0) }
        XCTAssertFalse(criu.isEmpty, "the checkpoint runs CRIU as its child")
        kill(cp.pid, SIGKILL)
        _ = cp.wait(timeout: 10)
        for c in criu {
            XCTAssertTrue(waitUntil(timeout: 10) { reap(c, timeout: 0.1) || !processExists(c) }, "CRIU (\(c)) died with the checkpoint")
        }
        XCTAssertEqual(sb.status(id), "running", "CRIU let go of the container")
        _ = numbers(from: before.output.read, timeout: 0.5)
        XCTAssertFalse(numbers(from: before.output.read, atLeast: 2).isEmpty, "and it counts on")
        XCTAssertSucceeds(sb.swrun(["delete", "--force", id], timeout: 30))
        XCTAssertTrue(reap(pid, timeout: 10), "the init is gone after delete --force")
        sb.assertNoTrace(of: id)
    }

    // MARK: - Bad input (no CRIU needed)

    func testCheckpointOfACreatedOrStoppedContainerFails() throws {
        let sb = try makeSandbox(args: ["sleep", "100"])
        let id = sb.newID()
        XCTAssertSucceeds(try sb.create(id))
        let images = sb.dir + "/images"
        XCTAssertFails(sb.swrun(["checkpoint", "--image-path", images, id]), mentioning: ["checkpointed in created state"])
        XCTAssertEqual(sb.status(id), "created", "the container is untouched")
        XCTAssertFalse(fileExists(images), "no image directory is made")
        XCTAssertSucceeds(sb.swrun(["kill", id, "KILL"]))
        XCTAssertTrue(sb.waitForStatus(id, "stopped"))
        XCTAssertFails(sb.swrun(["checkpoint", "--image-path", images, id]), mentioning: ["checkpointed in stopped state"])
        XCTAssertFalse(fileExists(images))
        XCTAssertSucceeds(sb.swrun(["delete", id]))
        sb.assertNoTrace(of: id)
        XCTAssertFails(sb.swrun(["checkpoint", "--image-path", images, id]), mentioning: ["does not exist"])
    }

    func testBadCheckpointFlagsLeaveTheContainerRunning() throws {
        let sb = try makeSandbox(args: ["sleep", "100"])
        let id = sb.newID()
        try sb.createAndStart(id)
        let images = sb.dir + "/images"
        let cases: [([String], String)] = [
            (["--manage-cgroups-mode", "bogus"], "invalid manage cgroups mode"),
            (["--empty-ns", "pid"], "is not supported"),
            (["--parent-path", "/abs"], "--parent-path must be relative"),
            (["--page-server", "nowhere"], "use --page-server address:port"),
            (["--bogus"], "flag provided but not defined"),
        ]
        for (flags, words) in cases {
            XCTAssertFails(sb.swrun(["checkpoint", "--image-path", images] + flags + [id]), mentioning: [words])
            XCTAssertEqual(sb.status(id), "running", "after \(flags)")
        }
        XCTAssertFails(sb.swrun(["checkpoint", "--image-path", images, "--parent-path", "missing", id]),
                       mentioning: ["invalid --parent-path"])
        XCTAssertFails(sb.swrun(["--criu", sb.dir + "/no-criu", "checkpoint", "--image-path", images, id]),
                       mentioning: ["no-criu"])
        XCTAssertEqual(sb.status(id), "running", "a checkpoint that could not run CRIU leaves the container alone")
    }

    func testFailedDumpLeavesTheContainerRunning() throws {
        guard Self.criuProblem != nil else { throw XCTSkip("criu works here: the dump succeeds") }
        guard fileExists("/usr/sbin/criu") || runProcess(["sh", "-c", "command -v criu"]).status == 0 else {
            throw XCTSkip("criu is not installed")
        }
        try swrunOnly("runc 1.1.5 deletes the container after a failed checkpoint")
        let sb = try makeSandbox(args: ["sleep", "100"])
        let id = sb.newID()
        try sb.createAndStart(id)
        let r = sb.swrun(["checkpoint", "--image-path", sb.dir + "/images", "--work-path", sb.dir + "/work", id], timeout: 60)
        XCTAssertFails(r, mentioning: ["criu dump failed", "criu swrk"])
        XCTAssertTrue(r.stderr.contains(sb.dir + "/work/dump.log"), "the error names CRIU's log: \(r)")
        XCTAssertEqual(sb.status(id), "running", "a failed dump leaves the container running")
    }

    func testRestoreWithAMissingImageDirectoryLeavesNothing() throws {
        let sb = try makeSandbox(args: ["sleep", "100"])
        let id = sb.newID()
        try sb.prepare(id)
        let images = sb.dir + "/no-images"
        let r = sb.swrun(["restore", "--detach", "--bundle", sb.bundle.path, "--image-path", images, id], timeout: 60)
        XCTAssertFails(r, mentioning: ["no such file or directory"])
        sb.assertNoTrace(of: id)
        if !Suite.isRunc {
            XCTAssertTrue(r.stderr.contains("image directory"), "the error names what is missing: \(r)")
            XCTAssertFalse(fileExists(images), "restore makes no empty image directory (runc 1.1.5 does)")
        }
    }

    func testRestoreIntoAnExistingIDFailsAndLeavesItAlone() throws {
        let sb = try makeSandbox(args: ["sleep", "100"])
        let id = sb.newID()
        XCTAssertSucceeds(try sb.create(id))
        let pid = sb.statePid(id)
        try FileManager.default.createDirectory(atPath: sb.dir + "/images", withIntermediateDirectories: true)
        try writeFile(sb.dir + "/images/descriptors.json", "[\"/dev/null\",\"/dev/null\",\"/dev/null\"]")
        let r = sb.swrun(["restore", "--detach", "--bundle", sb.bundle.path, "--image-path", sb.dir + "/images", id], timeout: 60)
        XCTAssertFails(r, mentioning: ["exists"])
        XCTAssertEqual(sb.status(id), "created", "the existing container is untouched")
        XCTAssertEqual(sb.statePid(id), pid)
    }

    func testRestoreRefusesFlagsItCannotHonour() throws {
        try swrunOnly("runc 1.1.5 accepts --no-pivot and the LSM flags on restore")
        let sb = try makeSandbox(args: ["sleep", "100"])
        let id = sb.newID()
        try sb.prepare(id)
        for flags in [["--no-pivot"], ["--lsm-profile", "apparmor:x"], ["--manage-cgroups-mode", "bogus"]] {
            let r = sb.swrun(["restore", "--detach", "--bundle", sb.bundle.path, "--image-path", sb.dir] + flags + [id])
            XCTAssertFails(r, mentioning: ["not supported", "invalid manage cgroups mode"])
            sb.assertNoTrace(of: id)
        }
    }

    func testHelpAndFeaturesReportTheVerbs() throws {
        try swrunOnly("the features annotation is swrun's")
        for verb in ["checkpoint", "restore"] {
            let h = runProcess([Suite.bin, verb, "--help"])
            XCTAssertSucceeds(h)
            XCTAssertTrue(h.stdout.contains("--image-path"), h.stdout)
            XCTAssertFalse(h.stdout.contains("not supported yet"))
        }
        let usage = runProcess([Suite.bin, "--help"]).stdout
        XCTAssertTrue(usage.contains("checkpoint  checkpoint a running container"), usage)
        XCTAssertFalse(usage.contains("not supported yet"), usage)
        let f = parseJSON(runProcess([Suite.bin, "features"]).stdout) as? [String: Any]
        let annotations = f?["annotations"] as? [String: String]
        XCTAssertEqual(annotations?["io.github.swrun.checkpoint.enabled"], "true")
    }
}
