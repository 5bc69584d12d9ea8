import Glibc
import OCI
@testable import SwrunRuntime
import XCTest

/// Which driver a host gets, from a mountinfo and file system types given
/// by the test.
final class CgroupLayoutTests: XCTestCase {
    let hybridMountinfo = """
    30 24 0:26 / /sys/fs/cgroup ro,nosuid - tmpfs tmpfs ro,mode=755
    31 30 0:27 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw
    33 30 0:29 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct
    34 30 0:30 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory
    """
    let procCgroup = """
    4:memory:/m
    3:cpu,cpuacct:/c
    0::/u
    """
    let cgroup2 = CgroupLayout.cgroup2Magic
    let cgroup1 = CgroupLayout.cgroupMagic
    let tmpfs = 0x0102_1994

    func types(_ table: [String: Int]) -> (String) -> Int? { { table[$0] } }

    func testHybridWhenUnifiedIsCgroup2BesideV1() throws {
        let layout = CgroupLayout.detect(mountinfo: hybridMountinfo, procCgroup: procCgroup, fileSystemType: types([
            "/sys/fs/cgroup": tmpfs, "/sys/fs/cgroup/unified": cgroup2,
            "/sys/fs/cgroup/cpu,cpuacct": cgroup1, "/sys/fs/cgroup/memory": cgroup1,
        ]))
        XCTAssertEqual(layout.kind, .hybrid)
        XCTAssertEqual(layout.hierarchies.map(\.mountPoint), ["/sys/fs/cgroup/unified", "/sys/fs/cgroup/cpu,cpuacct", "/sys/fs/cgroup/memory"])
        XCTAssertTrue(try layout.driver(cgroupsPath: nil, id: "c") is HybridDriver)
    }

    func testV1WithoutUnifiedIgnoresOtherCgroup2Mounts() {
        let mountinfo = hybridMountinfo + "\n40 24 0:40 / /mnt/elsewhere rw - cgroup2 cgroup2 rw"
        let layout = CgroupLayout.detect(mountinfo: mountinfo, procCgroup: procCgroup, fileSystemType: types([
            "/sys/fs/cgroup": tmpfs, "/sys/fs/cgroup/unified": tmpfs, "/mnt/elsewhere": cgroup2,
            "/sys/fs/cgroup/cpu,cpuacct": cgroup1, "/sys/fs/cgroup/memory": cgroup1,
        ]))
        XCTAssertEqual(layout.kind, .v1)
        XCTAssertEqual(layout.hierarchies.map(\.mountPoint), ["/sys/fs/cgroup/cpu,cpuacct", "/sys/fs/cgroup/memory"])
        XCTAssertEqual(layout.hierarchies.map(\.ownPath), ["/c", "/m"])
    }

    /// cgroup2 mounted over /sys/fs/cgroup in a mount namespace: mountinfo
    /// and /proc/self/cgroup still list the v1 hierarchies it hides.
    func testV2WhenCgroup2IsMountedOverTheRootEvenWithV1Listed() throws {
        let mountinfo = hybridMountinfo + "\n50 30 0:27 / /sys/fs/cgroup rw - cgroup2 none rw"
        let layout = CgroupLayout.detect(mountinfo: mountinfo, procCgroup: procCgroup, fileSystemType: types([
            "/sys/fs/cgroup": cgroup2, "/sys/fs/cgroup/cpu,cpuacct": cgroup1, "/sys/fs/cgroup/memory": cgroup1,
        ]))
        XCTAssertEqual(layout.kind, .v2)
        XCTAssertEqual(layout.hierarchies, [CgroupHierarchy(mountPoint: "/sys/fs/cgroup", controllers: [], isV2: true, ownPath: "/u")])
        let driver = try layout.driver(cgroupsPath: nil, id: "c1")
        XCTAssertTrue(driver is V2Driver)
        // v2: below the parent of the own cgroup (/u), as runc's fs2.
        XCTAssertEqual(driver.paths, ["/sys/fs/cgroup/c1"])
    }

