@testable import SwrunRuntime
import XCTest

final class CgroupHierarchyTests: XCTestCase {
    let mountinfo = """
    24 1 0:21 / /sys rw - sysfs sysfs rw
    30 24 0:26 / /sys/fs/cgroup rw,nosuid - tmpfs tmpfs rw,mode=755
    31 30 0:27 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw
    32 30 0:28 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,name=systemd
    33 30 0:29 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct
    34 30 0:30 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory
    35 30 0:31 / /sys/fs/cgroup/cpuset rw - cgroup cgroup rw,cpuset,clone_children
    """
    let procCgroup = """
    5:cpuset:/
    4:memory:/machine/m1
    3:cpu,cpuacct:/
    2:name=systemd:/
    0::/user.slice
    """

    func testDiscoversV1AndV2WithOwnPaths() {
        let hs = CgroupHierarchy.discover(mountinfo: mountinfo, procCgroup: procCgroup)
        XCTAssertEqual(hs.map(\.mountPoint), ["/sys/fs/cgroup/unified", "/sys/fs/cgroup/systemd", "/sys/fs/cgroup/cpu,cpuacct",
                                              "/sys/fs/cgroup/memory", "/sys/fs/cgroup/cpuset"])
        XCTAssertEqual(hs[0].isV2, true)
        XCTAssertEqual(hs[0].ownPath, "/user.slice")
        XCTAssertEqual(hs[1].controllers, ["name=systemd"])
        XCTAssertEqual(hs[2].controllers, ["cpu", "cpuacct"])
        XCTAssertEqual(hs[3].ownPath, "/machine/m1")
        XCTAssertEqual(hs[4].controllers, ["cpuset"], "mount options are not controllers")
        XCTAssertEqual(hs.map { $0.containerName(hostHasOnlyV2: false) }, ["unified", "systemd", "cpu,cpuacct", "memory", "cpuset"])
    }

    func testPathsAbsoluteRelativeAndDefault() {
        let hs = CgroupHierarchy.discover(mountinfo: mountinfo, procCgroup: procCgroup)
        let abs = ContainerCgroups(hierarchies: hs, cgroupsPath: "/pods/c1", id: "c1")
        XCTAssertEqual(abs.paths[3], "/sys/fs/cgroup/memory/pods/c1")
        let rel = ContainerCgroups(hierarchies: hs, cgroupsPath: "pods/c1", id: "c1")
        XCTAssertEqual(rel.paths[3], "/sys/fs/cgroup/memory/machine/m1/pods/c1")
        let def = ContainerCgroups(hierarchies: hs, cgroupsPath: nil, id: "c9")
        XCTAssertEqual(def.paths[0], "/sys/fs/cgroup/unified/user.slice/c9")
    }

    /// On a v2-only host a relative or absent cgroupsPath goes below the
    /// parent of swrun's own cgroup, as runc's fs2 places it.
    func testV2OnlyPlacesRelativePathsBelowTheParentOfItsOwnCgroup() {
        let v2 = [CgroupHierarchy(mountPoint: "/sys/fs/cgroup", controllers: [], isV2: true,
                                  ownPath: "/user.slice/user-0.slice/session-1.scope")]
        XCTAssertEqual(ContainerCgroups(hierarchies: v2, cgroupsPath: nil, id: "c9", v2Only: true).paths,
                       ["/sys/fs/cgroup/user.slice/user-0.slice/c9"])
        XCTAssertEqual(ContainerCgroups(hierarchies: v2, cgroupsPath: "pods/c1", id: "c1", v2Only: true).paths,
                       ["/sys/fs/cgroup/user.slice/user-0.slice/pods/c1"])
        XCTAssertEqual(ContainerCgroups(hierarchies: v2, cgroupsPath: "/pods/c1", id: "c1", v2Only: true).paths,
                       ["/sys/fs/cgroup/pods/c1"])
        XCTAssertEqual(ContainerCgroups(hierarchies: v2, cgroupsPath: nil, id: "c9").paths,
                       ["/sys/fs/cgroup/user.slice/user-0.slice/session-1.scope/c9"], "not v2-only: the own cgroup")
        XCTAssertEqual(CgroupPathResolver.placementBase(ownPath: "/", v2Only: true), "/")
    }

