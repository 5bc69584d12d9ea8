import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// update, pause/resume, ps, kill --all and hugetlb on the unified mount.
final class CgroupLifecycleTests: IntegrationTestCase {
    static let loop = ["sh", "-c", "sleep 100 & while :; do sleep 0.1; done"]

    func running() throws -> (Sandbox, String) {
        let sb = try makeSandbox(args: Self.loop)
        let id = sb.newID()
        try sb.createAndStart(id)
        return (sb, id)
    }

    func cg(_ controller: String, _ id: String, _ file: String) -> String {
        trimmed(Suite.cgroupDir(controller, "/swrun-it/\(id)").flatMap { readFile($0 + "/" + file) } ?? "<missing>")
    }

    func testUpdateWithFlags() throws {
        let (sb, id) = try running()
        XCTAssertSucceeds(sb.swrun(["update", "--memory", "268435456", "--pids-limit", "50", "--cpu-quota", "20000",
                                    "--cpu-period", "100000", "--cpu-share", "256", id]))
        let path = "/swrun-it/\(id)"
        XCTAssertCgroup(path, v1: ("memory.limit_in_bytes", "268435456"), v2: ("memory.max", "268435456"))
        XCTAssertCgroup(path, v1: ("pids.max", "50"), v2: ("pids.max", "50"))
        XCTAssertCgroup(path, v1: ("cpu.cfs_quota_us", "20000"), v2: ("cpu.max", "20000 100000"))
        // v2: shares 256 as cpu.weight, 1 + (256 - 2) * 9999 / 262142.
        XCTAssertCgroup(path, v1: ("cpu.shares", "256"), v2: ("cpu.weight", "10"))
    }

