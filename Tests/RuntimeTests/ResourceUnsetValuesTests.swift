import Glibc
import OCI
@testable import SwrunRuntime
import XCTest

/// One test per `linux.resources` field: which value means "not set"
/// (nothing written), which means "unlimited", which the kernel would
/// refuse. The rules are runc's, as Specs/resources.md lists them.
final class ResourceUnsetValuesTests: XCTestCase {
    var root = ""

    override func setUpWithError() throws { root = try makeTemporaryDirectory("unset") }
    override func tearDown() { Sys.removeTree(root) }

    /// Files of a v1 layout, one hierarchy per controller, each empty so
    /// that a write shows (writes do not truncate, as in cgroupfs).
    func v1(_ files: [String: [String]]) throws -> ResourceApplier {
        var hs: [CgroupHierarchy] = [], paths: [String] = []
        for (controller, names) in files.sorted(by: { $0.key < $1.key }) {
            let dir = "\(root)/\(controller)/c"
            try Sys.mkdir("\(root)/\(controller)", 0o755)
            try Sys.mkdir(dir, 0o755)
            for n in names { try Sys.writeAtomic(dir + "/" + n, []) }
            hs.append(CgroupHierarchy(mountPoint: "\(root)/\(controller)", controllers: [controller], isV2: false, ownPath: "/"))
            paths.append(dir)
        }
        return ResourceApplier(hierarchies: hs, paths: paths, fs: .host)
    }

    func v2(_ names: [String]) throws -> ResourceApplier {
        try Sys.mkdir("\(root)/u", 0o755)
        try Sys.mkdir("\(root)/u/c", 0o755)
        try Sys.writeAtomic("\(root)/u/cgroup.controllers", Array("memory cpu cpuset io pids\n".utf8))
        try Sys.writeAtomic("\(root)/u/cgroup.subtree_control", Array("memory cpu cpuset io pids\n".utf8))
        for n in names { try Sys.writeAtomic("\(root)/u/c/" + n, []) }
        return ResourceApplier(hierarchies: [CgroupHierarchy(mountPoint: "\(root)/u", controllers: [], isV2: true, ownPath: "/")],
                               paths: ["\(root)/u/c"], fs: .host)
    }

    let untouched = ""

    func file(_ path: String) -> String { (try? Sys.readText(root + "/" + path)) ?? "<missing>" }

    // MARK: memory

    func testMemoryLimitZeroIsUnsetMinusOneIsUnlimited() throws {
        let a = try v1(["memory": ["memory.limit_in_bytes", "memory.memsw.limit_in_bytes"]])
        try a.apply(LinuxResources(memory: LinuxMemory(limit: 0)))
        XCTAssertEqual(file("memory/c/memory.limit_in_bytes"), untouched)
        try a.apply(LinuxResources(memory: LinuxMemory(limit: -1)))
        XCTAssertEqual(file("memory/c/memory.limit_in_bytes"), "-1")
        XCTAssertEqual(file("memory/c/memory.memsw.limit_in_bytes"), "-1", "unlimited memory lifts swap too")
    }

    func testMemoryUnlimitedWithoutSwapAccountingWritesNoSwap() throws {
        let a = try v1(["memory": ["memory.limit_in_bytes"]])
        try a.apply(LinuxResources(memory: LinuxMemory(limit: -1)))
        XCTAssertEqual(file("memory/c/memory.limit_in_bytes"), "-1")
    }

    func testMemorySwapZeroIsUnset() throws {
        let a = try v1(["memory": ["memory.limit_in_bytes", "memory.memsw.limit_in_bytes"]])
        try a.apply(LinuxResources(memory: LinuxMemory(limit: 1 << 26, swap: 0)))
        XCTAssertEqual(file("memory/c/memory.limit_in_bytes"), "67108864")
        XCTAssertEqual(file("memory/c/memory.memsw.limit_in_bytes"), untouched)
        XCTAssertThrowsError(try a.apply(LinuxResources(memory: LinuxMemory(limit: 1 << 26, swap: 1 << 20)))) {
            XCTAssertTrue("\($0)".contains("linux.resources.memory.swap"), "\($0)")
        }
    }

    func testMemoryReservationZeroIsUnsetMinusOneIsUnlimited() throws {
        let a = try v1(["memory": ["memory.soft_limit_in_bytes"]])
        try a.apply(LinuxResources(memory: LinuxMemory(reservation: 0)))
        XCTAssertEqual(file("memory/c/memory.soft_limit_in_bytes"), untouched)
        try a.apply(LinuxResources(memory: LinuxMemory(reservation: -1)))
        XCTAssertEqual(file("memory/c/memory.soft_limit_in_bytes"), "-1")
        let b = try v2(["memory.low"])
        try b.apply(LinuxResources(memory: LinuxMemory(reservation: -1)))
        XCTAssertEqual(file("u/c/memory.low"), "max")
    }