    func testHiddenV1MountsAreLeftOut() {
        let layout = CgroupLayout.detect(mountinfo: hybridMountinfo, procCgroup: procCgroup, fileSystemType: types([
            "/sys/fs/cgroup": tmpfs, "/sys/fs/cgroup/memory": cgroup1,
        ]))
        XCTAssertEqual(layout.kind, .v1)
        XCTAssertEqual(layout.hierarchies.map(\.mountPoint), ["/sys/fs/cgroup/memory"])
    }

    func testThisHostsStatfs() {
        XCTAssertNotNil(CgroupLayout.statfsType("/proc"))
        XCTAssertEqual(CgroupLayout.statfsType("/proc"), 0x9fa0, "PROC_SUPER_MAGIC")
        XCTAssertNil(CgroupLayout.statfsType("/nonexistent/path"))
    }
}

/// The drivers on temporary trees laid out like /sys/fs/cgroup: fake
/// files that take writes as cgroupfs does (no truncation) and read back.
final class CgroupDriverTests: XCTestCase {
    var root = ""

    override func setUpWithError() throws { root = try makeTemporaryDirectory("cgdriver") }
    override func tearDown() { Sys.removeTree(root) }

    func write(_ path: String, _ text: String) throws {
        var cur = ""
        for c in path.split(separator: "/").dropLast() {
            cur += "/" + c
            if !Sys.exists(cur) { try Sys.mkdir(cur, 0o755) }
        }
        try Sys.writeAtomic(path, Array(text.utf8))
    }

    func read(_ path: String) -> String { (try? Sys.readText(path)) ?? "<missing>" }

    func v1(_ controllers: [String]) -> CgroupHierarchy {
        CgroupHierarchy(mountPoint: "\(root)/\(controllers.joined(separator: ","))", controllers: controllers, isV2: false, ownPath: "/")
    }

    var unified: CgroupHierarchy { CgroupHierarchy(mountPoint: "\(root)/unified", controllers: [], isV2: true, ownPath: "/") }

    /// A v1 tree: each hierarchy's mount point exists.
    func v1Driver(_ hierarchies: [[String]], path: String = "/pods/c1") throws -> V1Driver {
        let hs = hierarchies.map(v1)
        for h in hs { try Sys.mkdir(h.mountPoint, 0o755) }
        return V1Driver(ContainerCgroups(hierarchies: hs, cgroupsPath: path, id: "c1"))
    }

    func testV1CreateMakesTheDirectoryInEachHierarchy() throws {
        let driver = try v1Driver([["cpu"], ["name=systemd"]])
        XCTAssertEqual(driver.paths, ["\(root)/cpu/pods/c1", "\(root)/name=systemd/pods/c1"])
        try Sys.mkdir("\(root)/cpu/pods", 0o755)
        let missing = driver.missingDirectories()
        XCTAssertEqual(Set(missing), ["\(root)/cpu/pods/c1", "\(root)/name=systemd/pods/c1", "\(root)/name=systemd/pods"])
        let made = try driver.create()
        XCTAssertEqual(Set(made), Set(missing))
        XCTAssertEqual(made.first, "\(root)/name=systemd/pods/c1", "longest first: children before parents")
        XCTAssertTrue(Sys.isDirectory("\(root)/cpu/pods/c1"))
        XCTAssertEqual(driver.missingDirectories(), [])
    }

    func testV1DestroyRemovesOnlyWhatWasMade() throws {
        let made = try v1Driver([["cpu"]]).create()
        XCTAssertEqual(made, ["\(root)/cpu/pods/c1", "\(root)/cpu/pods"])
        let recorded = V1Driver(ContainerCgroups(recorded: ["\(root)/cpu/pods/c1"], created: ["\(root)/cpu/pods/c1"], in: [v1(["cpu"])]))
        recorded.destroy()
        XCTAssertFalse(Sys.exists("\(root)/cpu/pods/c1"))
        XCTAssertTrue(Sys.isDirectory("\(root)/cpu/pods"), "a parent swrun did not record as made stays")
    }

