import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// spec, state, list, global flags (--log, --log-format, --version, --help).
final class CLITests: IntegrationTestCase {
    static let loop = ["sh", "-c", "while :; do sleep 0.1; done"]

    private func makeEmptyDir(_ sb: Sandbox, _ name: String) throws -> String {
        let d = sb.dir + "/" + name
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    private func loadConfig(_ dir: String, file: StaticString = #filePath, line: UInt = #line) -> [String: Any] {
        guard let text = readFile(dir + "/config.json") else {
            XCTFail("no \(dir)/config.json", file: file, line: line)
            return [:]
        }
        guard let obj = parseJSON(text) as? [String: Any] else {
            XCTFail("config.json is not a JSON object: \(text)", file: file, line: line)
            return [:]
        }
        return obj
    }

    // MARK: spec

    func testSpecWritesDefaultConfig() throws {
        let sb = try makeSandbox()
        let d = try makeEmptyDir(sb, "specdir")
        let r = runProcess([Suite.bin, "spec"], cwd: d)
        XCTAssertSucceeds(r)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: d), ["config.json"])
        let c = loadConfig(d)
        XCTAssertTrue((c["ociVersion"] as? String)?.hasPrefix("1.") ?? false)
        let process = c["process"] as? [String: Any] ?? [:]
        XCTAssertEqual(process["args"] as? [String], ["sh"])
        XCTAssertEqual(process["terminal"] as? Bool, true)
        XCTAssertEqual(process["cwd"] as? String, "/")
        XCTAssertEqual(process["noNewPrivileges"] as? Bool, true)
        let user = process["user"] as? [String: Any] ?? [:]
        XCTAssertEqual(intValue(user["uid"]), 0)
        XCTAssertEqual(intValue(user["gid"]), 0)
        let caps = process["capabilities"] as? [String: Any] ?? [:]
        XCTAssertEqual(Set(caps["bounding"] as? [String] ?? []), ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"])
        let rl = (process["rlimits"] as? [[String: Any]])?.first
        XCTAssertEqual(rl?["type"] as? String, "RLIMIT_NOFILE")
        XCTAssertEqual(intValue(rl?["soft"]), 1024)
        let root = c["root"] as? [String: Any] ?? [:]
        XCTAssertEqual(root["path"] as? String, "rootfs")
        XCTAssertEqual(root["readonly"] as? Bool, true)
        let mounts = (c["mounts"] as? [[String: Any]] ?? []).compactMap { $0["destination"] as? String }
        XCTAssertEqual(mounts, ["/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup"])
        let linux = c["linux"] as? [String: Any] ?? [:]
        let ns = (linux["namespaces"] as? [[String: Any]] ?? []).compactMap { $0["type"] as? String }
        // runc adds a cgroup namespace where /sys/fs/cgroup is cgroup2.
        let unified = (readFile("/proc/self/mountinfo") ?? "").split(separator: "\n")
            .contains { $0.contains(" /sys/fs/cgroup ") && $0.contains(" - cgroup2 ") }
        XCTAssertEqual(Set(ns), Set(["pid", "network", "ipc", "uts", "mount"] + (unified ? ["cgroup"] : [])))
        XCTAssertTrue((linux["maskedPaths"] as? [String] ?? []).contains("/proc/kcore"))
        XCTAssertTrue((linux["readonlyPaths"] as? [String] ?? []).contains("/proc/sys"))
        let devs = (linux["resources"] as? [String: Any])?["devices"] as? [[String: Any]]
        XCTAssertEqual(devs?.count, 1)
        XCTAssertEqual(devs?.first?["allow"] as? Bool, false)
        XCTAssertEqual(devs?.first?["access"] as? String, "rwm")
    }

    func testSpecRefusesToOverwrite() throws {
        let sb = try makeSandbox()
        let d = try makeEmptyDir(sb, "specdir")
        try writeFile(d + "/config.json", "{\"mine\": true}\n")
        let r = runProcess([Suite.bin, "spec"], cwd: d)
        XCTAssertFails(r, mentioning: ["config.json"])
        XCTAssertTrue(r.stderr.lowercased().contains("exist"), "\(r)")
        XCTAssertEqual(readFile(d + "/config.json"), "{\"mine\": true}\n", "config.json must be untouched")
    }

    func testSpecBundleFlag() throws {
        let sb = try makeSandbox()
        let d = try makeEmptyDir(sb, "specdir")
        let r = runProcess([Suite.bin, "spec", "--bundle", d], cwd: sb.dir)
        XCTAssertSucceeds(r)
        XCTAssertEqual(loadConfig(d)["ociVersion"] as? String != nil, true)
        XCTAssertFalse(fileExists(sb.dir + "/config.json"))
    }

