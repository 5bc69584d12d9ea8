import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// Propagation options of bind mounts (private, shared, slave, unbindable and
/// their recursive forms) and `linux.rootfsPropagation`, checked in the
/// container's mountinfo and by what does (or does not) cross between the
/// container's mount namespace and the test's.
final class MountPropagationTests: IntegrationTestCase {
    static let loop = ["sh", "-c", "while :; do sleep 0.1; done"]

    /// Makes the sandbox's host dir a shared mount (its own peer group) in the
    /// test's mount namespace, so that propagation has something to act on.
    private func sharedHostDir(_ sb: Sandbox) throws -> String {
        try MountFixture.hostMount(self, ["--bind", sb.hostDir], target: sb.hostDir)
        MountFixture.makeShared(sb.hostDir)
        let e = MountFixture.entry(readFile("/proc/self/mountinfo") ?? "", at: sb.hostDir)
        XCTAssertTrue(e?.isShared ?? false, "precondition: \(sb.hostDir) is shared: \(String(describing: e))")
        return sb.hostDir
    }

    func testPropagationOptionsShowInMountinfo() throws {
        let sb = try makeSandbox(args: ["cat", "/proc/self/mountinfo"])
        let h = try sharedHostDir(sb)
        let cases = ["rprivate", "rshared", "rslave", "runbindable", "private", "shared", "slave", "unbindable"]
        for opt in cases {
            sb.bundle.addMount(destination: "/p-" + opt, type: "bind", source: h,
                               options: [opt.hasPrefix("r") ? "rbind" : "bind", opt])
        }
        let r = try sb.run(sb.newID())
        XCTAssertSucceeds(r)
        for opt in cases {
            let e = MountFixture.entry(r.stdout, at: "/p-" + opt)
            XCTAssertNotNil(e, "/p-\(opt) not mounted: \(r)")
            guard let e else { continue }
            switch opt {
            case "rprivate", "private": XCTAssertTrue(e.isPrivate, "\(opt): \(e)")
            case "rshared", "shared": XCTAssertTrue(e.isShared, "\(opt): \(e)")
            case "rslave", "slave":
                XCTAssertTrue(e.isSlave, "\(opt): \(e)")
                XCTAssertFalse(e.isShared, "\(opt): \(e)")
            default:
                XCTAssertTrue(e.isUnbindable, "\(opt): \(e)")
                XCTAssertFalse(e.isShared || e.isSlave, "\(opt): \(e)")
            }
        }
    }

    func testSlaveBindSeesLaterHostMountsAndPrivateDoesNot() throws {
        let sb = try makeSandbox(args: Self.loop)
        let h = try sharedHostDir(sb)
        try FileManager.default.createDirectory(atPath: h + "/late", withIntermediateDirectories: true)
        sb.bundle.addMount(destination: "/slave", type: "bind", source: h, options: ["rbind", "rslave"])
        sb.bundle.addMount(destination: "/private", type: "bind", source: h, options: ["rbind", "rprivate"])
        let id = sb.newID()
        try sb.createAndStart(id)
        let pid = try XCTUnwrap(sb.statePid(id))
        try MountFixture.hostMount(self, ["-t", "tmpfs", "late-host-mount"], target: h + "/late")
        let seen = waitUntil(timeout: 3) {
            MountFixture.entry(readFile("/proc/\(pid)/mountinfo") ?? "", at: "/slave/late") != nil
        }
        let inside = readFile("/proc/\(pid)/mountinfo") ?? ""
        XCTAssertTrue(seen, "a host mount made after start reaches the slave bind:\n\(inside)")
        XCTAssertEqual(MountFixture.entry(inside, at: "/slave/late")?.fsType, "tmpfs")
        XCTAssertNil(MountFixture.entry(inside, at: "/private/late"), "a private bind receives nothing:\n\(inside)")
    }

