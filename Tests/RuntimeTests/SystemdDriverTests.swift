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

    /// A reply as systemd sends it: `type` (2 return, 3 error), header
    /// fields, one body value.
    private func reply(type: UInt8, fields: [(UInt8, DBusValue)], body value: DBusValue) -> DBusMessage.Reply {
        var h = DBusWriter()
        for b: UInt8 in [0x6c, type, 1, 1] { h.write(.byte(b)) }
        var body = DBusWriter()
        body.write(value)
        h.uint32(UInt32(body.bytes.count))
        h.uint32(9)
        h.array(alignment: 8) { w in
            for (code, value) in fields {
                w.align(8)
                w.write(.byte(code))
                w.write(.variant(value))
            }
        }
        h.align(8)
        return DBusMessage.parse(h.bytes + body.bytes)
    }

    func testAnErrorReplyGivesItsNameAndMessage() {
        let r = reply(type: 3, fields: [(4, .string("org.freedesktop.systemd1.UnitExists")), (5, .uint32(7)), (8, .signature("s"))],
                      body: .string("boom"))
        XCTAssertTrue(r.isError)
        XCTAssertEqual(r.replySerial, 7)
        XCTAssertEqual(r.errorName, "org.freedesktop.systemd1.UnitExists")
        XCTAssertEqual(r.firstString, "boom")
    }

    func testAPropertyReplyGivesItsString() {
        // Properties.Get's reply: the body is one variant.
        let r = reply(type: 2, fields: [(5, .uint32(3)), (8, .signature("v"))], body: .variant(.string("252.38-1~deb12u1")))
        XCTAssertFalse(r.isError)
        XCTAssertEqual(r.replySerial, 3)
        XCTAssertEqual(r.variantString, "252.38-1~deb12u1")
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

    /// A value as it goes on the wire: its signature and bytes.
    private func wire(_ v: DBusValue?) -> String? {
        guard let v else { return nil }
        var w = DBusWriter()
        w.write(v)
        return v.signature + ":" + w.bytes.map { String($0, radix: 16) }.joined(separator: ",")
    }

    func testResourcesBecomeUnitProperties() throws {
        var r = LinuxResources()
        r.memory = LinuxMemory(limit: 1 << 28, reservation: 1 << 20, swap: 1 << 29)
        r.pids = LinuxPids(limit: -1)
        r.cpu = LinuxCPU(shares: 1024, quota: 33_333, period: 100_000, cpus: "0-1,9", mems: "0")
        let mapped = try SystemdProperties(r, systemdVersion: 252)
        let props = Dictionary(uniqueKeysWithValues: mapped.properties.map { ($0.0, $0.1) })
        XCTAssertEqual(wire(props["MemoryMax"]), wire(.uint64(1 << 28)))
        XCTAssertEqual(wire(props["MemoryLow"]), wire(.uint64(1 << 20)))
        XCTAssertEqual(wire(props["MemorySwapMax"]), wire(.uint64(1 << 28)), "swap alone: memory+swap minus memory")
        XCTAssertEqual(wire(props["TasksMax"]), wire(.uint64(UInt64.max)))
        XCTAssertEqual(wire(props["CPUWeight"]), wire(.uint64(39)), "runc's mapping: 1 + (1024-2)*9999/262142")
        XCTAssertEqual(wire(props["CPUQuotaPeriodUSec"]), wire(.uint64(100_000)))
        XCTAssertEqual(wire(props["CPUQuotaPerSecUSec"]), wire(.uint64(340_000)), "333.33 ms/s rounds up to 34%")
        XCTAssertEqual(mapped.resources.cpu?.quota, 34_000, "the files get the quota systemd keeps")
        XCTAssertEqual(wire(props["AllowedCPUs"]), wire(.byteArray([0x03, 0x02])))
        XCTAssertEqual(wire(props["AllowedMemoryNodes"]), wire(.byteArray([0x01])))
        XCTAssertEqual(CpuV2.weight(shares: 2), 1)
        XCTAssertEqual(CpuV2.weight(shares: 262_144), 10_000)
    }

    func testOldSystemdGetsOnlyThePropertiesItKnows() throws {
        var r = LinuxResources()
        r.cpu = LinuxCPU(quota: 50_000, period: 100_000, cpus: "0", idle: 1)
        let names = try SystemdProperties(r, systemdVersion: 239).properties.map(\.0)
        XCTAssertEqual(names, ["CPUQuotaPerSecUSec"], "no period (242), no AllowedCPUs (244), no idle (252)")
        XCTAssertEqual(try SystemdProperties(LinuxResources(), systemdVersion: 0).properties.count, 0)
    }

    func testUnifiedKeysBecomeUnitProperties() throws {
        var r = LinuxResources()
        r.unified = ["memory.high": "max", "pids.max": "0", "cpu.max": "max 50000", "cpuset.cpus": "2",
                     "io.weight": "default 100"]
        let props = Dictionary(uniqueKeysWithValues: try SystemdProperties(r, systemdVersion: 252).properties.map { ($0.0, $0.1) })
        XCTAssertEqual(wire(props["MemoryHigh"]), wire(.uint64(UInt64.max)))
        XCTAssertEqual(wire(props["TasksMax"]), wire(.uint64(1)), "systemd refuses TasksMax=0")
        XCTAssertEqual(wire(props["CPUQuotaPerSecUSec"]), wire(.uint64(UInt64.max)))
        XCTAssertEqual(wire(props["CPUQuotaPeriodUSec"]), wire(.uint64(50_000)))
        XCTAssertEqual(wire(props["AllowedCPUs"]), wire(.byteArray([0x04])))
        XCTAssertEqual(props.count, 5, "io.weight has no property: the file only")
        r.unified = ["cpuset.cpus": "3-1"]
        XCTAssertThrowsError(try SystemdProperties(r, systemdVersion: 252)) {
            XCTAssertTrue("\($0)".contains("unified[\"cpuset.cpus\"]"), "\($0)")
        }
    }
}