    func testSpecRootless() throws {
        let sb = try makeSandbox()
        let d = try makeEmptyDir(sb, "specdir")
        XCTAssertSucceeds(runProcess([Suite.bin, "spec", "--rootless"], cwd: d))
        let linux = loadConfig(d)["linux"] as? [String: Any] ?? [:]
        let ns = (linux["namespaces"] as? [[String: Any]] ?? []).compactMap { $0["type"] as? String }
        XCTAssertTrue(ns.contains("user"), "\(ns)")
        XCTAssertTrue(ns.contains("mount"))
        XCTAssertFalse(ns.contains("network"), "rootless spec shares the host network")
        for (key, hostID) in [("uidMappings", Int(geteuid())), ("gidMappings", Int(getegid()))] {
            let m = linux[key] as? [[String: Any]] ?? []
            XCTAssertEqual(m.count, 1, key)
            XCTAssertEqual(intValue(m.first?["containerID"]), 0, key)
            XCTAssertEqual(intValue(m.first?["hostID"]), hostID, key)
            XCTAssertEqual(intValue(m.first?["size"]), 1, key)
        }
    }

    // MARK: state

    func testStateJSON() throws {
        let sb = try makeSandbox(args: Self.loop)
        sb.bundle.config["annotations"] = ["org.example.key": "value", "other": "x y"]
        let id = sb.newID()
        XCTAssertSucceeds(try sb.create(id))
        let r = sb.swrun(["state", id])
        XCTAssertSucceeds(r)
        guard let st = parseJSON(r.stdout) as? [String: Any] else { return XCTFail("state is not a JSON object: \(r)") }
        XCTAssertTrue((st["ociVersion"] as? String)?.hasPrefix("1.") ?? false, "\(st)")
        XCTAssertEqual(st["id"] as? String, id)
        XCTAssertEqual(st["status"] as? String, "created")
        XCTAssertGreaterThan(intValue(st["pid"]) ?? 0, 0)
        XCTAssertEqual(st["bundle"] as? String, sb.bundle.path)
        XCTAssertEqual(st["annotations"] as? [String: String], ["org.example.key": "value", "other": "x y"])
        XCTAssertSucceeds(sb.swrun(["start", id]))
        XCTAssertEqual(sb.state(id)?["status"] as? String, "running")
    }

    func testStateBundleIsAbsoluteForRelativeBundle() throws {
        let sb = try makeSandbox(args: Self.loop)
        let id = sb.newID()
        try sb.prepare(id)
        XCTAssertSucceeds(sb.swrun(["create", "--bundle", "bundle", id], cwd: sb.dir))
        XCTAssertEqual(sb.state(id)?["bundle"] as? String, sb.bundle.path)
    }

    func testCreateDefaultsBundleToCurrentDirectory() throws {
        let sb = try makeSandbox(args: Self.loop)
        let id = sb.newID()
        try sb.prepare(id)
        XCTAssertSucceeds(sb.swrun(["create", id], cwd: sb.bundle.path))
        XCTAssertEqual(sb.state(id)?["bundle"] as? String, sb.bundle.path)
    }

    // MARK: list

    /// Two containers in one --root: a (created) and b (running).
    private func twoContainers(_ sb: Sandbox) throws -> (String, String, TestBundle) {
        let a = sb.newID()
        XCTAssertSucceeds(try sb.create(a))
        let other = try sb.addBundle(args: Self.loop)
        let b = sb.newID()
        try sb.createAndStart(b, bundle: other)
        return (a, b, other)
    }

    func testListTable() throws {
        let sb = try makeSandbox(args: Self.loop)
        let (a, b, other) = try twoContainers(sb)
        let r = sb.swrun(["list"])
        XCTAssertSucceeds(r)
        let out = lines(r.stdout)
        XCTAssertEqual(out.count, 3, "\(r)")
        let header = out.first?.split(separator: " ").map(String.init) ?? []
        XCTAssertEqual(header, ["ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"])
        let rows = out.dropFirst().map { $0.split(separator: " ").map(String.init) }
        let rowA = rows.first { $0.first == a } ?? []
        let rowB = rows.first { $0.first == b } ?? []
        XCTAssertEqual(rowA.count, 6, "\(rowA)")
        XCTAssertEqual(rowB.count, 6, "\(rowB)")
        guard rowA.count >= 4, rowB.count >= 4 else { return }
        XCTAssertEqual(rowA[1], sb.statePid(a).map { String($0) })
        XCTAssertEqual(rowA[2], "created")
        XCTAssertEqual(rowA[3], sb.bundle.path)
        XCTAssertEqual(rowB[1], sb.statePid(b).map { String($0) })
        XCTAssertEqual(rowB[2], "running")
        XCTAssertEqual(rowB[3], other.path)
    }

