import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

final class NamespaceTests: IntegrationTestCase {
    static let nsNames = ["net", "ipc", "uts", "mnt", "pid", "cgroup"]

    /// Runs `readlink /proc/self/ns/<n>` for each name inside the container.
    private func containerNamespaces(_ sb: Sandbox, file: StaticString = #filePath, line: UInt = #line) throws -> [String: String] {
        sb.bundle.args = ["sh", "-c", "for n in \(Self.nsNames.joined(separator: " ")); do echo $n=$(readlink /proc/self/ns/$n); done"]
        let r = try sb.run(sb.newID(), file: file, line: line)
        XCTAssertSucceeds(r, file: file, line: line)
        var out: [String: String] = [:]
        for l in lines(r.stdout) {
            let parts = l.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { out[parts[0]] = parts[1] }
        }
        return out
    }

    /// linux.netDevices: a host interface (one end of a veth pair) is moved
    /// in, renamed, keeps its permanent address and is up; it goes away with
    /// the namespace, and its peer with it.
    func testNetDevicesMovesARenamedInterfaceWithItsAddress() throws {
        try swrunOnly("linux.netDevices is not in runc 1.1.5")
        guard let ip = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first(where: { fileExists($0) }) else {
            throw XCTSkip("no ip(8) on this host to make a veth pair")
        }
        let dev = "swd" + String(UInt32.random(in: 0...0xfffff), radix: 16)
        XCTAssertSucceeds(runProcess([ip, "link", "add", dev, "type", "veth", "peer", "name", dev + "p"]))
        addTeardownBlock { _ = runProcess([ip, "link", "del", dev]) }
        XCTAssertSucceeds(runProcess([ip, "addr", "add", "10.201.7.9/24", "dev", dev]))
        let sb = try makeSandbox(args: ["sh", "-c", "ip -o addr show dev eth7; ip -o link show dev eth7"])
        var l = sb.bundle.linux
        l["netDevices"] = [dev: ["name": "eth7"]]
        sb.bundle.linux = l
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        XCTAssertTrue(r.stdout.contains("inet 10.201.7.9/24"), "the permanent address moved along: \(r)")
        XCTAssertTrue(r.stdout.contains(",UP"), "set up: \(r)")
        XCTAssertTrue(waitUntil(timeout: 5) { runProcess([ip, "link", "show", "dev", dev]).status != 0 },
                      "the interface left the host with the container")

        // A device the host lacks: a clear error, nothing left.
        l["netDevices"] = ["swrun-nosuch0": [String: Any]()]
        sb.bundle.linux = l
        let id = sb.newID()
        XCTAssertFails(try sb.create(id), mentioning: ["linux.netDevices.swrun-nosuch0"])
        sb.assertNoTrace(of: id)
    }

    func testInitIsPid1() throws {
        let sb = try makeSandbox(args: ["sh", "-c", "echo $$; cat /proc/1/cmdline | tr '\\0' ' '"])
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        let l = lines(r.stdout)
        XCTAssertEqual(l.first, "1")
        XCTAssertTrue(l.last?.hasPrefix("sh -c") ?? false, "pid 1 should be the user's command: \(r)")
    }

    func testPidNamespaceHidesHostProcesses() throws {
        let sb = try makeSandbox(args: ["sh", "-c", "ls /proc | grep -E '^[0-9]+$' | wc -l"])
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        // sh, ls, grep and wc at most.
        XCTAssertLessThanOrEqual(Int(trimmed(r.stdout)) ?? 999, 4, "\(r)")
    }

    func testHostnameFromConfig() throws {
        let sb = try makeSandbox(args: ["sh", "-c", "hostname; cat /proc/sys/kernel/hostname"])
        sb.bundle.config["hostname"] = "swrun-it-host"
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        XCTAssertEqual(r.stdout, "swrun-it-host\nswrun-it-host\n")
        var uts = utsname()
        uname(&uts)
        let hostName = withUnsafeBytes(of: &uts.nodename) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
        XCTAssertNotEqual(hostName, "swrun-it-host", "the host's hostname must not change")
    }

