import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// Each bad input: non-zero exit, an error on stderr naming what is wrong,
/// and nothing left behind. Message checks stick to words runc 1.1.5 and swrun
/// both print; stricter ones are swrun-only.
final class BadInputTests: IntegrationTestCase {
    static let loop = ["sh", "-c", "while :; do sleep 0.1; done"]

    func testMissingBundleDirectory() throws {
        let sb = try makeSandbox()
        let id = sb.newID()
        let missing = sb.dir + "/no-such-bundle"
        let r = sb.swrun(["create", "--bundle", missing, id])
        XCTAssertFails(r, mentioning: [missing, "no such file", "not found", "not exist"])
        sb.assertNoTrace(of: id)
        XCTAssertFalse(fileExists(missing), "the bundle dir must not be created")
    }

    func testMissingConfigJSON() throws {
        let sb = try makeSandbox()
        let id = sb.newID()
        try FileManager.default.removeItem(atPath: sb.bundle.configPath)
        let r = sb.swrun(["create", "--bundle", sb.bundle.path, id])
        XCTAssertFails(r, mentioning: ["config.json"])
        sb.assertNoTrace(of: id)
    }

    func testInvalidJSON() throws {
        let sb = try makeSandbox()
        let id = sb.newID()
        try writeFile(sb.bundle.configPath, "{\"ociVersion\": \"1.0.2\", bad json")
        let r = sb.swrun(["create", "--bundle", sb.bundle.path, id])
        XCTAssertFails(r, mentioning: ["invalid", "config.json", "json"])
        sb.assertNoTrace(of: id)
    }

    func testInvalidJSONMessageNamesTheFile() throws {
        // runc prints only Go's decoder error ("invalid character ..."); swrun names the file.
        try swrunOnly("error message names config.json")
        let sb = try makeSandbox()
        let id = sb.newID()
        try writeFile(sb.bundle.configPath, "[1, 2")
        XCTAssertFails(sb.swrun(["create", "--bundle", sb.bundle.path, id]), mentioning: ["config.json"])
    }

    func testMissingRootfs() throws {
        let sb = try makeSandbox()
        let id = sb.newID()
        var root = sb.bundle.config["root"] as? [String: Any] ?? [:]
        root["path"] = "no-such-rootfs"
        sb.bundle.config["root"] = root
        try sb.prepare(id)
        let r = sb.swrun(["create", "--bundle", sb.bundle.path, id])
        XCTAssertFails(r, mentioning: ["rootfs", "no-such-rootfs"])
        sb.assertNoTrace(of: id)
    }

    func testUnknownNamespaceType() throws {
        let sb = try makeSandbox()
        let id = sb.newID()
        sb.bundle.setNamespace("bogusns")
        try sb.prepare(id)
        let r = sb.swrun(["create", "--bundle", sb.bundle.path, id])
        XCTAssertFails(r, mentioning: ["bogusns"])
        sb.assertNoTrace(of: id)
    }

    func testBindMountOfMissingSourceCleansUp() throws {
        // Fails late (after cgroups and namespaces exist): everything must be undone.
        let sb = try makeSandbox(args: Self.loop)
        let id = sb.newID()
        let missing = sb.dir + "/no-such-source"
        sb.bundle.bind(missing, at: "/data")
        try sb.prepare(id)
        let r = sb.swrun(["create", "--bundle", sb.bundle.path, id])
        XCTAssertFails(r, mentioning: ["no-such-source", "no such file"])
        sb.assertNoTrace(of: id)
    }

    func testUnknownVerb() throws {
        let sb = try makeSandbox()
        let r = sb.swrun(["frobnicate", "x"])
        XCTAssertFails(r, mentioning: ["frobnicate"])
    }

    func testUnknownGlobalFlag() throws {
        let r = runProcess([Suite.bin, "--frobnicate", "list"])
        XCTAssertFails(r, mentioning: ["frobnicate"])
    }

    func testUnknownVerbFlag() throws {
        let sb = try makeSandbox()
        let id = sb.newID()
        try sb.prepare(id)
        let r = sb.swrun(["create", "--frobnicate", "--bundle", sb.bundle.path, id])
        XCTAssertFails(r, mentioning: ["frobnicate"])
        sb.assertNoTrace(of: id)
    }