    func testV1FreezeWritesFreezerStateAndRefusesAFrozenCgroup() throws {
        let driver = try v1Driver([["freezer"]])
        _ = try driver.create()
        try write("\(root)/freezer/pods/c1/freezer.state", "THAWED\n")
        XCTAssertNoThrow(try driver.checkNotFrozen())
        try driver.freeze()
        XCTAssertEqual(read("\(root)/freezer/pods/c1/freezer.state"), "FROZEN\n")
        XCTAssertTrue(driver.isFrozen())
        XCTAssertThrowsError(try driver.checkNotFrozen()) {
            XCTAssertEqual("\($0)", "container's cgroup is frozen: \(root)/freezer/pods/c1/freezer.state reads FROZEN; thaw it first")
        }
        try driver.thaw()
        XCTAssertFalse(driver.isFrozen())
    }

    func testV1WithoutFreezerCannotPause() throws {
        XCTAssertThrowsError(try v1Driver([["cpu"]]).freeze()) {
            XCTAssertTrue("\($0)".contains("pause: this host has neither a v1 freezer nor cgroup v2"), "\($0)")
        }
    }

    func testV1DeviceRulesDenyAllThenEachRule() throws {
        let driver = try v1Driver([["devices"]])
        _ = try driver.create()
        try write("\(root)/devices/pods/c1/devices.deny", "")
        try write("\(root)/devices/pods/c1/devices.allow", "")
        try driver.apply(deviceRules: [DeviceRule(allow: true, type: "c", major: 1, minor: 3, access: "rwm")])
        XCTAssertEqual(read("\(root)/devices/pods/c1/devices.deny"), "a")
        XCTAssertEqual(read("\(root)/devices/pods/c1/devices.allow"), "c 1:3 rwm")
    }

    func testV1StatsParse() throws {
        let driver = try v1Driver([["cpu", "cpuacct"], ["memory"], ["pids"]])
        let cpu = "\(root)/cpu,cpuacct/pods/c1", mem = "\(root)/memory/pods/c1", pids = "\(root)/pids/pods/c1"
        try write(cpu + "/cpuacct.usage", "5000\n")
        try write(cpu + "/cpuacct.usage_percpu", "2000 3000 \n")
        try write(cpu + "/cpuacct.stat", "user 2\nsystem 1\n")
        try write(cpu + "/cpu.stat", "nr_periods 10\nnr_throttled 3\nthrottled_time 900\n")
        try write(mem + "/memory.usage_in_bytes", "4096\n")
        try write(mem + "/memory.limit_in_bytes", "9223372036854771712\n")
        try write(mem + "/memory.stat", "cache 100\ntotal_cache 200\n")
        try write(mem + "/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n")
        try write(pids + "/pids.current", "3\n")
        try write(pids + "/pids.max", "max\n")
        let s = driver.stats()
        XCTAssertEqual(s.cpu.usage.total, 5000)
        XCTAssertEqual(s.cpu.usage.percpu, [2000, 3000])
        XCTAssertEqual(s.cpu.usage.user, 20_000_000, "USER_HZ ticks in nanoseconds")
        XCTAssertEqual(s.cpu.throttling.throttledPeriods, 3)
        XCTAssertEqual(s.cpu.throttling.throttledTime, 900)
        XCTAssertEqual(s.memory.usage.usage, 4096)
        XCTAssertEqual(s.memory.cache, 200, "total_cache first")
        XCTAssertEqual(s.pids.current, 3)
        XCTAssertEqual(s.pids.limit, UInt64.max)
        XCTAssertEqual(driver.oomKills(), 2)
    }