    func testNamespacesDifferFromHost() throws {
        let sb = try makeSandbox()
        sb.bundle.setNamespace("cgroup")
        let inside = try containerNamespaces(sb)
        for n in Self.nsNames {
            let host = readLink("/proc/self/ns/\(n)")
            XCTAssertNotNil(inside[n], "no \(n) namespace link inside")
            XCTAssertTrue(inside[n]?.hasPrefix("\(n):[") ?? false, "\(n): \(inside[n] ?? "nil")")
            XCTAssertNotEqual(inside[n], host, "\(n) namespace should be new")
        }
    }

    func testNamespaceNotInConfigIsShared() throws {
        let sb = try makeSandbox()
        sb.bundle.removeNamespace("network")
        sb.bundle.removeNamespace("ipc")
        let inside = try containerNamespaces(sb)
        XCTAssertEqual(inside["net"], readLink("/proc/self/ns/net"), "no network ns in config: host's net ns")
        XCTAssertEqual(inside["ipc"], readLink("/proc/self/ns/ipc"), "no ipc ns in config: host's ipc ns")
        XCTAssertNotEqual(inside["uts"], readLink("/proc/self/ns/uts"))
    }

    func testJoinNetworkNamespaceByPath() throws {
        let sb = try makeSandbox()
        let hostNet = readLink("/proc/self/ns/net")
        let helper = try sb.startHelper(["unshare", "--net", "sleep", "1000"])
        let nsPath = "/proc/\(helper.pid)/ns/net"
        XCTAssertTrue(waitUntil { readLink(nsPath) != nil && readLink(nsPath) != hostNet }, "helper never unshared its netns")
        let target = readLink(nsPath)
        sb.bundle.setNamespace("network", path: nsPath)
        let inside = try containerNamespaces(sb)
        XCTAssertEqual(inside["net"], target, "the container should join the helper's netns")
        XCTAssertNotEqual(inside["net"], hostNet)
        XCTAssertNotEqual(inside["uts"], readLink("/proc/self/ns/uts"))
    }

    /// A helper in a uts namespace of its own named `hostname`; its path.
    private func utsNamespace(_ sb: Sandbox, named hostname: String) throws -> String {
        let helper = try sb.startHelper(["unshare", "--uts", "sh", "-c", "hostname \(hostname); exec sleep 1000"])
        let nsPath = "/proc/\(helper.pid)/ns/uts"
        let hostUTS = readLink("/proc/self/ns/uts")
        XCTAssertTrue(waitUntil {
            guard let l = readLink(nsPath), l != hostUTS else { return false }
            return (readFile("/proc/\(helper.pid)/cmdline") ?? "").hasPrefix("sleep")
        })
        return nsPath
    }

    func testJoinUTSNamespaceByPathKeepsItsHostname() throws {
        let sb = try makeSandbox(args: ["hostname"])
        sb.bundle.setNamespace("uts", path: try utsNamespace(sb, named: "joined-uts-ns"))
        sb.bundle.config.removeValue(forKey: "hostname")
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        XCTAssertEqual(trimmed(r.stdout), "joined-uts-ns")
    }

    /// A hostname with a uts namespace joined by path is set there, as runc
    /// does: the joined namespace's name changes, the host's does not.
    func testHostnameIsSetInAJoinedUTSNamespace() throws {
        let sb = try makeSandbox(args: ["hostname"])
        let nsPath = try utsNamespace(sb, named: "before-join")
        sb.bundle.setNamespace("uts", path: nsPath)
        sb.bundle.config["hostname"] = "swrun-it-joined"
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        XCTAssertEqual(trimmed(r.stdout), "swrun-it-joined")
        let joined = runProcess(["nsenter", "--uts=\(nsPath)", "hostname"])
        XCTAssertEqual(trimmed(joined.stdout), "swrun-it-joined", "set in the joined namespace: \(joined)")
        XCTAssertNotEqual(trimmed(runProcess(["hostname"]).stdout), "swrun-it-joined", "the host's hostname must not change")
    }