    func testMissingContainerIDArgument() throws {
        let sb = try makeSandbox()
        for verb in ["create", "start", "state", "kill", "delete"] {
            let r = sb.swrun([verb])
            XCTAssertFails(r, mentioning: ["argument", "container id", "container-id", "usage"])
        }
    }

    func testInvalidContainerIDs() throws {
        let sb = try makeSandbox()
        for bad in ["../evil", "bad/id", ".."] {
            try sb.prepare("it-unused-\(UInt16.random(in: 0...UInt16.max))")
            let r = sb.swrun(["create", "--bundle", sb.bundle.path, bad])
            XCTAssertFails(r, mentioning: ["invalid", "id"])
        }
        XCTAssertFalse(fileExists(sb.dir + "/evil"), "an id must not escape the state root")
        XCTAssertFalse(fileExists(sb.stateRoot + "/bad"))
        XCTAssertNoCgroup("/evil", "by an id escaping the cgroup parent")
        let left = (try? FileManager.default.contentsOfDirectory(atPath: sb.stateRoot)) ?? []
        XCTAssertEqual(left, [])
    }

    func testDuplicateID() throws {
        let sb = try makeSandbox(args: Self.loop)
        let id = sb.newID()
        XCTAssertSucceeds(try sb.create(id))
        let pid = sb.statePid(id)
        let other = try sb.addBundle(args: Self.loop)
        try other.writeConfig()
        let r = sb.swrun(["create", "--bundle", other.path, id])
        XCTAssertFails(r, mentioning: ["exist", id])
        // The first container is untouched.
        guard let st = sb.state(id) else { return XCTFail("first container vanished") }
        XCTAssertEqual(st["status"] as? String, "created")
        XCTAssertEqual(intValue(st["pid"]).map { pid_t($0) }, pid)
        XCTAssertEqual(st["bundle"] as? String, sb.bundle.path)
        // The same through `run`.
        let r2 = sb.swrun(["run", "--bundle", other.path, id])
        XCTAssertNotEqual(r2.status, 0)
        XCTAssertEqual(sb.status(id), "created")
    }

    func testStartTwice() throws {
        let sb = try makeSandbox(args: Self.loop)
        let id = sb.newID()
        try sb.createAndStart(id)
        let r = sb.swrun(["start", id])
        XCTAssertFails(r, mentioning: ["running", "started", id])
        XCTAssertEqual(sb.status(id), "running")
    }

    func testStartOfStoppedContainer() throws {
        let sb = try makeSandbox(args: ["true"])
        let id = sb.newID()
        try sb.createAndStart(id)
        sb.waitForStatus(id, "stopped")
        let r = sb.swrun(["start", id])
        XCTAssertFails(r, mentioning: ["stopped", "running", "started", id])
        XCTAssertEqual(sb.status(id), "stopped")
    }

    func testKillOfStoppedContainer() throws {
        let sb = try makeSandbox(args: ["true"])
        let id = sb.newID()
        try sb.createAndStart(id)
        sb.waitForStatus(id, "stopped")
        let r = sb.swrun(["kill", id, "KILL"])
        XCTAssertFails(r, mentioning: ["running", "stopped"])
        XCTAssertEqual(sb.status(id), "stopped")
    }

    func testKillWithInvalidSignal() throws {
        let sb = try makeSandbox(args: Self.loop)
        let id = sb.newID()
        try sb.createAndStart(id)
        let r = sb.swrun(["kill", id, "SIGNOTASIGNAL"])
        XCTAssertFails(r, mentioning: ["signal", "SIGNOTASIGNAL", "NOTASIGNAL"])
        XCTAssertEqual(sb.status(id), "running")
    }

    func testDeleteRunningContainerWithoutForce() throws {
        let sb = try makeSandbox(args: Self.loop)
        let id = sb.newID()
        try sb.createAndStart(id)
        let pid = sb.statePid(id) ?? 0
        let r = sb.swrun(["delete", id])
        XCTAssertFails(r, mentioning: ["running", id])
        XCTAssertEqual(sb.status(id), "running", "the container must still be there")
        XCTAssertTrue(processExists(pid))
        XCTAssertNotEqual(processStateLetter(pid), "Z")
        XCTAssertTrue(Suite.cgroupDir("memory", "/swrun-it/\(id)").map(isDirectory) ?? false, "the memory cgroup is still there")
    }

