import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// Input crafted to make the runtime misbehave: refused clearly, bounded,
/// nothing left behind.
final class HostileInputTests: IntegrationTestCase {
    /// (uid_t)-1 means "unchanged" to setresuid: the process would keep root.
    func testUnchangedIdsAreRefused() throws {
        try swrunOnly("runc 1.1.5 runs uid 4294967295 as root")
        for (field, value) in [("uid", 4294967295), ("gid", 4294967295)] {
            let sb = try makeSandbox(args: ["id"])
            var p = sb.bundle.process
            var user = p["user"] as? [String: Any] ?? [:]
            user[field] = value
            p["user"] = user
            sb.bundle.process = p
            let id = sb.newID()
            XCTAssertFails(try sb.run(id), mentioning: ["process.user.\(field)", "4294967295"])
            sb.assertNoTrace(of: id)
        }
        let sb = try makeSandbox(args: ["sleep", "1000"])
        let id = sb.newID()
        try sb.createAndStart(id)
        XCTAssertFails(sb.swrun(["exec", "--user", "4294967295", id, "id"]), mentioning: ["4294967295"])
        XCTAssertFails(sb.swrun(["exec", "--user", "0:4294967295", id, "id"]), mentioning: ["4294967295"])
        XCTAssertFails(sb.swrun(["exec", "--additional-gids", "4294967295", id, "id"]), mentioning: ["4294967295"])
    }

    func testEnvEntryWithoutEqualsIsRefused() throws {
        let sb = try makeSandbox(args: ["env"])
        var p = sb.bundle.process
        p["env"] = ["PATH=/bin", "JUNK"]
        sb.bundle.process = p
        let id = sb.newID()
        XCTAssertFails(try sb.run(id), mentioning: ["JUNK", "env"])
        sb.assertNoTrace(of: id)
    }

    /// config.json that never ends (a FIFO with no writer, /dev/zero) is
    /// refused at once instead of read without limit.
    func testConfigThatIsNotARegularFileIsRefused() throws {
        try swrunOnly("runc 1.1.5 blocks on a FIFO config.json and reads /dev/zero until memory runs out")
        let sb = try makeSandbox()
        try FileManager.default.removeItem(atPath: sb.bundle.configPath)
        XCTAssertEqual(mkfifo(sb.bundle.configPath, 0o600), 0)
        let id = sb.newID()
        XCTAssertFails(sb.swrun(["create", "--bundle", sb.bundle.path, id], timeout: 10), mentioning: ["not a regular file"])
        try FileManager.default.removeItem(atPath: sb.bundle.configPath)
        symlink("/dev/zero", sb.bundle.configPath)
        XCTAssertFails(sb.swrun(["create", "--bundle", sb.bundle.path, id], timeout: 10), mentioning: ["not a regular file"])
        sb.assertNoTrace(of: id)
    }

    /// A 16 MiB value in the config is not echoed whole into the error.
    func testHugeValueIsCutInTheError() throws {
        try swrunOnly("runc 1.1.5 echoes the whole value")
        let sb = try makeSandbox()
        var p = sb.bundle.process
        p["cwd"] = "relative" + String(repeating: "x", count: 16 << 20)
        sb.bundle.process = p
        let id = sb.newID()
        let r = try sb.run(id)
        XCTAssertFails(r, mentioning: ["process.cwd"])
        XCTAssertLessThan(r.stderr.utf8.count, 16 << 10, "the error echoes \(r.stderr.utf8.count) bytes")
    }

    /// --root relative to the working directory, as runc takes it; empty refused.
    func testRelativeAndEmptyRoot() throws {
        try swrunOnly("runc 1.1.5 takes --root= as the working directory")
        let sb = try makeSandbox()
        let id = sb.newID()
        try sb.prepare(id)
        XCTAssertFails(runProcess([sb.binary, "--root=", "state", id], cwd: sb.dir), mentioning: ["--root"])
        let r = runProcess([sb.binary, "--root", "relroot", "create", "--bundle", sb.bundle.path, id], cwd: sb.dir)
        XCTAssertSucceeds(r)
        XCTAssertTrue(isDirectory(sb.dir + "/relroot/" + id), "state under the working directory")
        XCTAssertFalse(isDirectory("/relroot"))
        XCTAssertSucceeds(runProcess([sb.binary, "--root", sb.dir + "/relroot", "delete", "--force", id]))
    }