    func testUpdateWithTheJSONPodmanSends() throws {
        let (sb, id) = try running()
        let json = #"{"memory":{"limit":134217728,"swap":268435456},"cpu":{"quota":30000,"period":100000}}"#
        XCTAssertSucceeds(sb.swrun(["update", "--resources", "-", id], stdin: json))
        let path = "/swrun-it/\(id)"
        XCTAssertCgroup(path, v1: ("memory.limit_in_bytes", "134217728"), v2: ("memory.max", "134217728"))
        // The spec's swap is memory plus swap; v2's memory.swap.max is swap alone.
        XCTAssertCgroup(path, v1: ("memory.memsw.limit_in_bytes", "268435456"), v2: ("memory.swap.max", "134217728"))
        XCTAssertCgroup(path, v1: ("cpu.cfs_quota_us", "30000"), v2: ("cpu.max", "30000 100000"))
        // Lowering both again needs the other write order on v1.
        XCTAssertSucceeds(sb.swrun(["update", "--resources", "-", id], stdin: #"{"memory":{"limit":67108864,"swap":100663296}}"#))
        XCTAssertCgroup(path, v1: ("memory.memsw.limit_in_bytes", "100663296"), v2: ("memory.swap.max", "33554432"))
    }

    func testUpdateWithBadValuesFailsAndChangesNothing() throws {
        let (sb, id) = try running()
        let before = cg("pids", id, "pids.max")
        XCTAssertFails(sb.swrun(["update", "--pids-limit", "lots", id]), mentioning: ["pids-limit", "invalid", "lots"])
        XCTAssertFails(sb.swrun(["update", "--resources", "-", id], stdin: #"{"memory":{"limit":"big"}}"#),
                       mentioning: ["memory", "limit", "invalid", "cannot"])
        XCTAssertEqual(cg("pids", id, "pids.max"), before)
    }

    func testPauseAndResume() throws {
        let (sb, id) = try running()
        let pid = try XCTUnwrap(sb.statePid(id))
        XCTAssertSucceeds(sb.swrun(["pause", id]))
        XCTAssertEqual(sb.status(id), "paused")
        XCTAssertCgroup("/swrun-it/\(id)", v1: ("freezer.state", "FROZEN"), v2: ("cgroup.freeze", "1"))
        XCTAssertTrue(sb.swrun(["list"]).stdout.contains("paused"))
        XCTAssertFails(sb.swrun(["exec", id, "true"]), mentioning: ["paused"])
        XCTAssertSucceeds(sb.swrun(["resume", id]))
        XCTAssertEqual(sb.status(id), "running")
        XCTAssertEqual(procStatusField(pid, "State")?.hasPrefix("D"), false)
        XCTAssertFails(sb.swrun(["resume", id]), mentioning: ["not paused"])
    }

    /// A cgroup the caller froze, or whose parent it froze, would stop the
    /// init as it joins: create must fail at once, naming it, and leave
    /// nothing (runc: "container's cgroup unexpectedly frozen").
    func testCreateInAFrozenCgroupFailsAndLeavesNothing() throws {
        // runc 1.1.5 checks only the container's own cgroup: under a frozen
        // parent it hangs, so the nested case is swrun's alone.
        for nested in Suite.isRunc ? [false] : [false, true] {
            let sb = try makeSandbox(args: ["true"])
            let id = sb.newID()
            let frozen = "/\(Suite.cgroupParent)/frozen-\(id)"
            sb.bundle.linux["cgroupsPath"] = nested ? frozen + "/child" : frozen
            var thaw: [(String, String, String)] = []
            var dirs: [String] = []
            // (Not cpuset: a v1 cpuset cgroup made here would have no cpus.)
            for m in Suite.cgroupMounts where fileExists(m + "/cgroup.procs") && !m.hasSuffix("/cpuset") {
                let dir = m + frozen
                guard (try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)) != nil else { continue }
                dirs.append(dir)
                if fileExists(dir + "/freezer.state"), (try? writeFile(dir + "/freezer.state", "FROZEN")) != nil {
                    thaw.append((dir, "freezer.state", "THAWED"))
                } else if fileExists(dir + "/cgroup.freeze"), (try? writeFile(dir + "/cgroup.freeze", "1")) != nil {
                    thaw.append((dir, "cgroup.freeze", "0"))
                }
            }
            defer {
                for (d, f, v) in thaw { try? writeFile(d + "/" + f, v) }
                for d in dirs { rmdir(d + "/child"); rmdir(d) }
            }
            if thaw.isEmpty { throw XCTSkip("this host has neither a v1 freezer nor cgroup.freeze to freeze with") }
            try sb.bundle.writeConfig()
            sb.register(id)
            let r = sb.swrun(["create", "--bundle", sb.bundle.path, id], timeout: 10)
            XCTAssertNotEqual(r.status, 0, "nested=\(nested): \(r)")
            XCTAssertTrue(r.stderr.contains("frozen"), "nested=\(nested): \(r)")
            XCTAssertNotEqual(sb.swrun(["state", id]).status, 0, "no state is left: \(r)")
            if nested {
                for d in dirs { XCTAssertFalse(isDirectory(d + "/child"), "the cgroup swrun made is removed: \(d)/child") }
            }
        }
    }

    func testDeleteForceOfAPausedContainer() throws {
        let (sb, id) = try running()
        XCTAssertSucceeds(sb.swrun(["pause", id]))
        XCTAssertSucceeds(sb.swrun(["delete", "--force", id]))
        XCTAssertNil(sb.state(id))
    }

    /// A container may make cgroups of its own inside its cgroup (with a
    /// writable cgroup mount): delete --force removes them too, killing
    /// what is in them, and leaves nothing.
    func testDeleteForceRemovesCgroupsTheContainerMadeInside() throws {
        let (sb, id) = try running()
        let initPid = sb.statePid(id) ?? 0
        let dir = try XCTUnwrap(CgroupLocator.directory(of: initPid, controller: "pids"), "the init's pids cgroup")
        XCTAssertEqual(mkdir(dir + "/inner", 0o755), 0, "errno \(errno)")
        XCTAssertEqual(mkdir(dir + "/inner/deeper", 0o755), 0)
        try writeFile(dir + "/inner/deeper/cgroup.procs", "\(initPid)")
        XCTAssertSucceeds(sb.swrun(["delete", "--force", id]))
        reap(initPid)
        XCTAssertFalse(isDirectory(dir), "\(dir) and what the container made in it are gone")
        XCTAssertFalse(processExists(initPid) && processStateLetter(initPid) != "Z")
        sb.assertNoTrace(of: id)
    }

    /// A cgroup the caller made for the container, left empty by delete, is
    /// removed with it, as runc does (one holding other processes stays:
    /// SharedCgroupTests).
    func testDeleteRemovesAnEmptyCgroupTheCallerMadeForTheContainer() throws {
        let sb = try makeSandbox(args: ["sleep", "1000"])
        let id = sb.newID()
        let path = "/\(Suite.cgroupParent)/precreated-\(id)"
        sb.bundle.linux["cgroupsPath"] = path
        var made: [String] = []
        for m in Suite.cgroupMounts where !m.hasSuffix("/cpuset") {
            if (try? FileManager.default.createDirectory(atPath: m + path, withIntermediateDirectories: true)) != nil { made.append(m + path) }
        }
        defer { for d in made { rmdir(d) } }
        XCTAssertFalse(made.isEmpty)
        try sb.bundle.writeConfig()
        sb.register(id)
        XCTAssertSucceeds(sb.swrun(["run", "-d", "--bundle", sb.bundle.path, id]))
        let initPid = sb.statePid(id) ?? 0
        XCTAssertSucceeds(sb.swrun(["delete", "--force", id]))
        reap(initPid)
        for d in made { XCTAssertFalse(isDirectory(d), "\(d) is empty after delete: removed") }
    }

    func testPsListsTheContainersProcesses() throws {
        let (sb, id) = try running()
        let pid = try XCTUnwrap(sb.statePid(id))
        let json = sb.swrun(["ps", "--format", "json", id])
        XCTAssertSucceeds(json)
        let pids = (parseJSON(json.stdout) as? [Any])?.compactMap(intValue) ?? []
        XCTAssertTrue(pids.contains(Int(pid)), "\(json)")
        XCTAssertGreaterThanOrEqual(pids.count, 2, "sh and its sleep: \(json)")
        let table = sb.swrun(["ps", id])
        XCTAssertSucceeds(table)
        XCTAssertTrue(table.stdout.hasPrefix("UID"), "\(table)")
        XCTAssertTrue(table.stdout.contains("sleep 100"), "\(table)")
    }

    func testKillAllReachesEveryProcess() throws {
        let (sb, id) = try running()
        var pids: [Int32] = []
        let both = waitUntil(timeout: 5) {
            pids = lines(cg("pids", id, "cgroup.procs")).compactMap { Int32(trimmed($0)) }
            return pids.count >= 2
        }
        XCTAssertTrue(both, "sh and its sleep in the container's cgroup: \(pids)")
        XCTAssertSucceeds(sb.swrun(["kill", "--all", id, "KILL"]))
        XCTAssertTrue(sb.waitForStatus(id, "stopped"))
        for p in pids where p != sb.statePid(id) {
            XCTAssertTrue(waitUntil(timeout: 5) { !processExists(p) || processStateLetter(p) == "Z" }, "pid \(p) was killed")
        }
    }

    func testHugetlbLimitOnTheUnifiedMount() throws {
        // runc 1.1.5 fails hugetlb limits on this hybrid host.
        try swrunOnly("hugetlb on the v2 mount of a hybrid host")
        guard FileManager.default.fileExists(atPath: "/sys/kernel/mm/hugepages/hugepages-2048kB") else {
            throw XCTSkip("this kernel has no 2MB huge pages")
        }
        let sb = try makeSandbox(args: Self.loop)
        var res = sb.bundle.resources
        res["hugepageLimits"] = [["pageSize": "2MB", "limit": 4 * 1024 * 1024]]
        sb.bundle.resources = res
        let id = sb.newID()
        try sb.createAndStart(id)
        XCTAssertEqual(cg("unified", id, "hugetlb.2MB.max"), "4194304")
        XCTAssertSucceeds(sb.swrun(["update", "--resources", "-", id], stdin: #"{"hugepageLimits":[{"pageSize":"2MB","limit":8388608}]}"#))
        XCTAssertEqual(cg("unified", id, "hugetlb.2MB.max"), "8388608")
    }

    func testALimitTheHostCannotApplyNamesItAndLeavesNothing() throws {
        let sb = try makeSandbox(args: Self.loop)
        var res = sb.bundle.resources
        res["hugepageLimits"] = [["pageSize": "3MB", "limit": 1]]
        sb.bundle.resources = res
        let id = sb.newID()
        try sb.prepare(id)
        XCTAssertFails(sb.swrun(["create", "--bundle", sb.bundle.path, id]), mentioning: ["3MB", "hugetlb"])
        sb.assertNoTrace(of: id)
    }

    func testEventsStats() throws {
        let (sb, id) = try running()
        // Until sh has forked its sleep, the cgroup holds one process.
        var r = sb.swrun(["events", "--stats", id])
        waitUntil(timeout: 5) {
            let data = (parseJSON(r.stdout) as? [String: Any])?["data"] as? [String: Any]
            if (intValue((data?["pids"] as? [String: Any])?["current"]) ?? 0) >= 2 { return true }
            r = sb.swrun(["events", "--stats", id])
            return false
        }
        XCTAssertSucceeds(r)
        let event = try XCTUnwrap(parseJSON(r.stdout) as? [String: Any], "\(r)")
        XCTAssertEqual(event["type"] as? String, "stats")
        XCTAssertEqual(event["id"] as? String, id)
        let data = try XCTUnwrap(event["data"] as? [String: Any])
        XCTAssertGreaterThanOrEqual(intValue((data["pids"] as? [String: Any])?["current"]) ?? 0, 2, "\(r)")
        let usage = ((data["memory"] as? [String: Any])?["usage"] as? [String: Any])?["usage"]
        XCTAssertGreaterThan(intValue(usage) ?? 0, 0, "\(r)")
        let cpu = ((data["cpu"] as? [String: Any])?["usage"] as? [String: Any])?["total"]
        XCTAssertGreaterThan(intValue(cpu) ?? 0, 0, "\(r)")
    }

    func testEventsOfAStoppedContainerIsAnError() throws {
        let (sb, id) = try running()
        XCTAssertSucceeds(sb.swrun(["kill", id, "KILL"]))
        XCTAssertTrue(sb.waitForStatus(id, "stopped"))
        XCTAssertFails(sb.swrun(["events", "--stats", id]), mentioning: ["not running", "stopped"])
    }
}
