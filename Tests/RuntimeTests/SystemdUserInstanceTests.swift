import Glibc
import OCI
@testable import SwrunRuntime
import XCTest

/// The systemd user manager as the driver of rootless scopes: which manager
/// a scope belongs to, where its bus is, and which limits it can take.
final class SystemdUserInstanceTests: XCTestCase {
    func testTheScopeDirectoryNamesItsManager() {
        let dir = "/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/user.slice/swrun-c.scope"
        XCTAssertEqual(SystemdInstance(scopeDirectory: dir), .user(uid: 1000))
        XCTAssertEqual(SystemdInstance.managerDirectory(of: dir), "/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service")
        XCTAssertEqual(SystemdCgroupPath(scopeDirectory: dir), SystemdCgroupPath(slice: "user.slice", unit: "swrun-c.scope"))
        // The system manager may put a scope in a user's slice, never below a service.
        XCTAssertEqual(SystemdInstance(scopeDirectory: "/sys/fs/cgroup/user.slice/user-1000.slice/x.scope"), .system)
        XCTAssertEqual(SystemdInstance(scopeDirectory: "/sys/fs/cgroup/system.slice/user@x.service/y.scope"), .system)
    }

    func testARootlessScopeDefaultsToUserSlice() throws {
        XCTAssertEqual(SystemdInstance.user(uid: 1).defaultSlice, "user.slice")
        XCTAssertEqual(SystemdInstance.system.defaultSlice, "system.slice")
        XCTAssertEqual(try SystemdCgroupPath.forNewContainer(nil, id: "c", systemdFlag: true, defaultSlice: "user.slice")?.cgroup,
                       "/user.slice/swrun-c.scope")
        XCTAssertEqual(try SystemdCgroupPath.parse(":libpod:x", defaultSlice: "user.slice")?.slice, "user.slice")
        XCTAssertEqual(try SystemdCgroupPath.parse("user.slice:libpod:x", defaultSlice: "user.slice")?.unit, "libpod-x.scope")
    }

    func testTheSessionBusAddress() throws {
        XCTAssertEqual(try SystemdInstance.unixPath("unix:path=/run/user/1000/bus"), "/run/user/1000/bus")
        XCTAssertEqual(try SystemdInstance.unixPath("tcp:host=x;unix:guid=1,path=/tmp/a%20b"), "/tmp/a b")
        XCTAssertThrowsError(try SystemdInstance.unixPath("unix:abstract=/tmp/dbus-x")) {
            XCTAssertTrue("\($0)".contains("DBUS_SESSION_BUS_ADDRESS"), "\($0)")
        }
    }

    func testTheHostUIDOutsideNoNamespaceIsTheEffectiveOne() {
        guard !Rootless.inUserNamespace() else { return }
        XCTAssertEqual(Rootless.hostUID(), geteuid())
    }

    func testTheControllersLimitsNeed() {
        var r = LinuxResources()
        r.memory = LinuxMemory(limit: 0)    // runc's "not set"
        r.cpu = LinuxCPU(quota: 5000, cpus: "0")
        r.pids = LinuxPids(limit: 10)
        r.unified = ["io.max": "8:0 rbps=1", "cgroup.max.depth": "2", "memory.high": "max"]
        let needed = ResourceControllers.v2(r)
        XCTAssertEqual(needed.map(\.controller), ["cpu", "cpuset", "pids", "io", "memory"])
        XCTAssertEqual(needed.map(\.field), ["linux.resources.cpu.quota", "linux.resources.cpu.cpus", "linux.resources.pids.limit",
                                             "linux.resources.unified[\"io.max\"]", "linux.resources.unified[\"memory.high\"]"])
        XCTAssertTrue(ResourceControllers.v2(LinuxResources()).isEmpty)
    }

    /// A limit whose controller user@UID.service lacks is refused before
    /// the manager is asked for anything.
    func testAnUndelegatedControllerIsRefusedNamingTheField() throws {
        let root = try makeTemporaryDirectory("userd")
        defer { _ = try? FileManager.default.removeItem(atPath: root) }
        let managerDir = root + "/user.slice/user-1000.slice/user@1000.service"
        try FileManager.default.createDirectory(atPath: managerDir + "/user.slice", withIntermediateDirectories: true)
        try Sys.writeAtomic(managerDir + "/cgroup.controllers", Array("cpu memory pids\n".utf8), mode: 0o644)
        let dir = managerDir + "/user.slice/swrun-c.scope"
        let unified = CgroupHierarchy(mountPoint: root, controllers: [], isV2: true, ownPath: "/")
        let driver = SystemdDriver(ContainerCgroups(hierarchies: [unified], paths: [dir]),
                                   unit: SystemdCgroupPath(scopeDirectory: dir), instance: SystemdInstance(scopeDirectory: dir),
                                   manager: { throw RuntimeError("no manager in this test") })
        var ok = LinuxResources()
        ok.memory = LinuxMemory(limit: 1 << 26)
        ok.pids = LinuxPids(limit: 5)
        XCTAssertNoThrow(try driver.apply(ok))
        var cpus = ok
        cpus.cpu = LinuxCPU(cpus: "0")
        XCTAssertThrowsError(try driver.apply(cpus)) {
            let text = "\($0)"
            XCTAssertTrue(text.contains("linux.resources.cpu.cpus needs the cpuset controller") && text.contains("uid 1000")
                          && text.contains("cpu memory pids") && text.contains(managerDir + "/cgroup.controllers"), text)
        }
        XCTAssertThrowsError(try driver.apply(deviceRules: [])) { XCTAssertTrue("\($0)".contains("BPF device program"), "\($0)") }
    }
}
