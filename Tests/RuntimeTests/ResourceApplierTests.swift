import Glibc
import OCI
@testable import SwrunRuntime
import XCTest

/// Renders resources onto temporary directories laid out like a v1 and a
/// v2 hierarchy and compares the files written.
final class ResourceApplierTests: XCTestCase {
    var root = ""

    override func setUpWithError() throws {
        root = try makeTemporaryDirectory("cg")
    }

    override func tearDown() { Sys.removeTree(root) }

    func touch(_ dir: String, _ files: [String]) throws {
        try makeDirs(dir)
        for f in files { close(open(dir + "/" + f, O_CREAT | O_WRONLY, 0o644)) }
    }

    func makeDirs(_ dir: String) throws {
        var cur = ""
        for c in dir.split(separator: "/") {
            cur += "/" + c
            if !Sys.exists(cur) { try Sys.mkdir(cur, 0o755) }
        }
    }

    func read(_ path: String) -> String { (try? Sys.readText(path)) ?? "<missing>" }

    func v1Layout() throws -> ResourceApplier {
        let ctrls = ["memory", "cpu", "cpuset", "pids", "blkio", "net_cls"]
        for c in ctrls {
            try touch("\(root)/\(c)/c1", ["memory.limit_in_bytes", "memory.memsw.limit_in_bytes", "memory.soft_limit_in_bytes",
                                          "memory.swappiness", "memory.oom_control", "cpu.shares", "cpu.cfs_quota_us",
                                          "cpu.cfs_period_us", "cpuset.cpus", "cpuset.mems", "pids.max", "blkio.bfq.weight",
                                          "blkio.throttle.read_bps_device", "net_cls.classid"])
        }
        let hs = ctrls.map { CgroupHierarchy(mountPoint: "\(root)/\($0)", controllers: [$0], isV2: false, ownPath: "/") }
        return ResourceApplier(hierarchies: hs, paths: ctrls.map { "\(root)/\($0)/c1" }, fs: .host)
    }

    func testV1Files() throws {
        let a = try v1Layout()
        var r = LinuxResources()
        r.memory = LinuxMemory(limit: 1 << 26, reservation: 1 << 25, swap: 1 << 27, swappiness: 10, disableOOMKiller: true)
        r.cpu = LinuxCPU(shares: 512, quota: 50000, period: 100000, cpus: "0-1", mems: "0")
        r.pids = LinuxPids(limit: -1)
        r.blockIO = LinuxBlockIO(weight: 300, throttleReadBpsDevice: [LinuxThrottleDevice(major: 8, minor: 0, rate: 1024)])
        r.network = LinuxNetwork(classID: 0x100001)
        try a.apply(r)
        XCTAssertEqual(read("\(root)/memory/c1/memory.limit_in_bytes"), "67108864")
        XCTAssertEqual(read("\(root)/memory/c1/memory.memsw.limit_in_bytes"), "134217728")
        XCTAssertEqual(read("\(root)/memory/c1/memory.soft_limit_in_bytes"), "33554432")
        XCTAssertEqual(read("\(root)/memory/c1/memory.swappiness"), "10")
        XCTAssertEqual(read("\(root)/memory/c1/memory.oom_control"), "1")
        XCTAssertEqual(read("\(root)/cpu/c1/cpu.shares"), "512")
        XCTAssertEqual(read("\(root)/cpu/c1/cpu.cfs_quota_us"), "50000")
        XCTAssertEqual(read("\(root)/cpu/c1/cpu.cfs_period_us"), "100000")
        XCTAssertEqual(read("\(root)/cpuset/c1/cpuset.cpus"), "0-1")
        XCTAssertEqual(read("\(root)/pids/c1/pids.max"), "max", "-1 is no limit")
        XCTAssertEqual(read("\(root)/blkio/c1/blkio.bfq.weight"), "300", "BFQ's weight file when blkio.weight is absent")
        XCTAssertEqual(read("\(root)/blkio/c1/blkio.throttle.read_bps_device"), "8:0 1024")
        XCTAssertEqual(read("\(root)/net_cls/c1/net_cls.classid"), "1048577")
    }