    func testListJSON() throws {
        let sb = try makeSandbox(args: Self.loop)
        let (a, b, other) = try twoContainers(sb)
        for flag in [["--format", "json"], ["-f", "json"]] {
            let r = sb.swrun(["list"] + flag)
            XCTAssertSucceeds(r)
            guard let arr = parseJSON(r.stdout) as? [[String: Any]] else { XCTFail("not a JSON array: \(r)"); continue }
            XCTAssertEqual(arr.count, 2)
            let byID = Dictionary(arr.compactMap { e in (e["id"] as? String).map { ($0, e) } }, uniquingKeysWith: { x, _ in x })
            XCTAssertEqual(byID[a]?["status"] as? String, "created")
            XCTAssertEqual(byID[b]?["status"] as? String, "running")
            XCTAssertEqual(byID[a]?["bundle"] as? String, sb.bundle.path)
            XCTAssertEqual(byID[b]?["bundle"] as? String, other.path)
            XCTAssertEqual(intValue(byID[b]?["pid"]).map { pid_t($0) }, sb.statePid(b))
        }
    }

    func testListQuiet() throws {
        let sb = try makeSandbox(args: Self.loop)
        let (a, b, _) = try twoContainers(sb)
        for flag in ["-q", "--quiet"] {
            let r = sb.swrun(["list", flag])
            XCTAssertSucceeds(r)
            XCTAssertEqual(Set(lines(r.stdout)), [a, b])
            XCTAssertEqual(lines(r.stdout).count, 2)
        }
    }

    func testListEmptyRoot() throws {
        let sb = try makeSandbox()
        let q = sb.swrun(["list", "-q"])
        XCTAssertSucceeds(q)
        XCTAssertEqual(trimmed(q.stdout), "")
        let t = sb.swrun(["list"])
        XCTAssertSucceeds(t)
        XCTAssertEqual(lines(t.stdout).count, 1, "header only: \(t)")
        XCTAssertTrue(t.stdout.hasPrefix("ID"))
    }

    func testListShowsStoppedAfterExit() throws {
        let sb = try makeSandbox(args: ["true"])
        let id = sb.newID()
        try sb.createAndStart(id)
        sb.waitForStatus(id, "stopped")
        let r = sb.swrun(["list", "--format", "json"])
        let arr = parseJSON(r.stdout) as? [[String: Any]]
        XCTAssertEqual(arr?.first?["status"] as? String, "stopped", "\(r)")
        XCTAssertEqual(arr?.first?["id"] as? String, id)
    }

    // MARK: global flags

    func testLogFileJSONOnFailure() throws {
        let sb = try makeSandbox()
        let id = sb.newID()
        let log = sb.dir + "/swrun.log"
        try FileManager.default.removeItem(atPath: sb.bundle.configPath)
        let r = runProcess([Suite.bin, "--root", sb.stateRoot, "--log", log, "--log-format", "json",
                            "create", "--bundle", sb.bundle.path, id])
        XCTAssertNotEqual(r.status, 0)
        let entries = lines(readFile(log) ?? "")
        XCTAssertFalse(entries.isEmpty, "log file should get the error")
        var sawError = false
        for l in entries {
            guard let obj = parseJSON(l) as? [String: Any] else {
                XCTFail("log line is not a JSON object: \(l)"); continue
            }
            XCTAssertNotNil(obj["level"] as? String, l)
            XCTAssertNotNil(obj["msg"] as? String, l)
            if obj["level"] as? String == "error" {
                sawError = true
                XCTAssertTrue((obj["msg"] as? String ?? "").contains("config.json"), l)
            }
        }
        XCTAssertTrue(sawError, "an error-level entry: \(entries)")
        sb.assertNoTrace(of: id)
    }

