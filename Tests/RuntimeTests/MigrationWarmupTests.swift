import Glibc
@testable import SwrunRuntime
import XCTest

final class MigrationWarmupTests: XCTestCase {
    var root = ""

    override func setUpWithError() throws { root = try makeTemporaryDirectory("warmup") }
    override func tearDown() { Sys.removeTree(root) }

    /// The helper writes "0" (itself) into cgroup.procs of the cgroup it is
    /// already in, in the first v1 hierarchy, and is reaped by finish().
    func testHelperWritesItselfIntoItsOwnV1CgroupAndIsReaped() throws {
        try Sys.mkdir(root + "/cpu", 0o755)
        try Sys.mkdir(root + "/cpu/own", 0o755)
        try Sys.writeAtomic(root + "/cpu/own/cgroup.procs", [])
        let hs = [CgroupHierarchy(mountPoint: root + "/unified", controllers: [], isV2: true, ownPath: "/own"),
                  CgroupHierarchy(mountPoint: root + "/cpu", controllers: ["cpu"], isV2: false, ownPath: "/own")]
        var warmup = MigrationWarmup(hs)
        let pid = warmup.pid
        XCTAssertGreaterThan(pid, 0)
        warmup.finish()
        XCTAssertEqual(warmup.pid, -1)
        XCTAssertEqual(try Sys.readText(root + "/cpu/own/cgroup.procs"), "0")
        var status: Int32 = 0
        XCTAssertEqual(waitpid(pid, &status, WNOHANG), -1, "already reaped")
        XCTAssertEqual(errno, ECHILD)
    }

    func testNothingOnAHostWithOnlyCgroupV2() {
        var warmup = MigrationWarmup([CgroupHierarchy(mountPoint: root, controllers: [], isV2: true, ownPath: "/")])
        XCTAssertEqual(warmup.pid, -1, "the init is cloned into its v2 cgroup: no migration to warm up")
        warmup.finish()
    }
}