    func testVerbsOnNonExistentID() throws {
        let sb = try makeSandbox()
        let id = sb.newID()
        for args in [["start", id], ["state", id], ["kill", id], ["kill", id, "KILL"], ["delete", id]] {
            let r = sb.swrun(args)
            XCTAssertFails(r, mentioning: ["exist", "not found", id])
        }
        sb.assertNoTrace(of: id)
    }

    /// The systemd driver's slice:prefix:name form is parsed and refused
    /// saying which slice and unit it means and why (no systemd as pid 1).
    func testSystemdCgroupPathIsRefusedClearly() throws {
        try swrunOnly("runc 1.1.5 tries to reach systemd over D-Bus and fails with a connection error")
        if isDirectory("/run/systemd/system") {
            throw XCTSkip("systemd is pid 1 here: the driver takes the path (SystemdCgroupTests)")
        }
        let sb = try makeSandbox(args: ["true"])
        let id = sb.newID()
        try sb.prepare(id)
        var l = sb.bundle.linux
        l["cgroupsPath"] = "system.slice:swrun-it:\(id)"
        sb.bundle.linux = l
        try sb.bundle.writeConfig()
        let r = sb.swrun(["--systemd-cgroup", "create", "--bundle", sb.bundle.path, id])
        XCTAssertFails(r, mentioning: ["systemd"])
        XCTAssertTrue(r.stderr.contains("slice system.slice, unit swrun-it-\(id).scope"), "\(r)")
        XCTAssertTrue(r.stderr.contains("systemd is not pid 1"), "\(r)")
        sb.assertNoTrace(of: id)
        let bad = sb.swrun(["--systemd-cgroup", "create", "--bundle", sb.bundle.path, id + "x"])
        XCTAssertFails(bad, mentioning: ["systemd"])
        sb.assertNoTrace(of: id + "x")
    }

    func testDeleteForceOfNonExistentIDSucceeds() throws {
        // runc 1.1.5: `delete --force` of an unknown id exits 0.
        let sb = try makeSandbox()
        let id = sb.newID()
        XCTAssertSucceeds(sb.swrun(["delete", "--force", id]))
        sb.assertNoTrace(of: id)
    }

    func testMissingExecutable() throws {
        for args in [["/no/such/binary"], ["no-such-command-in-path"]] {
            let sb = try makeSandbox(args: args)
            let id = sb.newID()
            let c = try sb.create(id)
            var err = c.stderr
            if c.status == 0 {
                // Failing at start is acceptable too.
                let s = sb.swrun(["start", id])
                XCTAssertNotEqual(s.status, 0, "start of a missing executable should fail: \(s)")
                err += s.stderr
                sb.swrun(["delete", "--force", id])
            }
            XCTAssertTrue(err.contains((args[0] as NSString).lastPathComponent), "error should name \(args[0]): \(err)")
            sb.assertNoTrace(of: id)
        }
    }

    func testMissingExecutableWithRun() throws {
        let sb = try makeSandbox(args: ["/no/such/binary"])
        let id = sb.newID()
        let r = try sb.run(id)
        XCTAssertFails(r, mentioning: ["/no/such/binary"])
        sb.assertNoTrace(of: id)
    }

    func testNonExecutableFile() throws {
        for path in ["/etc/passwd", "/bin"] {
            let sb = try makeSandbox(args: [path])
            let id = sb.newID()
            let c = try sb.create(id)
            var err = c.stderr
            if c.status == 0 {
                let s = sb.swrun(["start", id])
                XCTAssertNotEqual(s.status, 0, "start of a non-executable should fail: \(s)")
                err += s.stderr
                sb.swrun(["delete", "--force", id])
            }
            XCTAssertTrue(err.lowercased().contains("permission denied") || err.contains(path),
                          "error should say why \(path) cannot run: \(err)")
            sb.assertNoTrace(of: id)
        }
    }
}