    /// config.md: unknown properties MAY be logged, MUST otherwise be
    /// ignored. swrun names them: in the --log file when given (clients
    /// pass swrun's stderr on as the container's), else on stderr.
    func testUnknownConfigPropertiesAreLoggedAndIgnored() throws {
        try swrunOnly("runc 1.1.5 ignores unknown properties silently")
        let sb = try makeSandbox(args: ["true"])
        var p = sb.bundle.process
        p["futureKnob"] = 1
        sb.bundle.process = p
        sb.bundle.config["vendorExtension"] = ["x": true]
        let plain = try sb.run(sb.newID())
        XCTAssertSucceeds(plain)
        XCTAssertTrue(plain.stderr.contains("process.futureKnob: unknown property, ignored"), "\(plain)")
        XCTAssertTrue(plain.stderr.contains("vendorExtension: unknown property, ignored"), "\(plain)")

        let log = sb.dir + "/swrun.log"
        let id = sb.newID()
        try sb.prepare(id)
        let logged = runProcess([Suite.bin, "--root", sb.stateRoot, "--log", log, "--log-format", "json",
                                 "run", "--bundle", sb.bundle.path, id])
        XCTAssertSucceeds(logged)
        XCTAssertFalse(logged.stderr.contains("unknown property"), "with --log, stderr stays the container's: \(logged)")
        let warnings = lines(readFile(log) ?? "").compactMap { parseJSON($0) as? [String: Any] }
            .filter { $0["level"] as? String == "warning" }.compactMap { $0["msg"] as? String }
        XCTAssertTrue(warnings.contains { $0.contains("process.futureKnob") }, "\(warnings)")
        sb.assertNoTrace(of: id)
    }

    func testLogFileJSONForStateOfUnknownID() throws {
        let sb = try makeSandbox()
        let id = sb.newID()
        let log = sb.dir + "/swrun.log"
        let r = runProcess([Suite.bin, "--root", sb.stateRoot, "--log", log, "--log-format", "json", "state", id])
        XCTAssertNotEqual(r.status, 0)
        let objs = lines(readFile(log) ?? "").compactMap { parseJSON($0) as? [String: Any] }
        XCTAssertTrue(objs.contains { $0["level"] as? String == "error" && $0["msg"] is String }, "\(objs)")
    }

    /// features: the runtime-spec features document, saying what works.
    func testFeaturesAreTruthful() throws {
        try swrunOnly("runc 1.1.5's features differ (no createContainer support claims, other annotations)")
        let sb = try makeSandbox()
        let r = sb.swrun(["features"])
        XCTAssertSucceeds(r)
        let f = try XCTUnwrap(parseJSON(r.stdout) as? [String: Any], r.stdout)
        XCTAssertEqual(f["ociVersionMax"] as? String, "1.3.0")
        XCTAssertEqual(Set(f["hooks"] as? [String] ?? []),
                       ["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"])
        let linux = try XCTUnwrap(f["linux"] as? [String: Any])
        XCTAssertEqual(Set(linux["namespaces"] as? [String] ?? []), ["pid", "network", "ipc", "uts", "mount", "user", "cgroup", "time"])
        let cgroup = try XCTUnwrap(linux["cgroup"] as? [String: Any])
        XCTAssertEqual(cgroup["v1"] as? Bool, true)
        XCTAssertEqual(cgroup["v2"] as? Bool, true)
        XCTAssertEqual(cgroup["systemd"] as? Bool, true, "the systemd driver (Cgroups/Systemd)")
        XCTAssertEqual(cgroup["systemdUser"] as? Bool, true, "the user-manager driver (SystemdInstance)")
        let seccomp = try XCTUnwrap(linux["seccomp"] as? [String: Any])
        XCTAssertTrue((seccomp["actions"] as? [String] ?? []).contains("SCMP_ACT_NOTIFY"))
        for off in ["apparmor", "selinux", "intelRdt"] {
            XCTAssertEqual((linux[off] as? [String: Any])?["enabled"] as? Bool, false, off)
        }
        XCTAssertEqual((linux["netDevices"] as? [String: Any])?["enabled"] as? Bool, true)
        XCTAssertTrue(((linux["memoryPolicy"] as? [String: Any])?["modes"] as? [String] ?? []).contains("MPOL_INTERLEAVE"))
        XCTAssertEqual(((linux["mountExtensions"] as? [String: Any])?["idmap"] as? [String: Any])?["enabled"] as? Bool, true)
        XCTAssertTrue((f["mountOptions"] as? [String] ?? []).contains("rro"))
    }

    func testVersion() throws {
        let r = runProcess([Suite.bin, "--version"])
        XCTAssertSucceeds(r)
        XCTAssertTrue(r.stdout.lowercased().contains("version"), "\(r)")
        XCTAssertTrue(r.stdout.contains("spec: 1."), "the OCI spec version line: \(r)")
    }

    func testHelpListsVerbs() throws {
        let r = runProcess([Suite.bin, "--help"])
        XCTAssertSucceeds(r)
        for verb in ["create", "start", "run", "state", "kill", "delete", "list", "spec"] {
            XCTAssertTrue(r.stdout.contains(verb), "--help should mention \(verb): \(r)")
        }
    }
}
