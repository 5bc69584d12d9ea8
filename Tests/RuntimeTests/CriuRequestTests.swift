import OCI
@testable import SwrunRuntime
import XCTest

/// What swrun tells CRIU, checked without CRIU: the external mounts and
/// namespaces of a dump and a restore, the RPC's encoding, and the flag
/// values runc refuses.
final class CriuRequestTests: XCTestCase {
    let binds = [MountPlan.CgroupBind(name: "cpu,cpuacct", hostPath: "/sys/fs/cgroup/cpu,cpuacct/it/c1"),
                 MountPlan.CgroupBind(name: "unified", hostPath: "/sys/fs/cgroup/unified/it/c1")]

    func mounts(_ m: [Mount], masked: [String] = [], devices: [String] = []) -> CriuMounts {
        CriuMounts(mounts: m, maskedPaths: masked, devicePaths: devices, cgroupBinds: binds)
    }

    func pairs(_ e: [ExtMountMap]) -> [String] { e.map { "\($0.key)=\($0.val)" } }

    func testBindAndCgroupMountsAreExternalNamedByDestination() {
        let m = mounts([Mount(destination: "/proc", type: "proc", source: "proc"),
                        Mount(destination: "/data/", type: "none", source: "/srv/data", options: ["rbind", "ro"]),
                        Mount(destination: "rel/./x", type: "bind", source: "vol"),
                        Mount(destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup")],
                       devices: ["/dev/null", "/dev/fuse"])
        XCTAssertEqual(pairs(m.dumpExternals(initPid: getpid())), [
            "/data=/data", "/rel/x=/rel/x",
            "/sys/fs/cgroup/cpu,cpuacct=/sys/fs/cgroup/cpu,cpuacct", "/sys/fs/cgroup/unified=/sys/fs/cgroup/unified",
            "/dev/null=/dev/null", "/dev/fuse=/dev/fuse",
        ])
        XCTAssertEqual(pairs(m.restoreExternals(bundle: "/b")), [
            "/data=/srv/data", "/rel/x=/b/vol",
            "/sys/fs/cgroup/cpu,cpuacct=/sys/fs/cgroup/cpu,cpuacct/it/c1",
            "/sys/fs/cgroup/unified=/sys/fs/cgroup/unified/it/c1",
            "/dev/null=/dev/null", "/dev/fuse=/dev/fuse",
        ])
    }

    func testTheOnlyV2HierarchyIsBoundOnTheMountItself() {
        let m = CriuMounts(mounts: [Mount(destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup")],
                           maskedPaths: [], devicePaths: [],
                           cgroupBinds: [MountPlan.CgroupBind(name: "", hostPath: "/sys/fs/cgroup/it/c2")])
        XCTAssertEqual(pairs(m.restoreExternals(bundle: "/b")), ["/sys/fs/cgroup=/sys/fs/cgroup/it/c2"])
    }

    func testMaskedFilesAreExternalButMissingPathsAndDirectoriesAreNot() {
        // Our own root stands in for the init's: /etc/hostname is a file,
        // /etc a directory, the last one missing.
        let m = mounts([], masked: ["/etc/hostname", "/etc", "/no/such/file"])
        let dump = pairs(m.dumpExternals(initPid: getpid()))
        XCTAssertEqual(dump, Sys.exists("/etc/hostname") ? ["/etc/hostname=/dev/null"] : [])
        XCTAssertEqual(pairs(m.restoreExternals(bundle: "/b")), ["/dev/null=/dev/null"])
    }

    func testNamespacesJoinedByPath() throws {
        let ns = [LinuxNamespace(type: "network", path: "/proc/self/ns/net"), LinuxNamespace(type: "pid"),
                  LinuxNamespace(type: "ipc", path: "/proc/self/ns/ipc")]
        var st = stat()
        stat("/proc/self/ns/net", &st)
        XCTAssertEqual(try CriuNamespaces.dumpExternals(ns), ["net[\(st.st_ino)]:extRootNetNS"])
        let r = try CriuNamespaces.restore(ns, firstFd: 4)
        defer { r.fds.forEach(Sys.close) }
        XCTAssertEqual(r.fds.count, 1)
        XCTAssertEqual(r.inherit.map { "\($0.key)@\($0.fd)" }, ["extRootNetNS@4"])
        XCTAssertEqual(r.join.map { "\($0.ns)=\($0.nsFile)" }, ["ipc=/proc/self/ns/ipc"])
        XCTAssertThrowsError(try CriuNamespaces.restore([LinuxNamespace(type: "cgroup", path: "/proc/self/ns/cgroup")],
                                                        firstFd: 4))
    }

    func testRequestRoundTripsThroughTheWireFormat() throws {
        var req = CriuReq()
        req.type = .dump
        req.opts.imagesDirFd = 7
        req.opts.pid = 42
        req.opts.manageCgroupsMode = ManageCgroupsMode.strict.criu
        req.opts.extMnt = mounts([Mount(destination: "/d", type: "bind", source: "/s")]).dumpExternals(initPid: 1)
        let back = try CriuReq(serializedBytes: try req.serializedBytes() as [UInt8])
        XCTAssertEqual(back.type, .dump)
        XCTAssertEqual(back.opts.pid, 42)
        XCTAssertEqual(back.opts.manageCgroupsMode, .strict)
        XCTAssertEqual(back.opts.extMnt.map(\.key), ["/d"])
        XCTAssertEqual(back.opts.logLevel, 2, "rpc.proto's default when unset")
    }

    func testSharedOptionsAsRuncFillsThem() throws {
        let dir = try makeTemporaryDirectory("criu")
        defer { Sys.removeTree(dir) }
        var o = CriuCommonOptions()
        o.imagePath = dir + "/img"
        o.shellJob = true
        let images = try CriuImages.forCheckpoint(o, parent: "")
        defer { images.close() }
        XCTAssertTrue(Sys.isDirectory(dir + "/img"))
        var opts = CriuRequests.options(o, images: images, logFile: "dump.log", annotations: nil)
        XCTAssertEqual(opts.configFile, "/etc/criu/runc.conf")
        XCTAssertEqual(opts.emptyNs, 0x4000_0000, "the network namespace is always restored empty")
        XCTAssertTrue(opts.shellJob && opts.orphanPtsMaster && opts.manageCgroups && !opts.hasWorkDirFd)
        opts = CriuRequests.options(o, images: images, logFile: "dump.log", annotations: ["org.criu.config": ""])
        XCTAssertFalse(opts.hasConfigFile, "an empty annotation asks for no file")
        XCTAssertThrowsError(try CriuImages.forCheckpoint(o, parent: "/abs"))
        XCTAssertThrowsError(try CriuImages.forCheckpoint(o, parent: "missing"))
        var r = o
        r.imagePath = dir + "/none"
        XCTAssertThrowsError(try CriuImages.forRestore(r)) { XCTAssertTrue("\($0)".contains("image directory")) }
        XCTAssertFalse(Sys.exists(dir + "/none"))
    }

    func testRestoreMakesMountPointsInsideTheRootfsOnly() throws {
        let dir = try makeTemporaryDirectory("criu-mp")
        defer { Sys.removeTree(dir) }
        let rootfs = dir + "/rootfs", outside = dir + "/outside"
        try Sys.mkdir(rootfs, 0o755)
        try Sys.writeAtomic(dir + "/a-file", [])
        symlink(outside, rootfs + "/evil")  // absolute: resolved inside the rootfs
        try CriuMountPoints.make([Mount(destination: "/data/sub", type: "bind", source: dir),
                                  Mount(destination: "/etc/resolv.conf", type: "bind", source: "a-file"),
                                  Mount(destination: "/evil/x", type: "bind", source: dir),
                                  Mount(destination: "/run", type: "tmpfs", source: "tmpfs"),
                                  Mount(destination: "/run/below", type: "bind", source: dir),
                                  Mount(destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup")],
                                 rootfs: rootfs, bundle: dir)
        XCTAssertTrue(Sys.isDirectory(rootfs + "/data/sub"))
        XCTAssertTrue(Sys.exists(rootfs + "/etc/resolv.conf") && !Sys.isDirectory(rootfs + "/etc/resolv.conf"),
                      "a file for a file source (relative to the bundle)")
        XCTAssertTrue(Sys.isDirectory(rootfs + outside + "/x"), "the symlink is followed inside the rootfs")
        XCTAssertFalse(Sys.exists(outside), "nothing is made outside it")
        XCTAssertTrue(Sys.isDirectory(rootfs + "/run"))
        XCTAssertFalse(Sys.exists(rootfs + "/run/below"), "CRIU restores what is below a tmpfs")
        XCTAssertFalse(Sys.exists(rootfs + "/sys/fs/cgroup"))
    }

    func testRuncsWordsForBadValues() {
        XCTAssertEqual(try ManageCgroupsMode.parse("full"), .full)
        XCTAssertThrowsError(try ManageCgroupsMode.parse("ignore")) { XCTAssertEqual("\($0)", "Invalid manage cgroups mode") }
        XCTAssertNoThrow(try CriuCommonOptions.checkEmptyNamespace("network"))
        XCTAssertThrowsError(try CriuCommonOptions.checkEmptyNamespace("pid")) {
            XCTAssertEqual("\($0)", "namespace \"pid\" is not supported")
        }
        XCTAssertEqual(try CheckpointOptions.parsePageServer("[::1]:27").address, "::1")
        XCTAssertEqual(try CheckpointOptions.parsePageServer("10.0.0.1:27").port, 27)
        XCTAssertThrowsError(try CheckpointOptions.parsePageServer("host"))
        XCTAssertThrowsError(try CheckpointOptions.parsePageServer("host:x")) { XCTAssertEqual("\($0)", "Invalid port number") }
        XCTAssertThrowsError(try CriuRequests.resolve("no-such-criu-binary"))
    }
}
