import Foundation
import XCTest

/// Docker and runc's other callers send 0 for every resource they do not
/// set. A container created with those zeros runs, keeps the kernel's
/// defaults, and `update` with the same zeros changes only what is set.
final class ResourceZeroTests: IntegrationTestCase {
    static let loop = ["sh", "-c", "touch /host/started; while :; do sleep 0.1; done"]

    /// linux.resources as Docker 20.10 writes them for `docker run -m 64m`.
    static let dockerResources: [String: Any] = [
        "memory": ["limit": 64 << 20, "reservation": 0, "swap": 128 << 20, "kernel": 0, "kernelTCP": 0],
        "cpu": ["shares": 0, "quota": 0, "period": 0, "realtimeRuntime": 0, "realtimePeriod": 0, "cpus": "", "mems": ""],
        "blockIO": ["weight": 0, "leafWeight": 0],
        "pids": ["limit": 0],
    ]

    /// A started container whose resources have `changes` merged in: its
    /// sandbox, id and init pid.
    private func started(with changes: (inout [String: Any]) -> Void) throws -> (Sandbox, String, pid_t) {
        let sb = try makeSandbox(args: Self.loop)
        sb.bundle.bind(sb.hostDir, at: "/host")
        var res = sb.bundle.resources
        changes(&res)
        sb.bundle.resources = res
        let id = sb.newID()
        try sb.createAndStart(id)
        XCTAssertTrue(sb.waitForHostFile("started"))
        return (sb, id, sb.statePid(id) ?? 0)
    }

    func testDockerZerosMeanNotSet() throws {
        let (sb, id, pid) = try started { res in for (k, v) in Self.dockerResources { res[k] = v } }
        XCTAssertEqual(memoryLimit(pid), "67108864")
        XCTAssertEqual(CgroupLocator.read(pid, "pids", "pids.max"), "max", "pids 0: the default stays")
        if let shares = CgroupLocator.read(pid, "cpu", "cpu.shares") {
            XCTAssertEqual(shares, "1024", "shares 0: the default stays")
        }
        if let quota = CgroupLocator.read(pid, "cpu", "cpu.cfs_quota_us") { XCTAssertEqual(quota, "-1") }
        XCTAssertSucceeds(sb.swrun(["delete", "--force", id]))
        reap(pid)
    }

    /// `docker update --memory 96m` pipes all fields, the unset ones 0.
    func testUpdateWithZerosChangesOnlyWhatIsSet() throws {
        let (sb, id, pid) = try started { res in
            res["pids"] = ["limit": 50]
            res["memory"] = ["limit": 64 << 20]
        }
        let update = """
            {"memory":{"limit":100663296,"reservation":0,"swap":0,"kernel":0,"kernelTCP":0},
             "cpu":{"shares":0,"quota":0,"period":0,"realtimeRuntime":0,"realtimePeriod":0,"cpus":"","mems":""},
             "blockIO":{"weight":0},"pids":{"limit":0}}
            """
        XCTAssertSucceeds(sb.swrun(["update", "--resources", "-", id], stdin: update))
        XCTAssertEqual(memoryLimit(pid), "100663296")
        XCTAssertEqual(CgroupLocator.read(pid, "pids", "pids.max"), "50", "pids 0 in update: unchanged")
        XCTAssertSucceeds(sb.swrun(["update", "--blkio-weight", "0", "--pids-limit", "0", id]))
        XCTAssertEqual(CgroupLocator.read(pid, "pids", "pids.max"), "50", "--pids-limit 0: unchanged")
        XCTAssertSucceeds(sb.swrun(["delete", "--force", id]))
        reap(pid)
    }

    /// `docker run --device-cgroup-rule 'c 42:* rwm'` writes minor -1: any.
    func testMinusOneInADeviceRuleIsAny() throws {
        let (sb, id, pid) = try started { res in
            res["devices"] = (res["devices"] as? [[String: Any]] ?? []) + [["allow": true, "type": "c", "major": 42, "minor": -1, "access": "rwm"]]
        }
        if let list = CgroupLocator.read(pid, "devices", "devices.list") {
            XCTAssertTrue(lines(list).contains("c 42:* rwm"), list)
        }
        XCTAssertSucceeds(sb.swrun(["delete", "--force", id]))
        reap(pid)
    }

    func testBlkioWeightOutOfRangeIsAnError() throws {
        let sb = try makeSandbox()
        var res = sb.bundle.resources
        res["blockIO"] = ["weight": 5]
        sb.bundle.resources = res
        let id = sb.newID()
        let r = try sb.create(id)
        XCTAssertNotEqual(r.status, 0, "weight 5 is below every scheduler's range: \(r)")
        XCTAssertTrue(r.stderr.contains("blkio") || r.stderr.contains("blockIO"), "\(r)")
        sb.assertNoTrace(of: id)
    }

    /// memory.limit_in_bytes on v1, memory.max on v2.
    private func memoryLimit(_ pid: pid_t) -> String? {
        CgroupLocator.read(pid, "memory", "memory.limit_in_bytes") ?? CgroupLocator.read(pid, "memory", "memory.max")
    }
}