    /// A config without a mount namespace and what needs one, a marker in
    /// the rootfs, and a /proc the caller mounted there (the init reopens
    /// the exec fifo through it).
    private func withoutAMountNamespace(_ sb: Sandbox) throws {
        sb.bundle.removeNamespace("mount")
        sb.bundle.mounts = []
        var l = sb.bundle.linux
        l.removeValue(forKey: "maskedPaths")
        l.removeValue(forKey: "readonlyPaths")
        sb.bundle.linux = l
        try sb.bundle.writeRootfsFile("marker-\(shortTestName)", "in the rootfs\n")
        try MountFixture.hostMount(self, ["-t", "proc", "proc"], target: sb.bundle.rootfs + "/proc")
    }

    /// No mount namespace in the config: the container shares the runtime's
    /// (the test's), is chrooted into its rootfs and the host's root is not
    /// pivoted. Its /proc is one the caller mounted in the rootfs.
    func testWithoutAMountNamespaceTheContainerIsChrootedInTheRuntimesOne() throws {
        let sb = try makeSandbox()
        try withoutAMountNamespace(sb)
        let before = readFile("/proc/self/mountinfo") ?? ""
        sb.bundle.args = ["sh", "-c", """
            echo mnt=$(readlink /proc/self/ns/mnt)
            echo marker=$(cat /marker-\(shortTestName))
            test -e \(sb.dir) && echo host-visible=yes || echo host-visible=no
            """]
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        let k = MountFixture.keyed(r.stdout)
        XCTAssertEqual(k["mnt"], readLink("/proc/self/ns/mnt"), "the runtime's mount namespace: \(r)")
        XCTAssertEqual(k["marker"], "in the rootfs", "\(r)")
        XCTAssertEqual(k["host-visible"], "no", "\(r)")
        let leaked = MountFixture.newMounts(before: before, now: readFile("/proc/self/mountinfo") ?? "", mentioning: sb.dir)
        MountFixture.hostUnmount(sb.bundle.rootfs)  // runc 1.1.5 binds the rootfs onto itself and leaves it
        if !Suite.isRunc { XCTAssertEqual(leaked, [], "nothing mounted in the runtime's namespace") }

        // Masks would cover the host's /proc: refused (runc too).
        var l = sb.bundle.linux
        l["maskedPaths"] = ["/proc/kcore"]
        sb.bundle.linux = l
        let id = sb.newID()
        XCTAssertFails(try sb.create(id), mentioning: ["requires a mount namespace", "without a private MNT namespace"])
        sb.assertNoTrace(of: id)
    }

    /// Without a mount namespace: `mounts` are refused, where runc makes them
    /// in the host's namespace and leaves them there; an exec'd process
    /// enters the container's root, where runc's runs in the host's.
    func testWithoutAMountNamespaceMountsAreRefusedAndExecEntersTheRoot() throws {
        try swrunOnly("runc 1.1.5 mounts in the host's namespace and execs in the host's root")
        let sb = try makeSandbox(args: ["sleep", "1000"])
        let mounts = sb.bundle.mounts
        try withoutAMountNamespace(sb)
        sb.bundle.mounts = mounts
        let refused = sb.newID()
        XCTAssertFails(try sb.create(refused), mentioning: ["mounts: requires a mount namespace"])
        sb.assertNoTrace(of: refused)

        sb.bundle.mounts = []
        let id = sb.newID()
        try sb.createAndStart(id)
        let r = sb.swrun(["exec", id, "sh", "-c", "cat /marker-\(shortTestName); test -e \(sb.dir) && echo host-visible; exit 0"])
        XCTAssertSucceeds(r)
        XCTAssertEqual(r.stdout, "in the rootfs\n", "\(r)")
    }