    func testV1SwapIsWrittenFirstWhenRaisingPastTheCurrentSwapLimit() throws {
        let current: Int64 = 1 << 26
        let up = try MemoryV1.writes(LinuxMemory(limit: 1 << 27, swap: 1 << 28), currentSwapLimit: current)
        XCTAssertEqual(up.map(\.file), ["memory.memsw.limit_in_bytes", "memory.limit_in_bytes"])
        let down = try MemoryV1.writes(LinuxMemory(limit: 1 << 24, swap: 1 << 25), currentSwapLimit: current)
        XCTAssertEqual(down.map(\.file), ["memory.limit_in_bytes", "memory.memsw.limit_in_bytes"])
        XCTAssertEqual(try MemoryV1.writes(LinuxMemory(limit: -1), currentSwapLimit: nil).map(\.value), ["-1", "-1"],
                       "an unlimited limit lifts swap too")
    }

    func testV2FilesAndConversions() throws {
        try touch("\(root)/unified/c1", ["memory.max", "memory.swap.max", "memory.low", "cpu.weight", "cpu.max", "pids.max",
                                         "io.weight", "io.max", "hugetlb.2MB.max", "cpuset.cpus"])
        try Sys.writeAtomic("\(root)/unified/cgroup.controllers", Array("memory cpu io pids hugetlb cpuset\n".utf8))
        try Sys.writeAtomic("\(root)/unified/cgroup.subtree_control", Array("\n".utf8))
        let hs = [CgroupHierarchy(mountPoint: "\(root)/unified", controllers: [], isV2: true, ownPath: "/")]
        let a = ResourceApplier(hierarchies: hs, paths: ["\(root)/unified/c1"], fs: .host)
        var r = LinuxResources()
        r.memory = LinuxMemory(limit: 1 << 26, reservation: 1 << 25, swap: 1 << 27)
        r.cpu = LinuxCPU(shares: 1024, quota: -1, period: 50000)
        r.pids = LinuxPids(limit: 100)
        r.blockIO = LinuxBlockIO(weight: 500, throttleWriteIOPSDevice: [LinuxThrottleDevice(major: 8, minor: 16, rate: 200)])
        r.hugepageLimits = [LinuxHugepageLimit(pageSize: "2MB", limit: 1 << 22)]
        try a.apply(r)
        XCTAssertEqual(read("\(root)/unified/c1/memory.max"), "67108864")
        XCTAssertEqual(read("\(root)/unified/c1/memory.swap.max"), "67108864", "v2 swap excludes memory")
        XCTAssertEqual(read("\(root)/unified/c1/memory.low"), "33554432")
        XCTAssertEqual(read("\(root)/unified/c1/cpu.weight"), "39", "1024 shares")
        XCTAssertEqual(read("\(root)/unified/c1/cpu.max"), "max 50000")
        XCTAssertEqual(read("\(root)/unified/c1/pids.max"), "100")
        XCTAssertEqual(read("\(root)/unified/c1/io.weight"), "default 4950")
        XCTAssertEqual(read("\(root)/unified/c1/io.max"), "8:16 wiops=200")
        XCTAssertEqual(read("\(root)/unified/c1/hugetlb.2MB.max"), "4194304")
        XCTAssertEqual(read("\(root)/unified/cgroup.subtree_control"), "+hugetlb", "controllers enabled in the parent (the last write)")
    }

    func testBadValuesNameTheField() throws {
        let a = try v1Layout()
        let cases: [(LinuxResources, String)] = [
            (LinuxResources(memory: LinuxMemory(swappiness: 101)), "linux.resources.memory.swappiness"),
            (LinuxResources(memory: LinuxMemory(limit: 1 << 26, swap: 1 << 20)), "linux.resources.memory.swap"),
            (LinuxResources(cpu: LinuxCPU(cpus: "zero")), "linux.resources.cpu.cpus"),
            (LinuxResources(blockIO: LinuxBlockIO(weight: 1001)), "linux.resources.blockIO.weight"),
            (LinuxResources(hugepageLimits: [LinuxHugepageLimit(pageSize: "2XB", limit: 1)]), "linux.resources.hugepageLimits"),
            (LinuxResources(unified: ["memory.max": "1"]), "linux.resources.unified"),
            (LinuxResources(rdma: ["mlx": LinuxRdma(hcaHandles: 1)]), "linux.resources.rdma"),
        ]
        for (r, field) in cases {
            XCTAssertThrowsError(try a.apply(r), field) { XCTAssertTrue("\($0)".contains(field), "\($0)") }
        }
    }

    func testCpuSharesToWeight() {
        XCTAssertEqual(CpuV2.weight(shares: 2), 1)
        XCTAssertEqual(CpuV2.weight(shares: 1024), 39)
        XCTAssertEqual(CpuV2.weight(shares: 262144), 10000)
    }
}