    /// Every offered controller in each parent from the root down, none in
    /// the container's own cgroup, and none from a cgroup with processes down.
    func testSubtreeControlEnablesTheHostsControllersInTheParents() {
        var files: [String: String] = [
            "/r/cgroup.controllers": "cpu memory pids", "/r/cgroup.subtree_control": "memory", "/r/cgroup.procs": "1\n",
            "/r/a/cgroup.type": "domain", "/r/a/cgroup.controllers": "cpu memory pids", "/r/a/cgroup.subtree_control": "",
            "/r/a/cgroup.procs": "",
            "/r/a/c/cgroup.type": "domain", "/r/a/c/cgroup.controllers": "", "/r/a/c/cgroup.procs": "",
            "/r/b/cgroup.type": "domain", "/r/b/cgroup.controllers": "cpu memory pids", "/r/b/cgroup.procs": "7\n",
            "/r/b/cgroup.subtree_control": "",
        ]
        var writes: [String] = []
        let fs = CgroupFS(read: { files[$0] }, write: { path, value in
            writes.append("\(path) \(value)")
            files[path] = ((files[path] ?? "") + " " + value.replacingOccurrences(of: "+", with: "")).trimmed
            return nil
        }, exists: { files[$0] != nil })
        SubtreeControl.enableAll(for: "/r/a/c", under: "/r", fs: fs)
        XCTAssertEqual(writes, ["/r/cgroup.subtree_control +cpu +pids", "/r/a/cgroup.subtree_control +cpu +memory +pids"])
        writes = []
        SubtreeControl.enableAll(for: "/r/b/c", under: "/r", fs: fs)
        XCTAssertEqual(writes, [], "the root has them all now; b holds a process")
    }

    func testSystemdAndDotDotPathsAreRefused() {
        XCTAssertThrowsError(try CgroupPathResolver.validate("/a/../b", id: "c1", systemd: false))
        XCTAssertThrowsError(try CgroupPathResolver.validate("/a", id: "c1", systemd: true)) {
            XCTAssertTrue("\($0)".contains("slice:prefix:name"), "\($0)")
        }
        // The systemd form is the systemd driver's where systemd is pid 1.
        if Sys.isDirectory("/run/systemd/system") {
            XCTAssertNoThrow(try CgroupPathResolver.validate("system.slice:swrun:c1", id: "c1", systemd: false))
            XCTAssertNoThrow(try CgroupPathResolver.validate(nil, id: "c1", systemd: true))
        } else {
            XCTAssertThrowsError(try CgroupPathResolver.validate("system.slice:swrun:c1", id: "c1", systemd: false))
            XCTAssertThrowsError(try CgroupPathResolver.validate(nil, id: "c1", systemd: true)) {
                XCTAssertTrue("\($0)".contains("system.slice:swrun:c1"), "the default systemd path is named: \($0)")
            }
        }
        XCTAssertNoThrow(try CgroupPathResolver.validate("/a/b", id: "c1", systemd: false))
        XCTAssertNoThrow(try CgroupPathResolver.validate("pods/c1", id: "c1", systemd: false))
        XCTAssertNoThrow(try CgroupPathResolver.validate(nil, id: "c1", systemd: false))
    }

    func testMountinfoOctalEscapes() {
        XCTAssertEqual(CgroupHierarchy.unescape("/a\\040b"), "/a b")
        XCTAssertEqual(CgroupHierarchy.unescape("/plain"), "/plain")
    }
}

final class SystemdCgroupPathTests: XCTestCase {
    func testSlicePrefixNameBecomeSliceAndScope() throws {
        XCTAssertEqual(try SystemdCgroupPath.parse("system.slice:docker:abc"), SystemdCgroupPath(slice: "system.slice", unit: "docker-abc.scope"))
        XCTAssertEqual(try SystemdCgroupPath.parse(":crio:x"), SystemdCgroupPath(slice: "system.slice", unit: "crio-x.scope"), "empty slice: system.slice")
        XCTAssertEqual(try SystemdCgroupPath.parse("machine.slice::pod.slice"), SystemdCgroupPath(slice: "machine.slice", unit: "pod.slice"))
        XCTAssertNil(try SystemdCgroupPath.parse("/a/b"))
        XCTAssertNil(try SystemdCgroupPath.parse("a:b"))
    }

    func testMalformedPartsAreNamed() {
        XCTAssertThrowsError(try SystemdCgroupPath.parse("system:p:n")) { XCTAssertTrue("\($0)".contains("must be a unit name ending in .slice"), "\($0)") }
        XCTAssertThrowsError(try SystemdCgroupPath.parse("a.slice:p:")) { XCTAssertTrue("\($0)".contains("non-empty"), "\($0)") }
    }

    func testRefusalSaysWhy() {
        XCTAssertThrowsError(try SystemdCgroupPath.refusal("system.slice:docker:abc", id: "abc", systemdFlag: true, systemdIsInit: false)) {
            XCTAssertEqual("\($0)", "linux.cgroupsPath \"system.slice:docker:abc\": the systemd cgroup driver (slice system.slice, unit docker-abc.scope) is not supported: systemd is not pid 1 on this host, so it manages no cgroups")
        }
        // Where systemd is pid 1 the driver takes it: only a slice as the
        // container's own unit is refused.
        XCTAssertNoThrow(try SystemdCgroupPath.refusal("system.slice:docker:abc", id: "abc", systemdFlag: true, systemdIsInit: true))
        XCTAssertThrowsError(try SystemdCgroupPath.refusal("system.slice:p:x.slice", id: "abc", systemdFlag: true, systemdIsInit: true)) {
            XCTAssertTrue("\($0)".contains("name a scope"), "\($0)")
        }
    }
}