    func testKernelMemoryZeroIsUnsetEvenOnV2() throws {
        let a = try v2(["memory.max"])
        try a.apply(LinuxResources(memory: LinuxMemory(kernel: 0, kernelTCP: 0)))
        XCTAssertThrowsError(try a.apply(LinuxResources(memory: LinuxMemory(kernel: 1 << 20)))) {
            XCTAssertTrue("\($0)".contains("linux.resources.memory.kernel"), "\($0)")
        }
    }

    func testSwappinessZeroIsAValueAboveHundredIsRefused() throws {
        let a = try v1(["memory": ["memory.swappiness"]])
        try a.apply(LinuxResources(memory: LinuxMemory(swappiness: 0)))
        XCTAssertEqual(file("memory/c/memory.swappiness"), "0")
        XCTAssertThrowsError(try a.apply(LinuxResources(memory: LinuxMemory(swappiness: 101))))
    }

    func testV2SwapZeroIsUnsetMinusOneIsMax() throws {
        let a = try v2(["memory.max", "memory.swap.max"])
        try a.apply(LinuxResources(memory: LinuxMemory(limit: 1 << 26, swap: 0)))
        XCTAssertEqual(file("u/c/memory.swap.max"), untouched)
        try a.apply(LinuxResources(memory: LinuxMemory(limit: 1 << 26, swap: 1 << 26)))
        XCTAssertEqual(file("u/c/memory.swap.max"), "0", "swap equal to the limit: no swap")
        try a.apply(LinuxResources(memory: LinuxMemory(swap: -1)))
        XCTAssertEqual(file("u/c/memory.swap.max"), "max")
        XCTAssertThrowsError(try a.apply(LinuxResources(memory: LinuxMemory(swap: 1 << 27)))) {
            XCTAssertTrue("\($0)".contains("needs memory.limit"), "\($0)")
        }
    }

    // MARK: cpu

    func testCpuSharesZeroIsUnset() throws {
        let a = try v1(["cpu": ["cpu.shares"]])
        try a.apply(LinuxResources(cpu: LinuxCPU(shares: 0)))
        XCTAssertEqual(file("cpu/c/cpu.shares"), untouched)
        try a.apply(LinuxResources(cpu: LinuxCPU(shares: 512)))
        XCTAssertEqual(file("cpu/c/cpu.shares"), "512")
        let b = try v2(["cpu.weight"])
        try b.apply(LinuxResources(cpu: LinuxCPU(shares: 0)))
        XCTAssertEqual(file("u/c/cpu.weight"), untouched)
    }

    func testCpuSharesTheKernelClampsAreRefused() throws {
        // The fake file keeps what is written; make it answer as the kernel
        // does for 1 share (it stores 2).
        var a = try v1(["cpu": ["cpu.shares"]])
        a.fs.read = { $0.hasSuffix("cpu.shares") ? "2\n" : (try? Sys.readText($0)) }
        XCTAssertThrowsError(try a.apply(LinuxResources(cpu: LinuxCPU(shares: 1)))) {
            XCTAssertTrue("\($0)".contains("linux.resources.cpu.shares") && "\($0)".contains("2-262144"), "\($0)")
        }
    }

    func testCpuQuotaAndPeriodZeroAreUnsetMinusOneQuotaIsUnlimited() throws {
        let a = try v1(["cpu": ["cpu.cfs_quota_us", "cpu.cfs_period_us"]])
        try a.apply(LinuxResources(cpu: LinuxCPU(quota: 0, period: 0)))
        XCTAssertEqual(file("cpu/c/cpu.cfs_quota_us"), untouched)
        XCTAssertEqual(file("cpu/c/cpu.cfs_period_us"), untouched)
        try a.apply(LinuxResources(cpu: LinuxCPU(quota: -1)))
        XCTAssertEqual(file("cpu/c/cpu.cfs_quota_us"), "-1")
        let b = try v2(["cpu.max"])
        try b.apply(LinuxResources(cpu: LinuxCPU(quota: 0, period: 0)))
        XCTAssertEqual(file("u/c/cpu.max"), untouched)
        try b.apply(LinuxResources(cpu: LinuxCPU(quota: 50000)))
        XCTAssertEqual(file("u/c/cpu.max"), "50000", "no period: the kernel keeps the cgroup's")
        try b.apply(LinuxResources(cpu: LinuxCPU(quota: -1, period: 20000)))
        XCTAssertEqual(file("u/c/cpu.max"), "max 20000")
    }

    func testRealtimeZeroIsUnsetEvenOnV2() throws {
        let a = try v1(["cpu": ["cpu.rt_period_us", "cpu.rt_runtime_us"]])
        try a.apply(LinuxResources(cpu: LinuxCPU(realtimeRuntime: 0, realtimePeriod: 0)))
        XCTAssertEqual(file("cpu/c/cpu.rt_period_us"), untouched)
        let b = try v2(["cpu.max"])
        try b.apply(LinuxResources(cpu: LinuxCPU(realtimeRuntime: 0, realtimePeriod: 0)))
        XCTAssertThrowsError(try b.apply(LinuxResources(cpu: LinuxCPU(realtimeRuntime: 1000)))) {
            XCTAssertTrue("\($0)".contains("linux.resources.cpu.realtimeRuntime"), "\($0)")
        }
    }