    func testUserNamespaceMappings() throws {
        let sb = try makeSandbox(args: ["sh", "-c",
                                        "cat /proc/self/uid_map /proc/self/gid_map > /host/maps; id -u > /host/id; touch /host/started; while :; do sleep 0.1; done"])
        sb.bundle.bind(sb.hostDir, at: "/host")
        sb.bundle.mapUserNamespace()
        sb.bundle.chownRootfs(uid: 100000, gid: 100000)
        let id = sb.newID()
        try sb.createAndStart(id)
        sb.waitForHostFile("started")
        let maps = lines(readFile(sb.hostDir + "/maps") ?? "").map {
            $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        }
        XCTAssertEqual(maps, ["0 100000 65536", "0 100000 65536"])
        XCTAssertEqual(trimmed(readFile(sb.hostDir + "/id") ?? ""), "0")
        let pid = sb.statePid(id) ?? 0
        let uids = procStatusField(pid, "Uid")?.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        XCTAssertEqual(uids?.first, "100000", "init's host uid")
        let gids = procStatusField(pid, "Gid")?.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        XCTAssertEqual(gids?.first, "100000", "init's host gid")
        XCTAssertNotEqual(readLink("/proc/\(pid)/ns/user"), readLink("/proc/self/ns/user"))
        // Files it creates on the host belong to the mapped uid.
        var st = stat()
        XCTAssertEqual(stat(sb.hostDir + "/started", &st), 0)
        XCTAssertEqual(st.st_uid, 100000)
    }

    func testTimeNamespace() throws {
        // runc 1.1.5 does not know the "time" namespace (added in runc 1.2 / OCI 1.1).
        try swrunOnly("time namespace")
        let sb = try makeSandbox(args: ["sh", "-c", "readlink /proc/self/ns/time; cut -d. -f1 /proc/uptime"])
        sb.bundle.setNamespace("time")
        var l = sb.bundle.linux
        l["timeOffsets"] = ["boottime": ["secs": 864000, "nanosecs": 0]]
        sb.bundle.linux = l
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        let out = lines(r.stdout)
        XCTAssertEqual(out.count, 2, "\(r)")
        XCTAssertNotEqual(out.first, readLink("/proc/self/ns/time"))
        let hostUptime = Int(readFile("/proc/uptime")?.split(separator: ".").first ?? "") ?? 0
        let inside = Int(out.last ?? "") ?? 0
        XCTAssertGreaterThanOrEqual(inside, hostUptime + 864000 - 5, "boottime offset not applied: \(r)")
    }

    /// Sysctls that would change the host, or fight another field, are
    /// refused before anything is made (as runc does): a network sysctl in
    /// a joined namespace that is the host's, and kernel.hostname.
    func testSysctlsThatWouldReachTheHostAreRefused() throws {
        let sb = try makeSandbox(args: ["true"])
        sb.bundle.setNamespace("network", path: "/proc/\(getpid())/ns/net")
        var l = sb.bundle.linux
        l["sysctl"] = ["net.ipv4.ip_forward": "1"]
        sb.bundle.linux = l
        let host = try sb.run(sb.newID())
        XCTAssertNotEqual(host.status, 0, "\(host)")
        XCTAssertTrue(host.stderr.contains("net.ipv4.ip_forward"), "\(host)")
        XCTAssertTrue(host.stderr.contains("host") || host.stderr.contains("runtime's own"), "\(host)")

        sb.bundle.setNamespace("network")
        l = sb.bundle.linux
        l["sysctl"] = ["kernel.hostname": "other"]
        sb.bundle.linux = l
        let hostname = try sb.run(sb.newID())
        XCTAssertNotEqual(hostname.status, 0, "\(hostname)")
        XCTAssertTrue(hostname.stderr.contains("kernel.hostname") && hostname.stderr.contains("conflicts"), "\(hostname)")
    }
}