    func testSharedRootfsPropagationLetsContainerMountsReachTheHost() throws {
        // rootfsPropagation shared + an rshared bind: the bidirectional case
        // (kubernetes' Bidirectional mount propagation).
        let sb = try makeSandbox(args: ["sh", "-c",
                                        "mkdir -p /h/from-ct && mount -t tmpfs from-ct /h/from-ct && echo hi > /h/from-ct/marker && touch /h/ready; while :; do sleep 0.1; done"])
        let h = try sharedHostDir(sb)
        addTeardownBlock { MountFixture.hostUnmount(h + "/from-ct") }
        sb.bundle.addMount(destination: "/h", type: "bind", source: h, options: ["rbind", "rshared"])
        var l = sb.bundle.linux
        l["rootfsPropagation"] = "shared"
        sb.bundle.linux = l
        MountFixture.addCapabilities(sb.bundle, ["CAP_SYS_ADMIN"])
        let before = readFile("/proc/self/mountinfo") ?? ""
        let id = sb.newID()
        try sb.createAndStart(id)
        sb.waitForHostFile("ready")
        let now = readFile("/proc/self/mountinfo") ?? ""
        let e = MountFixture.entry(now, at: h + "/from-ct")
        XCTAssertEqual(e?.fsType, "tmpfs", "the container's mount propagated to the host:\n\(now)")
        XCTAssertEqual(readFile(h + "/from-ct/marker"), "hi\n")
        // Nothing else of the container (its /proc, /dev, rootfs...) showed up here.
        let extra = MountFixture.newMounts(before: before, now: now, mentioning: sb.dir).filter { !$0.contains(h + "/from-ct") }
        XCTAssertEqual(extra, [], "only the propagated mount may appear in the host namespace")
    }

    func testDefaultRootfsPropagationKeepsContainerMountsFromTheHost() throws {
        // Without rootfsPropagation, even an rshared bind is a slave of the
        // host: mounts made inside do not come back out.
        let sb = try makeSandbox(args: ["sh", "-c",
                                        "mkdir -p /h/from-ct && mount -t tmpfs from-ct /h/from-ct && touch /h/ready; while :; do sleep 0.1; done"])
        let h = try sharedHostDir(sb)
        addTeardownBlock { MountFixture.hostUnmount(h + "/from-ct") }
        sb.bundle.addMount(destination: "/h", type: "bind", source: h, options: ["rbind", "rshared"])
        MountFixture.addCapabilities(sb.bundle, ["CAP_SYS_ADMIN"])
        let before = readFile("/proc/self/mountinfo") ?? ""
        let id = sb.newID()
        try sb.createAndStart(id)
        sb.waitForHostFile("ready")
        let pid = try XCTUnwrap(sb.statePid(id))
        XCTAssertEqual(MountFixture.entry(readFile("/proc/\(pid)/mountinfo") ?? "", at: "/h/from-ct")?.fsType, "tmpfs",
                       "precondition: the container mounted it")
        let now = readFile("/proc/self/mountinfo") ?? ""
        XCTAssertEqual(MountFixture.newMounts(before: before, now: now, mentioning: sb.dir), [],
                       "no container mount may reach the host namespace")
    }

    // MARK: rootfsPropagation on the container's / (runc 1.1.5 sets it before
    // the rootfs bind, so its / stays private whatever the config says)