    func testCpusetEmptyIsUnset() throws {
        let a = try v1(["cpuset": ["cpuset.cpus", "cpuset.mems"]])
        try a.apply(LinuxResources(cpu: LinuxCPU(cpus: "", mems: "")))
        XCTAssertEqual(file("cpuset/c/cpuset.cpus"), untouched)
        XCTAssertEqual(file("cpuset/c/cpuset.mems"), untouched)
    }

    func testCpuBurstAndIdleZeroAreValues() throws {
        let a = try v1(["cpu": ["cpu.cfs_burst_us", "cpu.idle"]])
        try a.apply(LinuxResources(cpu: LinuxCPU(burst: 0, idle: 0)))
        XCTAssertEqual(file("cpu/c/cpu.cfs_burst_us"), "0")
        XCTAssertEqual(file("cpu/c/cpu.idle"), "0")
    }

    // MARK: pids, blockIO, network

    func testPidsZeroIsUnsetNegativeIsMax() throws {
        let a = try v1(["pids": ["pids.max"]])
        try a.apply(LinuxResources(pids: LinuxPids(limit: 0)))
        XCTAssertEqual(file("pids/c/pids.max"), untouched)
        try a.apply(LinuxResources(pids: LinuxPids(limit: 7)))
        XCTAssertEqual(file("pids/c/pids.max"), "7")
        try a.apply(LinuxResources(pids: LinuxPids(limit: -1)))
        XCTAssertEqual(file("pids/c/pids.max"), "max")
    }

    func testBlkioWeightZeroIsUnsetOutOfRangeIsRefused() throws {
        let a = try v1(["blkio": ["blkio.weight", "blkio.leaf_weight", "blkio.weight_device"]])
        try a.apply(LinuxResources(blockIO: LinuxBlockIO(weight: 0, leafWeight: 0,
                                                         weightDevice: [LinuxWeightDevice(major: 8, minor: 0, weight: 0)])))
        XCTAssertEqual(file("blkio/c/blkio.weight"), untouched)
        XCTAssertEqual(file("blkio/c/blkio.leaf_weight"), untouched)
        XCTAssertEqual(file("blkio/c/blkio.weight_device"), untouched)
        XCTAssertThrowsError(try a.apply(LinuxResources(blockIO: LinuxBlockIO(weight: 5)))) {
            XCTAssertTrue("\($0)".contains("linux.resources.blockIO.weight: 5 is outside 10-1000"), "\($0)")
        }
        try a.apply(LinuxResources(blockIO: LinuxBlockIO(weight: 10)))
        XCTAssertEqual(file("blkio/c/blkio.weight"), "10")
    }

    func testBfqWeightTakesOneToThousand() throws {
        let a = try v1(["blkio": ["blkio.bfq.weight"]])
        try a.apply(LinuxResources(blockIO: LinuxBlockIO(weight: 1)))
        XCTAssertEqual(file("blkio/c/blkio.bfq.weight"), "1")
        let b = try v2(["io.weight"])
        try b.apply(LinuxResources(blockIO: LinuxBlockIO(weight: 0)))
        XCTAssertEqual(file("u/c/io.weight"), untouched)
        XCTAssertThrowsError(try b.apply(LinuxResources(blockIO: LinuxBlockIO(weight: 1))))
    }

    func testNetClassIDZeroIsUnset() throws {
        let a = try v1(["net_cls": ["net_cls.classid"]])
        try a.apply(LinuxResources(network: LinuxNetwork(classID: 0)))
        XCTAssertEqual(file("net_cls/c/net_cls.classid"), untouched)
    }

    /// What Docker 20.10 writes into every config.json when the user sets
    /// nothing: it must apply and write nothing, on v1 and on v2.
    func testDockerDefaultsWriteNothing() throws {
        let docker = LinuxResources(memory: LinuxMemory(limit: 0, reservation: 0, swap: 0, kernel: 0, kernelTCP: 0),
                                    cpu: LinuxCPU(shares: 0, quota: 0, period: 0, realtimeRuntime: 0, realtimePeriod: 0, cpus: "", mems: ""),
                                    pids: LinuxPids(limit: 0), blockIO: LinuxBlockIO(weight: 0))
        XCTAssertTrue(try v2([]).plan(docker).isEmpty)
        let a = try v1(["memory": [], "cpu": [], "cpuset": [], "pids": [], "blkio": []])
        XCTAssertTrue(try a.plan(docker).isEmpty)
        try a.apply(docker)
    }
}
