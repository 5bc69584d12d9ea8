import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Rootless containers: the runtime run by an unprivileged user (through
/// runuser) on a bundle from its own `spec --rootless`, with a state root
/// that user owns. The host's cgroups are root's, so the container runs
/// without one.
final class RootlessTests: IntegrationTestCase {
    override class func tearDown() {
        RootlessAccount.removeIfMade()
        super.tearDown()
    }

    private var rootless: RootlessSandbox!
    private var account: RootlessAccount { rootless.account }
    private var sb: Sandbox { rootless.sb }

    private func setUpRootless(args: [String]) throws {
        rootless = try RootlessSandbox(self, args: args)
    }

    @discardableResult
    private func asUser(_ args: [String], root: Bool = true, xdg: String? = nil,
                        file: StaticString = #filePath, line: UInt = #line) -> ProcResult {
        rootless.run(args, root: root, xdg: xdg, file: file, line: line)
    }

    private func userState(_ id: String, root: Bool = true, xdg: String? = nil) -> [String: Any]? {
        rootless.state(id, root: root, xdg: xdg)
    }

    /// The ids of a host process (real, effective, saved, fs) from /proc.
    private func hostIDs(_ pid: pid_t, _ key: String) -> [Int] {
        let line = lines(readFile("/proc/\(pid)/status") ?? "").first { $0.hasPrefix(key + ":") } ?? ""
        return line.split(whereSeparator: { $0 == "\t" || $0 == " " }).dropFirst().compactMap { Int($0) }
    }

    private func killAndDelete(_ id: String, pid: pid_t, root: Bool = true, xdg: String? = nil,
                               file: StaticString = #filePath, line: UInt = #line) {
        rootless.killAndDelete(id, pid: pid, root: root, xdg: xdg, file: file, line: line)
    }

    func testRunMapsTheUserToRootInside() throws {
        try setUpRootless(args: ["sh", "-c", "id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups"])
        let id = sb.newID()
        let r = asUser(["--debug", "run", id])
        XCTAssertEqual(r.status, 0, "run as \(account.name): \(r)")
        if !Suite.isRunc {
            XCTAssertTrue(r.stderr.contains("rootless: running without a cgroup"), "--debug says so: \(r)")
        }
        let out = lines(r.stdout).map { $0.split(separator: " ").joined(separator: " ") }
        XCTAssertEqual(out, ["0", "0", "0 \(account.uid) 1", "0 \(account.gid) 1", "deny"], "\(r)")
        sb.assertNoTrace(of: id)
    }

    func testVerbsAsTheUser() throws {
        try setUpRootless(args: ["sleep", "1000"])
        let id = sb.newID()
        let c = asUser(["create", id])
        XCTAssertEqual(c.status, 0, "create: \(c)")
        XCTAssertEqual(userState(id)?["status"] as? String, "created")
        XCTAssertEqual(asUser(["start", id]).status, 0)
        let state = userState(id)
        XCTAssertEqual(state?["status"] as? String, "running")
        let pid = pid_t(intValue(state?["pid"]) ?? 0)
        XCTAssertGreaterThan(pid, 0)
        // On the host the container's root is the user.
        XCTAssertEqual(hostIDs(pid, "Uid"), Array(repeating: account.uid, count: 4))
        XCTAssertEqual(hostIDs(pid, "Gid"), Array(repeating: account.gid, count: 4))
        XCTAssertEqual(lines(asUser(["list", "-q"]).stdout), [id])
        let table = lines(asUser(["list"]).stdout).map { $0.split(separator: " ").map(String.init) }
        XCTAssertEqual(table.last?.first, id)
        XCTAssertEqual(table.last?.last, account.name, "OWNER is the user who owns the container: \(table)")
        let e = asUser(["exec", id, "sh", "-c", "id -u; cat /proc/1/cmdline"])
        XCTAssertEqual(e.status, 0, "exec: \(e)")
        XCTAssertEqual(lines(e.stdout).first, "0", "\(e)")
        XCTAssertTrue(e.stdout.contains("sleep"), "exec is not in the container's pid namespace: \(e)")
        XCTAssertEqual(asUser(["kill", id, "0"]).status, 0, "signal 0 probes the init")
        killAndDelete(id, pid: pid)
        sb.assertNoTrace(of: id)
    }

    /// CRIU is driven as root only: checkpoint and restore as the user say
    /// so up front; the container runs on, no image directory is made, a
    /// restore leaves no state.
    func testCheckpointAndRestoreAreRefusedClearly() throws {
        try swrunOnly("runc 1.1.5 warns that rootless checkpoint is untested and goes on to CRIU")
        try setUpRootless(args: ["sleep", "1000"])
        let id = sb.newID()
        XCTAssertEqual(asUser(["run", "--detach", id]).status, 0)
        let pid = rootless.pid(id)
        let images = sb.dir + "/images"
        let c = asUser(["checkpoint", "--image-path", images, id])
        XCTAssertFails(c, mentioning: ["checkpoint is not supported for a rootless caller (uid \(account.uid))"])
        XCTAssertEqual(userState(id)?["status"] as? String, "running", "the container runs on")
        XCTAssertFalse(fileExists(images), "no image directory is made")
        let copy = sb.newID()
        let r = asUser(["restore", "--detach", "--image-path", images, copy])
        XCTAssertFails(r, mentioning: ["restore is not supported for a rootless caller"])
        XCTAssertNil(userState(copy), "a refused restore leaves no state")
        killAndDelete(id, pid: pid)
        sb.assertNoTrace(of: id)
    }

    func testStateRootDefaultsToXDGRuntimeDir() throws {
        try setUpRootless(args: ["sleep", "1000"])
        let xdg = sb.dir + "/xdg"
        try FileManager.default.createDirectory(atPath: xdg, withIntermediateDirectories: true)
        chown(xdg, uid_t(account.uid), gid_t(account.gid))
        chmod(xdg, 0o700)
        let id = sb.newID()
        let root = xdg + "/" + (Suite.isRunc ? "runc" : "swrun")
        addTeardownBlock { [self] in _ = asUser(["delete", "--force", id], root: false, xdg: xdg) }
        let r = asUser(["run", "--detach", id], root: false, xdg: xdg)
        XCTAssertEqual(r.status, 0, "run --detach without --root: \(r)")
        XCTAssertTrue(isDirectory(root + "/" + id), "no state in \(root)")
        var st = stat()
        XCTAssertEqual(stat(root, &st), 0)
        XCTAssertEqual(st.st_mode & 0o7777, 0o1700, "made sticky, as the XDG spec wants kept files")
        XCTAssertFalse(fileExists(sb.stateRoot + "/" + id))
        XCTAssertEqual(lines(asUser(["list", "-q"], root: false, xdg: xdg).stdout), [id])
        let pid = pid_t(intValue(userState(id, root: false, xdg: xdg)?["pid"]) ?? 0)
        XCTAssertGreaterThan(pid, 0)
        killAndDelete(id, pid: pid, root: false, xdg: xdg)
        XCTAssertFalse(fileExists(root + "/" + id), "state left in \(root)")
    }

    func testNoStateRootWithoutXDGRuntimeDir() throws {
        try swrunOnly("runc falls back to /run/runc and fails there on its permissions")
        try setUpRootless(args: ["true"])
        let id = sb.newID()
        let r = asUser(["run", id], root: false, xdg: nil)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("XDG_RUNTIME_DIR") && r.stderr.contains("--root"), "\(r)")
        let l = asUser(["list"], root: false, xdg: nil)
        XCTAssertNotEqual(l.status, 0, "list has no state root either: \(l)")
    }

    func testLimitsFailCreateAndLeaveNothing() throws {
        try setUpRootless(args: ["sleep", "1000"])
        var linux = sb.bundle.linux
        linux["resources"] = ["pids": ["limit": 64]]
        sb.bundle.linux = linux
        try sb.bundle.writeConfig()
        let id = sb.newID()
        let r = asUser(["create", id])
        XCTAssertNotEqual(r.status, 0, "create with a pids limit and no cgroup: \(r)")
        // runc 1.1.5 names nothing on cgroup v2 (its stderr is empty there).
        if !Suite.isRunc {
            XCTAssertTrue(r.stderr.contains("pids"), "the error names the limit: \(r)")
            XCTAssertTrue(r.stderr.contains("linux.resources.pids"), "\(r)")
            XCTAssertFalse(r.stderr.contains("permission denied") && !r.stderr.contains("rootless"), "a raw EACCES: \(r)")
        }
        sb.assertNoTrace(of: id)
    }

    func testNoUserNamespaceIsRefused() throws {
        try setUpRootless(args: ["true"])
        sb.bundle.removeNamespace("user")
        try sb.bundle.writeConfig()
        let id = sb.newID()
        let r = asUser(["create", id])
        XCTAssertNotEqual(r.status, 0, "a user other than root without a user namespace: \(r)")
        XCTAssertTrue(r.stderr.contains("user namespace"), "the error says a user namespace is needed: \(r)")
        sb.assertNoTrace(of: id)
    }

    /// --systemd-cgroup as the user needs its systemd user manager: without
    /// XDG_RUNTIME_DIR it cannot be found (RootlessSystemdTests has it), and
    /// a host where systemd is not pid 1 has none. Either fails, naming
    /// what is missing, and leaves nothing.
    func testSystemdDriverWithoutAUserManagerFailsCleanly() throws {
        try setUpRootless(args: ["true"])
        let id = sb.newID()
        let r = asUser(["--systemd-cgroup", "create", id])
        XCTAssertNotEqual(r.status, 0, "no systemd user manager to reach: \(r)")
        if !Suite.isRunc {    // runc 1.1.5 says what its busctl and systemctl said, or nothing
            if SystemdCgroupTests.systemdManagesCgroups {
                XCTAssertTrue(r.stderr.contains("user manager of uid \(account.uid)") && r.stderr.contains("XDG_RUNTIME_DIR is not set"), "\(r)")
            } else {
                XCTAssertTrue(r.stderr.contains("systemd is not pid 1"), "the error names the systemd driver and why: \(r)")
            }
        }
        sb.assertNoTrace(of: id)
    }

    func testRootlessFalseNeedsTheCgroup() throws {
        try setUpRootless(args: ["sleep", "1000"])
        let id = sb.newID()
        let r = asUser(["--rootless=false", "create", id])
        XCTAssertNotEqual(r.status, 0, "--rootless=false without cgroup permissions: \(r)")
        XCTAssertTrue(r.stderr.contains("cgroup") || r.stderr.contains("permission denied"), "\(r)")
        sb.assertNoTrace(of: id)
        let bad = asUser(["--rootless=sometimes", "create", id])
        XCTAssertNotEqual(bad.status, 0, "--rootless takes true, false or auto: \(bad)")
        sb.assertNoTrace(of: id)
        let auto = asUser(["--rootless=auto", "create", id])
        XCTAssertEqual(auto.status, 0, "--rootless=auto: \(auto)")
        let pid = pid_t(intValue(userState(id)?["pid"]) ?? 0)
        XCTAssertGreaterThan(pid, 0)
        killAndDelete(id, pid: pid)
    }

    func testSubordinateIDsThroughNewuidmap() throws {
        try setUpRootless(args: ["sleep", "1000"])
        for tool in ["newuidmap", "newgidmap"] where !FileManager.default.isExecutableFile(atPath: "/usr/bin/" + tool) {
            throw XCTSkip("/usr/bin/\(tool) is missing (the uidmap package)")
        }
        let subuid = try account.subordinateRange("/etc/subuid")
        defer { subuid.undo() }
        let subgid = try account.subordinateRange("/etc/subgid")
        defer { subgid.undo() }
        var linux = sb.bundle.linux
        linux["uidMappings"] = [["containerID": 0, "hostID": account.uid, "size": 1],
                                ["containerID": 1, "hostID": subuid.start, "size": 65536]]
        linux["gidMappings"] = [["containerID": 0, "hostID": account.gid, "size": 1],
                                ["containerID": 1, "hostID": subgid.start, "size": 65536]]
        sb.bundle.linux = linux
        var process = sb.bundle.process
        process["user"] = ["uid": 1000, "gid": 1000]
        sb.bundle.process = process
        try sb.bundle.writeConfig()
        let id = sb.newID()
        let r = asUser(["run", "--detach", id])
        XCTAssertEqual(r.status, 0, "run with a subordinate range: \(r)")
        let pid = pid_t(intValue(userState(id)?["pid"]) ?? 0)
        XCTAssertGreaterThan(pid, 0)
        XCTAssertEqual(hostIDs(pid, "Uid"), Array(repeating: subuid.start + 999, count: 4))
        XCTAssertEqual(hostIDs(pid, "Gid"), Array(repeating: subgid.start + 999, count: 4))
        let e = asUser(["exec", id, "cat", "/proc/self/uid_map", "/proc/self/setgroups"])
        let map = lines(e.stdout).map { $0.split(separator: " ").joined(separator: " ") }
        XCTAssertEqual(map, ["0 \(account.uid) 1", "1 \(subuid.start) 65536", "allow"], "\(e)")
        killAndDelete(id, pid: pid)
        sb.assertNoTrace(of: id)
    }

    func testPsAndKillAllWithoutACgroup() throws {
        try swrunOnly("runc 1.1.5 reads ps and kill --all from the cgroup it could not make, and fails")
        try setUpRootless(args: ["sleep", "1000"])
        let id = sb.newID()
        XCTAssertEqual(asUser(["run", "--detach", id]).status, 0)
        let pid = pid_t(intValue(userState(id)?["pid"]) ?? 0)
        XCTAssertGreaterThan(pid, 0)
        let e = asUser(["exec", "--detach", id, "sleep", "999"])
        XCTAssertEqual(e.status, 0, "exec --detach: \(e)")
        let ps = asUser(["ps", "--format", "json", id])
        let pids = ((parseJSON(ps.stdout) as? [Any]) ?? []).compactMap(intValue)
        XCTAssertEqual(pids.count, 2, "ps finds the init and the exec'd process in the pid namespace: \(ps)")
        XCTAssertTrue(pids.contains(Int(pid)), "\(ps)")
        let execPid = pid_t(pids.first { $0 != Int(pid) } ?? 0)
        XCTAssertTrue(readFile("/proc/\(execPid)/cmdline")?.hasPrefix("sleep\u{0}999") == true)
        // The user's other processes share the container's (caller's) cgroup.
        let bystander = try sb.startHelper(["setpriv", "--reuid=\(account.uid)", "--regid=\(account.gid)", "--clear-groups",
                                            "sleep", "300"])
        XCTAssertTrue(waitUntil(timeout: 5) { (readFile("/proc/\(bystander.pid)/cmdline") ?? "").hasPrefix("sleep") })
        let k = asUser(["kill", "--all", id, "KILL"])
        XCTAssertEqual(k.status, 0, "kill --all: \(k)")
        XCTAssertTrue(reap(execPid, timeout: 10), "exec'd process \(execPid) survived kill --all")
        XCTAssertTrue(reap(pid, timeout: 10), "init \(pid) survived kill --all")
        XCTAssertNil(bystander.poll(), "kill --all reached the user's process outside the container")
        XCTAssertEqual(asUser(["delete", id]).status, 0)
        sb.assertNoTrace(of: id)
    }

    func testSysfsAndDevptsAdaptToTheUserNamespace() throws {
        try swrunOnly("runc 1.1.5 mounts sysfs, and devpts with gid=5, as written: this user namespace refuses both")
        try setUpRootless(args: ["sh", "-c", "test -d /sys/kernel && grep ' /dev/pts ' /proc/self/mountinfo"])
        sb.bundle.mounts = sb.bundle.mounts.map { m in
            var m = m
            if m["destination"] as? String == "/sys" {
                m = ["destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]]
            } else if m["destination"] as? String == "/dev/pts" {
                m["options"] = (m["options"] as? [String] ?? []) + ["gid=5"]
            }
            return m
        }
        try sb.bundle.writeConfig()
        let id = sb.newID()
        let r = asUser(["run", id])
        XCTAssertEqual(r.status, 0, "a new sysfs and devpts gid=5 in a user namespace without them: \(r)")
        XCTAssertTrue(r.stdout.contains("devpts") && !r.stdout.contains("gid=5"), "\(r)")
        sb.assertNoTrace(of: id)
    }

    func testContainerRootHasOnlyTheUsersRightsOnTheHost() throws {
        try setUpRootless(args: ["sh", "-c", "id -u; cat /secret; echo status=$?; touch /hostdir/x; echo status=$?"])
        let secret = sb.dir + "/secret"
        try writeFile(secret, "root's\n", mode: 0o600)
        let hostDir = sb.dir + "/rootdir"
        try FileManager.default.createDirectory(atPath: hostDir, withIntermediateDirectories: true)
        chmod(hostDir, 0o755)
        // The mount targets exist: the rootfs is root's, so its root may not make them.
        try sb.bundle.writeRootfsFile("secret", "")
        try FileManager.default.createDirectory(atPath: sb.bundle.rootfs + "/hostdir", withIntermediateDirectories: true)
        sb.bundle.bind(secret, at: "/secret")
        sb.bundle.bind(hostDir, at: "/hostdir")
        try sb.bundle.writeConfig()
        let id = sb.newID()
        let r = asUser(["run", id])
        XCTAssertEqual(r.status, 0, "\(r)")
        let out = lines(r.stdout)
        XCTAssertEqual(out.first, "0", "root inside: \(r)")
        XCTAssertFalse(r.stdout.contains("root's"), "the container's root read a host file only root may read: \(r)")
        XCTAssertEqual(out.filter { $0.hasPrefix("status=") }, ["status=1", "status=1"], "\(r)")
        XCTAssertFalse(fileExists(hostDir + "/x"), "the container's root wrote into root's directory")
        sb.assertNoTrace(of: id)
    }

    /// A cgroup delegated to the user (its directory and files chowned, as
    /// systemd's Delegate=yes does) takes the container and its limits.
    func testADelegatedCgroupTakesTheLimits() throws {
        try setUpRootless(args: ["sleep", "1000"])
        let id = sb.newID()
        let deleg = "/\(Suite.cgroupParent)/rl-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
        var made: [String] = []
        addTeardownBlock { for d in made.reversed() { _ = rmdir(d) } }
        for m in Suite.cgroupMounts {
            // The caller's own process goes into deleg/caller: on v2 a cgroup
            // with processes cannot hand controllers down to the container's.
            for dir in [m + "/" + Suite.cgroupParent, m + deleg, m + deleg + "/caller"] where !isDirectory(dir) {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                made.append(dir)
                // A v1 cpuset takes no process before it has cpus and mems.
                for file in ["cpuset.cpus", "cpuset.mems"] where trimmed(readFile(dir + "/" + file) ?? "x").isEmpty {
                    try writeFile(dir + "/" + file, readFile(m + "/" + file) ?? "")
                }
            }
            if fileExists(m + "/cgroup.subtree_control") {
                for dir in [m, m + "/" + Suite.cgroupParent] { try? writeFile(dir + "/cgroup.subtree_control", "+pids") }
            }
            XCTAssertEqual(runProcess(["chown", "-R", "\(account.uid):\(account.gid)", m + deleg]).status, 0)
        }
        var linux = sb.bundle.linux
        linux["cgroupsPath"] = deleg + "/" + id
        linux["resources"] = ["pids": ["limit": 64]]
        sb.bundle.linux = linux
        try sb.bundle.writeConfig()
        let join = Suite.cgroupMounts.map { "echo $$ > \($0 + deleg)/caller/cgroup.procs" }.joined(separator: " && ")
        let r = runProcess(["sh", "-c", join + " && exec runuser -u \(account.name) -- env -u XDG_RUNTIME_DIR "
                            + "\(Suite.bin) --root \(sb.stateRoot) run --detach \(id)"], cwd: sb.bundle.path)
        XCTAssertEqual(r.status, 0, "run in a delegated cgroup with a pids limit: \(r)")
        let pid = pid_t(intValue(userState(id)?["pid"]) ?? 0)
        XCTAssertGreaterThan(pid, 0)
        let pidsMax = Suite.cgroupValue(deleg + "/" + id, v1: "pids.max", v2: "pids.max")
        XCTAssertEqual(pidsMax?.value, "64", "the limit is in the container's own cgroup")
        XCTAssertTrue((readFile("/proc/\(pid)/cgroup") ?? "").contains(deleg + "/" + id), "the init is in it")
        // From outside the delegated cgroup: v2 refuses the move (the common
        // ancestor is root's), v1 takes it; exec goes on either way.
        let e = asUser(["--debug", "exec", id, "cat", "/proc/self/cgroup"])
        XCTAssertEqual(e.status, 0, "exec from outside the delegated cgroup: \(e)")
        if !Suite.isRunc && Suite.cgroupMountEntries.contains(where: { $0.fsType == "cgroup2" }) {
            XCTAssertTrue(e.stderr.contains("stays in the caller's cgroup there"), "v2 refused the move: \(e)")
        }
        if let v1 = lines(e.stdout).first(where: { $0.contains(":pids:") }) {
            XCTAssertTrue(v1.hasSuffix(deleg + "/" + id), "v1 takes the exec'd process: \(e)")
        }
        killAndDelete(id, pid: pid)
        for m in Suite.cgroupMounts {
            XCTAssertFalse(isDirectory(m + deleg + "/" + id), "delete left \(m + deleg)/\(id)")
        }
    }
}