    func testRootfsPropagationIsVisibleOnTheContainerRoot() throws {
        try swrunOnly("runc 1.1.5 does not apply rootfsPropagation to the container's / (fixed in runc 1.2)")
        let sb = try makeSandbox(args: ["cat", "/proc/self/mountinfo"])
        for prop in ["shared", "private", "unbindable"] {
            var l = sb.bundle.linux
            l["rootfsPropagation"] = prop
            sb.bundle.linux = l
            let before = readFile("/proc/self/mountinfo") ?? ""
            let r = try sb.run(sb.newID())
            XCTAssertSucceeds(r, prop)
            let root = MountFixture.entry(r.stdout, at: "/")
            XCTAssertNotNil(root, "\(r)")
            switch prop {
            case "shared": XCTAssertTrue(root?.isShared ?? false, "shared: / belongs to a peer group: \(String(describing: root))")
            case "unbindable": XCTAssertTrue(root?.isUnbindable ?? false, "\(String(describing: root))")
            default: XCTAssertTrue(root?.isPrivate ?? false, "\(String(describing: root))")
            }
            let now = readFile("/proc/self/mountinfo") ?? ""
            XCTAssertEqual(MountFixture.newMounts(before: before, now: now, mentioning: sb.dir), [], "\(prop): mounts leaked to the host")
        }
    }

    /// Bind-mounts the bundle's rootfs on itself and makes it shared in the
    /// test's namespace (as when the rootfs is a shared mount on the host).
    private func sharedRootfs(_ sb: Sandbox) throws -> String {
        let rootfs = sb.bundle.rootfs
        try FileManager.default.createDirectory(atPath: rootfs + "/late", withIntermediateDirectories: true)
        try MountFixture.hostMount(self, ["--bind", rootfs], target: rootfs)
        MountFixture.makeShared(rootfs)
        return rootfs
    }

    func testRootfsThatIsASharedHostMountWorksWithEveryRootfsPropagation() throws {
        let sb = try makeSandbox(args: ["sh", "-c", "echo ok; grep -c . /proc/self/mountinfo > /dev/null"])
        _ = try sharedRootfs(sb)
        for prop in ["", "slave", "private", "shared"] {
            var l = sb.bundle.linux
            l["rootfsPropagation"] = prop.isEmpty ? nil : prop
            sb.bundle.linux = l
            let before = readFile("/proc/self/mountinfo") ?? ""
            let r = try sb.run(sb.newID())
            XCTAssertSucceeds(r, "rootfsPropagation \(prop.isEmpty ? "unset" : prop)")
            XCTAssertEqual(trimmed(r.stdout), "ok", "\(r)")
            let now = readFile("/proc/self/mountinfo") ?? ""
            XCTAssertEqual(MountFixture.newMounts(before: before, now: now, mentioning: sb.dir), [],
                           "\(prop): the container's mounts must not propagate into the host's shared rootfs")
        }
    }

    func testSlaveRootfsReceivesHostMounts() throws {
        try swrunOnly("runc 1.1.5 makes the container's / private whatever rootfsPropagation says (fixed in runc 1.2)")
        let sb = try makeSandbox(args: Self.loop)
        let rootfs = try sharedRootfs(sb)
        var l = sb.bundle.linux
        l["rootfsPropagation"] = "slave"
        sb.bundle.linux = l
        let before = readFile("/proc/self/mountinfo") ?? ""
        let id = sb.newID()
        try sb.createAndStart(id)
        let pid = try XCTUnwrap(sb.statePid(id))
        let root = MountFixture.entry(readFile("/proc/\(pid)/mountinfo") ?? "", at: "/")
        XCTAssertTrue(root?.isSlave ?? false, "/ is a slave of the host's rootfs mount: \(String(describing: root))")
        // The container's own mounts (/proc, /dev...) must not have come out.
        let now = readFile("/proc/self/mountinfo") ?? ""
        XCTAssertEqual(MountFixture.newMounts(before: before, now: now, mentioning: sb.dir), [], "container mounts leaked to the host")
        try MountFixture.hostMount(self, ["-t", "tmpfs", "late-root-mount"], target: rootfs + "/late")
        let seen = waitUntil(timeout: 3) {
            MountFixture.entry(readFile("/proc/\(pid)/mountinfo") ?? "", at: "/late") != nil
        }
        XCTAssertTrue(seen, "a host mount under the rootfs reaches the slave container root")
        XCTAssertSucceeds(sb.swrun(["delete", "--force", id]))
        reap(pid)
    }
}
