import OCI
@testable import SwrunRuntime
import XCTest

/// The systemd driver's pieces that need no systemd: D-Bus marshalling
/// (checked byte for byte against jeepney, an independent pure-Python
/// D-Bus implementation), reply parsing, unit and slice naming, and the
/// resource properties. The driver itself runs in the guest (`make vm-test`).
final class SystemdDriverTests: XCTestCase {
    func testStartTransientUnitIsMarshalledAsJeepneyDoes() {
        // jeepney 0.9: new_method_call(DBusAddress('/org/freedesktop/systemd1',
        // bus_name='org.freedesktop.systemd1', interface='org.freedesktop.systemd1.Manager'),
        // 'StartTransientUnit', 'ssa(sv)a(sa(sv))', ('x.scope', 'replace', [('Slice', ('s', 'system.slice')),
        // ('Delegate', ('b', True)), ('PIDs', ('au', [42])), ('MemoryMax', ('t', 1 << 30))], [])).serialise(serial=7)
        let expected = "6c010001a000000007000000b600000001016f00190000002f6f72672f667265656465736b746f702f73797374656d6431"
            + "0000000000000002017300200000006f72672e667265656465736b746f702e73797374656d64312e4d616e61676572000000"
            + "0000000000030173001200000053746172745472616e7369656e74556e697400000000000006017300180000006f72672e66"
            + "7265656465736b746f702e73797374656d6431000000000000000008016700107373612873762961287361287376292900"
            + "000007000000782e73636f706500070000007265706c61636500780000000000000005000000536c6963650001730000"
            + "00000c00000073797374656d2e736c69636500000000000000000800000044656c656761746500016200010000000000"
            + "000004000000504944730002617500000000040000002a000000090000004d656d6f72794d6178000174000000000000"
            + "000000000040000000000000000000000000"
        let message = DBusMessage.methodCall(
            serial: 7, path: "/org/freedesktop/systemd1", interface: "org.freedesktop.systemd1.Manager",
            member: "StartTransientUnit", destination: "org.freedesktop.systemd1",
            args: [.string("x.scope"), .string("replace"),
                   .properties([("Slice", .string("system.slice")), ("Delegate", .bool(true)),
                                ("PIDs", .uint32s([42])), ("MemoryMax", .uint64(1 << 30))]),
                   .auxUnits([])])
        XCTAssertEqual(message.map { String(format: "%02x", $0) }.joined(), expected)
        XCTAssertEqual(try DBusMessage.totalLength(head: Array(message.prefix(16))), message.count)
    }

    func testAnErrorReplyGivesItsNameAndMessage() {
        // An error reply to serial 7: ERROR_NAME, REPLY_SERIAL, SIGNATURE "s", body "boom".
        var h = DBusWriter()
        for b: UInt8 in [0x6c, 3, 1, 1] { h.write(.byte(b)) }
        var body = DBusWriter()
        body.write(.string("boom"))
        h.uint32(UInt32(body.bytes.count))
        h.uint32(9)
        h.array(alignment: 8) { w in
            for (code, value): (UInt8, DBusValue) in [(4, .string("org.freedesktop.systemd1.UnitExists")), (5, .uint32(7)), (8, .signature("s"))] {
                w.align(8)
                w.write(.byte(code))
                w.write(.variant(value))
            }
        }
        h.align(8)
        let reply = DBusMessage.parse(h.bytes + body.bytes)
        XCTAssertTrue(reply.isError)
        XCTAssertEqual(reply.replySerial, 7)
        XCTAssertEqual(reply.errorName, "org.freedesktop.systemd1.UnitExists")
        XCTAssertEqual(reply.firstString, "boom")
    }

    func testSliceAndScopeNames() throws {
        let p = try XCTUnwrap(SystemdCgroupPath.parse("system.slice:cri-containerd:abc"))
        XCTAssertEqual(p.unit, "cri-containerd-abc.scope")
        XCTAssertEqual(p.cgroup, "/system.slice/cri-containerd-abc.scope")
        let nested = try XCTUnwrap(SystemdCgroupPath.parse("kubepods-burstable-pod1.slice:cri-containerd:x"))
        XCTAssertEqual(nested.sliceCgroup, "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice")
        XCTAssertEqual(try XCTUnwrap(SystemdCgroupPath.parse(":swrun:y")).cgroup, "/system.slice/swrun-y.scope")
        XCTAssertEqual(try XCTUnwrap(SystemdCgroupPath.parse("-.slice:p:z")).cgroup, "/p-z.scope")
        let back = SystemdCgroupPath(scopeDirectory: "/sys/fs/cgroup/kubepods.slice/kubepods-pod1.slice/cri-containerd-x.scope")
        XCTAssertEqual(back, SystemdCgroupPath(slice: "kubepods-pod1.slice", unit: "cri-containerd-x.scope"))
        XCTAssertEqual(try SystemdCgroupPath.forNewContainer(nil, id: "c", systemdFlag: true)?.cgroup, "/system.slice/swrun-c.scope")
        XCTAssertNil(try SystemdCgroupPath.forNewContainer("/a/b", id: "c", systemdFlag: false))
    }

    func testResourcesBecomeUnitProperties() {
        var r = LinuxResources()
        r.memory = LinuxMemory(limit: 1 << 28)
        r.pids = LinuxPids(limit: -1)
        r.cpu = LinuxCPU(shares: 1024)
        let props = Dictionary(uniqueKeysWithValues: SystemdProperties.resources(r).map { ($0.0, $0.1) })
        XCTAssertEqual(props["MemoryMax"], .uint64(1 << 28))
        XCTAssertEqual(props["TasksMax"], .uint64(UInt64.max))
        XCTAssertEqual(props["CPUWeight"], .uint64(39), "runc's mapping: 1 + (1024-2)*9999/262142")
        XCTAssertEqual(SystemdProperties.cpuWeight(shares: 2), 1)
        XCTAssertEqual(SystemdProperties.cpuWeight(shares: 262_144), 10_000)
    }
}
