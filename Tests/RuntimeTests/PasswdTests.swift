import Glibc
@testable import SwrunRuntime
import XCTest

final class PasswdTests: XCTestCase {
    var rootfs = ""

    override func setUpWithError() throws {
        rootfs = try makeTemporaryDirectory("passwd")
        XCTAssertEqual(mkdir(rootfs + "/etc", 0o755), 0)
    }

    override func tearDown() { Sys.removeTree(rootfs) }

    func testHomeOfTheUidFromTheRootfsPasswd() throws {
        try Sys.writeAtomic(rootfs + "/etc/passwd", Array("root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\nnohome:x:5:5::\n".utf8))
        let passwd = try XCTUnwrap(Passwd.read(rootfs: rootfs))
        XCTAssertEqual(Passwd.home(uid: 1000, passwd: passwd), "/home/app")
        XCTAssertEqual(Passwd.home(uid: 0, passwd: passwd), "/root")
        XCTAssertNil(Passwd.home(uid: 5, passwd: passwd), "an empty home field is no home")
        XCTAssertNil(Passwd.home(uid: 42, passwd: passwd))
    }

    func testAFifoAtEtcPasswdIsNotReadAndDoesNotHang() {
        XCTAssertEqual(mkfifo(rootfs + "/etc/passwd", 0o644), 0)
        XCTAssertNil(Passwd.read(rootfs: rootfs))
    }

    func testASymlinkOutOfTheRootfsStaysInside() throws {
        XCTAssertEqual(symlink("/../../../../etc/shadow-like", rootfs + "/etc/passwd"), 0)
        try Sys.writeAtomic(rootfs + "/etc/shadow-like", Array("u:x:7:7::/inside:/bin/sh\n".utf8))
        let passwd = try XCTUnwrap(Passwd.read(rootfs: rootfs), "the link resolves inside the rootfs")
        XCTAssertEqual(Passwd.home(uid: 7, passwd: passwd), "/inside")
    }
}
