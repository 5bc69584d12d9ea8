import Foundation
import XCTest

/// A host whose /sys/fs/cgroup is the unified hierarchy, made from this
/// one: in a mount namespace of its own, cgroup2 mounted over
/// /sys/fs/cgroup. The runtime must see a v2 host there (statfs, not
/// /proc/self/cgroup) and use the core v2 files: procs, freeze, kill.
final class UnifiedViewTests: IntegrationTestCase {
    func testRunsWithCgroup2MountedOverSysFsCgroup() throws {
        if FileManager.default.fileExists(atPath: "/sys/fs/cgroup/cgroup.controllers") {
            throw XCTSkip("/sys/fs/cgroup is the unified hierarchy already: every cgroup test runs on v2 here")
        }
        let sb = try makeSandbox(args: ["sleep", "1000"])
        let id = sb.newID()
        try sb.prepare(id)
        let pidFile = sb.dir + "/init.pid"
        let script = """
            set -e
            mount -t cgroup2 none /sys/fs/cgroup
            rt() { "\(sb.binary)" --root "\(sb.stateRoot)" "$@"; }
            trap 'rt delete --force \(id) >/dev/null 2>&1 || true' EXIT
            rt create --bundle "\(sb.bundle.path)" --pid-file "\(pidFile)" \(id)
            rt start \(id)
            pid=$(cat "\(pidFile)")
            echo "pid=$pid"
            cg=/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/$pid/cgroup)
            echo "cg=$cg"
            grep -qx "$pid" "$cg/cgroup.procs" && echo "procs=ok"
            rt pause \(id)
            echo "frozen=$(cat "$cg/cgroup.freeze")"
            rt resume \(id)
            echo "thawed=$(cat "$cg/cgroup.freeze")"
            rt kill --all \(id) KILL
            for i in $(seq 50); do [ -s "$cg/cgroup.procs" ] || break; sleep 0.1; done
            echo "left=$(wc -l < "$cg/cgroup.procs")"
            rt delete --force \(id)
            [ -d "$cg" ] || echo "removed=yes"
            """
        let r = runProcess(["unshare", "--mount", "--propagation", "private", "sh", "-c", script], timeout: 60)
        let out = Dictionary(lines(r.stdout).compactMap { line -> (String, String)? in
            guard let eq = line.firstIndex(of: "=") else { return nil }
            return (String(line[..<eq]), String(line[line.index(after: eq)...]))
        }, uniquingKeysWith: { a, _ in a })
        if let pid = out["pid"].flatMap({ pid_t($0) }) { _ = reap(pid) }
        XCTAssertEqual(r.status, 0, "\(r)")
        XCTAssertEqual(out["cg"], "/sys/fs/cgroup" + sb.cgroupsPath(for: id), "placed by cgroupsPath in the v2 tree: \(r)")
        XCTAssertEqual(out["procs"], "ok", "\(r)")
        XCTAssertEqual(out["frozen"], "1", "pause writes cgroup.freeze: \(r)")
        XCTAssertEqual(out["thawed"], "0", "\(r)")
        XCTAssertEqual(out["left"], "0", "kill --all emptied the cgroup: \(r)")
        XCTAssertEqual(out["removed"], "yes", "delete removed the cgroup: \(r)")
    }
}
