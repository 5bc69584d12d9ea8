import OCI
@testable import SwrunRuntime
import XCTest

final class MountOptionTests: XCTestCase {
    func testFlagsPropagationAndData() throws {
        let p = try MountPlan.parse(["nosuid", "ro", "rw", "noexec", "rslave", "mode=755", "size=1m"], field: "mounts[0]")
        XCTAssertEqual(p.flags, MountFlags.nosuid | MountFlags.noexec)
        XCTAssertEqual(p.propagation, [MountFlags.slave | MountFlags.rec])
        XCTAssertEqual(p.data, ["mode=755", "size=1m"])
        XCTAssertEqual(MountFlags.describe(MountFlags.bind | MountFlags.rec), "MS_BIND|MS_REC")
    }
}

final class MountExtensionTests: XCTestCase {
    func plan() -> MountPlan {
        MountPlan(bundle: "/b", sourceKind: { $0.hasPrefix("/host") ? .directory : nil })
    }

    func testRecursiveAttributesBecomeMountSetattr() throws {
        let p = try MountPlan.parse(["rbind", "rro", "rnosuid", "rnoatime"], field: "mounts[0]")
        XCTAssertEqual(p.attrSet, MountAttributes.rdonly | MountAttributes.nosuid | MountAttributes.noatime)
        XCTAssertEqual(p.attrClear, MountAttributes.atimeMask)
        let steps = try plan().steps(for: Mount(destination: "/d", type: "bind", source: "/host/d", options: ["rbind", "rro"]), index: 0)
        XCTAssertEqual(steps.last, .mountSetattr(target: "/d", set: MountAttributes.rdonly, clear: 0, recursive: true))
    }

    func testTmpcopyupIsOnlyForTmpfs() throws {
        let steps = try plan().steps(for: Mount(destination: "/etc", type: "tmpfs", source: "tmpfs", options: ["tmpcopyup", "mode=755"]), index: 0)
        XCTAssertEqual(steps, [.mount(source: "tmpfs", target: "/etc", fstype: "tmpfs", flags: 0, data: "mode=755",
                                      create: .directory, copyUp: true)])
        XCTAssertThrowsError(try plan().steps(for: Mount(destination: "/x", type: "bind", source: "/host/x", options: ["bind", "tmpcopyup"]), index: 3)) {
            XCTAssertTrue("\($0)".contains("mounts[3].options"))
        }
    }

    func testIdmapMountUsesItsMappingsOrTheContainers() throws {
        let m = [LinuxIDMapping(containerID: 0, hostID: 1000, size: 10)]
        let steps = try plan().steps(for: Mount(destination: "/d", type: "bind", source: "/host/d", options: ["rbind", "ridmap"],
                                                uidMappings: m, gidMappings: m), index: 0)
        XCTAssertEqual(steps.first, .idmappedMount(source: "/host/d", target: "/d", uidMappings: m, gidMappings: m,
                                                   recursiveTree: true, recursiveIdmap: true, create: .directory))
        XCTAssertThrowsError(try plan().steps(for: Mount(destination: "/d", type: "bind", source: "/host/d", options: ["bind", "idmap"]), index: 1)) {
            XCTAssertTrue("\($0)".contains("mounts[1]"))
        }
        var withUserNS = plan()
        withUserNS.containerMappings = (m, m)
        let steps2 = try withUserNS.steps(for: Mount(destination: "/d", type: "bind", source: "/host/d", options: ["bind", "idmap"]), index: 0)
        XCTAssertEqual(steps2.first, .idmappedMount(source: "/host/d", target: "/d", uidMappings: m, gidMappings: m,
                                                    recursiveTree: false, recursiveIdmap: false, create: .directory))
    }

    func testOverlayLayersAreResolvedAgainstTheBundle() throws {
        let steps = try plan().steps(for: Mount(destination: "/o", type: "overlay", source: "overlay",
                                                options: ["lowerdir=l1:/abs/l2", "upperdir=up", "workdir=/w", "volatile"]), index: 0)
        XCTAssertEqual(steps, [.mount(source: "overlay", target: "/o", fstype: "overlay", flags: 0,
                                      data: "lowerdir=/b/l1:/abs/l2,upperdir=/b/up,workdir=/w,volatile", create: .directory)])
    }

    /// A bind source in the rootfs is a path in the container, resolved by
    /// the child when it mounts (after the earlier mounts), the target made
    /// after what it finds there; absolute or bundle-relative alike.
    func testBindSourceInsideTheRootfsIsResolvedByTheChildInOrder() throws {
        var mp = plan()
        mp.rootfs = "/b/rootfs"
        for source in ["/b/rootfs/a/x", "rootfs/a/x", "/b/./rootfs//a/../a/x"] {
            let steps = try mp.steps(for: Mount(destination: "/y", type: "bind", source: source, options: ["bind", "ro"]), index: 1)
            XCTAssertEqual(steps, [
                .mount(source: "/a/x", target: "/y", fstype: nil, flags: MountFlags.bind, data: nil,
                       create: .likeSource, sourceInRoot: true),
                .mount(source: nil, target: "/y", fstype: nil, flags: MountFlags.remount | MountFlags.bind | MountFlags.rdonly,
                       data: nil, create: .none),
            ], source)
        }
        XCTAssertThrowsError(try mp.steps(for: Mount(destination: "/y", type: "bind", source: "/b/rootfs/a",
                                                     options: ["bind", "idmap"], uidMappings: [], gidMappings: []), index: 2)) {
            XCTAssertTrue("\($0)".contains("mounts[2].source"), "\($0)")
        }
        // Outside the rootfs: a host path, checked now.
        XCTAssertThrowsError(try mp.steps(for: Mount(destination: "/y", type: "bind", source: "/b/rootfsx"), index: 3)) {
            XCTAssertTrue("\($0)".contains("mounts[3].source"), "\($0)")
        }
    }

    /// A read-only tmpfs or /dev is mounted read-write; readonlyRemount
    /// gives the late remount (a bind /dev is made read-only at once).
    func testReadOnlyTmpfsAndDevAreRemountedLate() throws {
        let dev = Mount(destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid", "ro", "mode=755"])
        XCTAssertEqual(try plan().steps(for: dev, index: 0),
                       [.mount(source: "tmpfs", target: "/dev", fstype: "tmpfs", flags: MountFlags.nosuid, data: "mode=755",
                               create: .directory)])
        XCTAssertEqual(try MountPlan.readonlyRemount(for: dev), .remount(target: "/dev", flags: MountFlags.nosuid | MountFlags.rdonly))
        let devBind = Mount(destination: "/dev", type: "bind", source: "/host/dev", options: ["rbind", "ro"])
        XCTAssertNil(try MountPlan.readonlyRemount(for: devBind))
        XCTAssertNil(try MountPlan.readonlyRemount(for: Mount(destination: "/run", type: "tmpfs", source: "tmpfs")))
        XCTAssertNil(try MountPlan.readonlyRemount(for: Mount(destination: "/sys", type: "sysfs", source: "sysfs", options: ["ro"])))
        XCTAssertEqual(try plan().steps(for: Mount(destination: "/sys", type: "sysfs", source: "sysfs", options: ["ro"]), index: 0),
                       [.mount(source: "sysfs", target: "/sys", fstype: "sysfs", flags: MountFlags.rdonly, data: nil, create: .directory)])
    }
}