    /// A v2 tree: the root lists its controllers, and enables none yet.
    func v2Driver(path: String = "/pods/c1") throws -> V2Driver {
        try write("\(root)/unified/cgroup.controllers", "memory pids\n")
        try write("\(root)/unified/cgroup.subtree_control", "")
        return V2Driver(ContainerCgroups(hierarchies: [unified], cgroupsPath: path, id: "c1"))
    }

    func testV2ApplyEnablesControllersInEveryParent() throws {
        let driver = try v2Driver()
        XCTAssertEqual(try driver.create(), ["\(root)/unified/pods/c1", "\(root)/unified/pods"])
        // create enables what the host offers; apply, what a limit needs.
        XCTAssertEqual(read("\(root)/unified/cgroup.subtree_control"), "+memory +pids")
        try write("\(root)/unified/cgroup.subtree_control", "")
        try write("\(root)/unified/pods/cgroup.subtree_control", "")
        try write("\(root)/unified/pods/c1/pids.max", "")
        try driver.apply(LinuxResources(pids: LinuxPids(limit: 50)))
        XCTAssertEqual(read("\(root)/unified/cgroup.subtree_control"), "+pids")
        XCTAssertEqual(read("\(root)/unified/pods/cgroup.subtree_control"), "+pids")
        XCTAssertEqual(read("\(root)/unified/pods/c1/pids.max"), "50")
        XCTAssertThrowsError(try driver.apply(LinuxResources(cpu: LinuxCPU(shares: 512)))) {
            XCTAssertEqual("\($0)", "linux.resources.cpu: the cpu controller is not available on this host")
        }
    }

    func testV2FreezeWritesCgroupFreezeAndWaitsForEvents() throws {
        let driver = try v2Driver()
        _ = try driver.create()
        let dir = "\(root)/unified/pods/c1"
        try write(dir + "/cgroup.freeze", "0\n")
        try write(dir + "/cgroup.events", "populated 1\nfrozen 1\n")
        try driver.freeze()
        XCTAssertEqual(read(dir + "/cgroup.freeze"), "1\n")
        XCTAssertTrue(driver.isFrozen())
        XCTAssertThrowsError(try driver.checkNotFrozen()) { XCTAssertTrue("\($0)".contains("cgroup.freeze or a parent's"), "\($0)") }
        XCTAssertThrowsError(try driver.thaw(), "the kernel never reports frozen 0") {
            XCTAssertEqual("\($0)", "thaw did not complete: \(dir)/cgroup.events never read \"frozen 0\"")
        }
        driver.thawForKill([dir])
        XCTAssertEqual(read(dir + "/cgroup.freeze"), "0\n")
    }

    func testV2KillAtOnceWritesCgroupKillOfMadeCgroupsOnly() throws {
        let made = "\(root)/unified/c1", shared = "\(root)/unified/c2"
        try write(made + "/cgroup.kill", "")
        try write(shared + "/cgroup.kill", "")
        let driver = V2Driver(ContainerCgroups(recorded: [made], created: [made], in: [unified]))
        driver.killAtOnce()
        XCTAssertEqual(read(made + "/cgroup.kill"), "1")
        XCTAssertEqual(V2Driver(ContainerCgroups(recorded: [shared], created: [], in: [unified])).cgroups.madePaths, [])
        XCTAssertEqual(read(shared + "/cgroup.kill"), "")
    }

    func testV2StatsParseAndCloneTarget() throws {
        let driver = try v2Driver()
        _ = try driver.create()
        let dir = "\(root)/unified/pods/c1"
        try write(dir + "/cpu.stat", "usage_usec 7\nuser_usec 4\nsystem_usec 3\nnr_periods 2\nnr_throttled 1\nthrottled_usec 5\n")
        try write(dir + "/memory.current", "8192\n")
        try write(dir + "/memory.max", "max\n")
        try write(dir + "/memory.stat", "anon 1\nfile 300\n")
        try write(dir + "/memory.events", "low 0\noom 1\noom_kill 4\n")
        try write(dir + "/hugetlb.2MB.current", "2097152\n")
        try write(dir + "/hugetlb.2MB.events", "max 6\n")
        let s = driver.stats()
        XCTAssertEqual(s.cpu.usage.total, 7000)
        XCTAssertEqual(s.cpu.throttling.throttledTime, 5000)
        XCTAssertEqual(s.memory.usage.usage, 8192)
        XCTAssertEqual(s.memory.usage.limit, UInt64.max)
        XCTAssertEqual(s.memory.cache, 300)
        XCTAssertEqual(s.hugetlb["2MB"]?.usage, 2_097_152)
        XCTAssertEqual(s.hugetlb["2MB"]?.failcnt, 6)
        XCTAssertEqual(driver.oomKills(), 4)
        let fd = driver.openCloneTarget()
        XCTAssertGreaterThanOrEqual(fd, 0)
        Sys.close(fd)
    }