    /// A lock held by some other process is waited for, not forever, and
    /// the error names the holder.
    func testLockHeldElsewhereFailsAfterABoundedWaitNamingThePid() throws {
        try swrunOnly("runc 1.1.5 takes no lock on the state dir")
        let sb = try makeSandbox(args: ["sleep", "1000"])
        let id = sb.newID()
        XCTAssertSucceeds(try sb.create(id))
        // -o: flock alone holds the lock (its sleep does not inherit it), so
        // killing flock releases it at once.
        let holder = try sb.startHelper(["flock", "-o", sb.stateRoot + "/" + id, "sleep", "30"])
        defer { holder.kill() }
        // Wait for that lock: other processes of the host hold flocks too.
        var st = stat()
        XCTAssertEqual(stat(sb.stateRoot + "/" + id, &st), 0)
        XCTAssertTrue(waitUntil(timeout: 5) {
            (readFile("/proc/locks") ?? "").split(separator: "\n").contains { $0.contains("FLOCK") && $0.contains(":\(st.st_ino) ") }
        }, "flock took the lock on the state dir")
        let r = runProcess([sb.binary, "--root", sb.stateRoot, "delete", "--force", id], env: ["SWRUN_LOCK_TIMEOUT_MS": "300"])
        XCTAssertFails(r, mentioning: ["locked by pid"])
        holder.kill()
        XCTAssertSucceeds(sb.swrun(["delete", "--force", id]))
    }

    /// A damaged state.json must not turn `delete --force` into "exit 0 and
    /// leave the init and its cgroups": swrun deletes from cleanup.json (the
    /// init by pid and start time, the cgroups it made), and with both
    /// damaged it fails, naming why, and deletes nothing.
    func testDeleteForceWithACorruptState() throws {
        try swrunOnly("runc 1.1.5 fails on a corrupt state.json and leaves the init and its cgroups")
        let sb = try makeSandbox(args: ["sleep", "1000"])
        let id = sb.newID()
        sb.bundle.linux["cgroupsPath"] = sb.cgroupsPath(for: id)
        try sb.createAndStart(id)
        let pid = sb.statePid(id) ?? 0
        XCTAssertGreaterThan(pid, 0)
        let dir = sb.stateRoot + "/" + id
        let state = try XCTUnwrap(readFile(dir + "/state.json"))
        let cleanup = try XCTUnwrap(readFile(dir + "/cleanup.json"))
        try writeFile(dir + "/state.json", String(state.prefix(state.count / 2)))
        try writeFile(dir + "/cleanup.json", String(cleanup.prefix(cleanup.count / 2)))
        let refused = sb.swrun(["delete", "--force", id])
        XCTAssertNotEqual(refused.status, 0, "\(refused)")
        XCTAssertTrue(refused.stderr.contains("nothing was deleted"), "\(refused)")
        XCTAssertTrue(refused.stderr.contains("state.json"), "\(refused)")
        XCTAssertEqual(processStateLetter(pid).map { $0 != "Z" }, true, "the init still runs")
        XCTAssertTrue(fileExists(dir), "the state dir is kept")

        // With cleanup.json as create wrote it, delete --force removes it all.
        try writeFile(dir + "/cleanup.json", cleanup)
        let r = sb.swrun(["delete", "--force", id])
        XCTAssertSucceeds(r)
        XCTAssertTrue(r.stderr.contains("cleanup.json"), "the salvage is reported: \(r)")
        XCTAssertTrue(waitUntil(timeout: 5) { processStateLetter(pid) == nil || processStateLetter(pid) == "Z" }, "the init is killed")
        reap(pid)
        sb.assertNoTrace(of: id)
    }

    /// RLIMIT_NOFILE so low that the init cannot open the exec fifo after
    /// it reported ready: create must fail (runc fails it too), not exit 0
    /// with a dead init.
    func testNofileTooLowForTheInitFailsCreate() throws {
        for limit in [0, 3] {
            let sb = try makeSandbox(args: ["true"])
            sb.bundle.process["rlimits"] = [["type": "RLIMIT_NOFILE", "soft": limit, "hard": limit]]
            let id = sb.newID()
            try sb.bundle.writeConfig()
            sb.register(id)
            let r = sb.swrun(["create", "--bundle", sb.bundle.path, id])
            XCTAssertNotEqual(r.status, 0, "RLIMIT_NOFILE \(limit): \(r)")
            XCTAssertTrue(r.stderr.lowercased().contains("too many open files"), "\(r)")
            if !Suite.isRunc { XCTAssertTrue(r.stderr.contains("RLIMIT_NOFILE soft limit \(limit)"), "\(r)") }
            sb.assertNoTrace(of: id)
        }
    }
}
