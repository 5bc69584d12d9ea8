import OCI
@testable import SwrunRuntime
import XCTest

/// What a caller that is not root changes in the plan: the id maps it may
/// write, the mounts a new user namespace can make, the limits it cannot set.
final class RootlessPlanTests: XCTestCase {
    func rootlessSpec(uid: UInt32 = 1000, gid: UInt32 = 1000) -> Spec {
        var spec = Spec.runcDefault(rootless: true, hostUID: uid, hostGID: gid)
        spec.process?.terminal = false
        spec.process?.args = ["true"]
        return spec
    }

    func compile(_ spec: Spec, caller: (uid: UInt32, gid: UInt32)?) throws -> InitPlan {
        var input = InitPlanInput(spec: spec, bundle: "/b", rootfs: "/b/rootfs", fifoPath: "/run/x/exec.fifo",
                                  sourceKind: { _ in .directory })
        input.unprivilegedCaller = caller
        input.cgroupBinds = [.init(name: "cpu", hostPath: "/sys/fs/cgroup/cpu/user.slice")]
        return try InitPlanCompiler.compile(input)
    }

    func testAnUnprivilegedCallerMakesTheInitDumpableUntilTheMaps() throws {
        let plan = try compile(rootlessSpec(), caller: (1000, 1000))
        XCTAssertEqual(Array(plan.steps.prefix(4)), [.deathSignal(9), .dumpable(true), .syncWait, .dumpable(false)])
        XCTAssertTrue(plan.setgroupsDenied, "its own gid alone: written after setgroups is denied")
        XCTAssertFalse(plan.steps.contains { if case .setgroups = $0 { return true } else { return false } },
                       "setgroups would fail in a namespace that denies it")
        let root = try compile(rootlessSpec(), caller: nil)
        XCTAssertEqual(Array(root.steps.prefix(2)), [.deathSignal(9), .syncWait])
        XCTAssertFalse(root.setgroupsDenied)
        XCTAssertTrue(root.steps.contains(.setgroups([])))
    }

    func testSubordinateGidsKeepSetgroups() throws {
        var spec = rootlessSpec()
        spec.linux?.gidMappings = [LinuxIDMapping(containerID: 0, hostID: 1000, size: 1),
                                   LinuxIDMapping(containerID: 1, hostID: 100_000, size: 65536)]
        spec.process?.user.additionalGids = [5]
        let plan = try compile(spec, caller: (1000, 1000))
        XCTAssertFalse(plan.setgroupsDenied, "newgidmap writes this map; setgroups stays allowed")
        XCTAssertTrue(plan.steps.contains(.setgroups([5])))
    }

    func testAdditionalGidsWithSetgroupsDeniedAreAnError() {
        var spec = rootlessSpec()
        spec.process?.user.additionalGids = [5]
        XCTAssertThrowsError(try compile(spec, caller: (1000, 1000))) { error in
            XCTAssertTrue("\(error)".contains("process.user.additionalGids"), "\(error)")
        }
    }

    func testSysfsWithoutAnOwnNetworkNamespaceIsTheHostsBound() {
        let sysfs = Mount(destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "ro"])
        var linux = rootlessSpec().linux!
        let bound = UserNamespaceMounts.adjust(sysfs, linux: linux)
        XCTAssertEqual(bound, Mount(destination: "/sys", type: "none", source: "/sys", options: ["rbind", "nosuid", "ro"]))
        linux.namespaces?.append(LinuxNamespace(type: "network"))
        XCTAssertEqual(UserNamespaceMounts.adjust(sysfs, linux: linux), sysfs, "a new network namespace takes a new sysfs")
    }

    func testDevptsKeepsOnlyAMappedGid() {
        let devpts = Mount(destination: "/dev/pts", type: "devpts", source: "devpts", options: ["newinstance", "gid=5", "mode=0620"])
        var linux = rootlessSpec().linux!
        XCTAssertEqual(UserNamespaceMounts.adjust(devpts, linux: linux).options, ["newinstance", "mode=0620"])
        linux.gidMappings = [LinuxIDMapping(containerID: 0, hostID: 100_000, size: 65536)]
        XCTAssertEqual(UserNamespaceMounts.adjust(devpts, linux: linux), devpts)
    }

    func testLimitsAreTheResourcesThatSetSomething() {
        XCTAssertEqual(RootlessCgroups.limits(nil), [])
        let unset = LinuxResources(devices: [LinuxDeviceCgroup(allow: false, access: "rwm")],
                                   memory: LinuxMemory(limit: 0, reservation: 0), cpu: LinuxCPU(shares: 0))
        XCTAssertEqual(RootlessCgroups.limits(unset), [], "zeros runc reads as unset, and device rules, set no limit")
        let set = LinuxResources(memory: LinuxMemory(limit: 1 << 30), pids: LinuxPids(limit: 64), unified: ["io.weight": "10"])
        XCTAssertEqual(RootlessCgroups.limits(set), ["linux.resources.memory", "linux.resources.pids", "linux.resources.unified"])
    }

    func testDeniedProbesTheDeepestExistingDirectory() throws {
        let dir = try makeTemporaryDirectory("rootless")
        defer { Sys.removeTree(dir) }
        XCTAssertNil(RootlessCgroups.denied([dir + "/a/b"]), "its owner may make a/b in it")
        // The integration tests (RootlessTests) see the refusal as a user.
        XCTAssertEqual(RootlessCgroups.parent(dir + "/a/b"), dir + "/a")
        XCTAssertEqual(RootlessCgroups.parent("/a"), "/")
    }
}