    func testHybridUsesV1WhereItHasTheControllerAndV2Otherwise() throws {
        for d in ["freezer", "cpu,cpuacct", "unified"] { try Sys.mkdir("\(root)/\(d)", 0o755) }
        let hs = [unified, v1(["freezer"]), v1(["cpu", "cpuacct"])]
        let driver = HybridDriver(ContainerCgroups(hierarchies: hs, cgroupsPath: "/c1", id: "c1"))
        _ = try driver.create()
        try write("\(root)/freezer/c1/freezer.state", "THAWED\n")
        try write("\(root)/unified/c1/cgroup.freeze", "0\n")
        try driver.freeze()
        XCTAssertEqual(read("\(root)/freezer/c1/freezer.state"), "FROZEN\n")
        XCTAssertEqual(read("\(root)/unified/c1/cgroup.freeze"), "0\n", "the v1 freezer pauses a hybrid container")
        try write("\(root)/unified/c1/cpu.stat", "usage_usec 1\n")
        try write("\(root)/unified/c1/hugetlb.1GB.current", "0\n")
        try write("\(root)/cpu,cpuacct/c1/cpuacct.usage", "42\n")
        let s = driver.stats()
        XCTAssertEqual(s.cpu.usage.total, 42, "v1 cpuacct over v2 cpu.stat")
        XCTAssertNotNil(s.hugetlb["1GB"], "hugetlb from v2")
        let fd = driver.openCloneTarget()
        XCTAssertGreaterThanOrEqual(fd, 0, "born in the v2 cgroup")
        Sys.close(fd)
    }

    func testDeviceRulesGoToV2WithoutAV1DevicesController() throws {
        let hybrid = HybridDriver(ContainerCgroups(hierarchies: [v1(["cpu"])], paths: ["\(root)/cpu/c1"]))
        XCTAssertThrowsError(try hybrid.apply(deviceRules: DeviceRule.defaults)) {
            XCTAssertTrue("\($0)".contains("neither a v1 devices controller nor a cgroup v2 hierarchy"), "\($0)")
        }
    }

    /// A record without a driver gets the kind its paths show; a recorded
    /// kind keeps paths out of the other version's hierarchies.
    func testDriverOfARecord() {
        let mounted = [unified, v1(["cpu"])]
        let v1Path = "\(root)/cpu/c1", v2Path = "\(root)/unified/c1"
        XCTAssertTrue(CgroupDrivers.forContainer(kind: nil, paths: [v1Path], created: [], mounted: mounted) is V1Driver)
        XCTAssertTrue(CgroupDrivers.forContainer(kind: nil, paths: [v2Path], created: [], mounted: mounted) is V2Driver)
        XCTAssertTrue(CgroupDrivers.forContainer(kind: nil, paths: [v2Path, v1Path], created: [], mounted: mounted) is HybridDriver)
        let v2 = CgroupDrivers.forContainer(kind: .v2, paths: [v2Path, v1Path], created: [v2Path], mounted: mounted)
        XCTAssertTrue(v2 is V2Driver)
        XCTAssertEqual(v2.paths, [v2Path])
        XCTAssertEqual(v2.cgroups.madePaths, [v2Path])
    }
}
