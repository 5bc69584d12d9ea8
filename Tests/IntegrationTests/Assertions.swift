import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Assertions

/// Asserts a file of cgroup `path` (e.g. /swrun-it/ID): `v1` (file and
/// expected value) where a v1 hierarchy holds the file's controller, else
/// `v2` on the cgroup2 mount.
func XCTAssertCgroup(_ path: String, v1: (file: String, value: String), v2: (file: String, value: String),
                     _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    let got = Suite.cgroupValue(path, v1: v1.file, v2: v2.file)
    let want = got?.isV2 == true ? v2 : v1
    XCTAssertEqual(got?.value ?? "<missing \(v1.file) or \(v2.file) of \(path)>", want.value,
                   "\(want.file) of \(path) \(message)", file: file, line: line)
}

/// Asserts that `pid` is in cgroup `path` for every controller the host
/// has (Suite.controllers): its /proc/PID/cgroup names that directory
/// (CgroupLocator), which exists and lists it.
func XCTAssertInCgroup(_ pid: pid_t, _ path: String, file: StaticString = #filePath, line: UInt = #line) {
    let controllers = Suite.controllers
    XCTAssertFalse(controllers.isEmpty, "this host has no cgroup controller", file: file, line: line)
    for c in controllers {
        guard let dir = Suite.cgroupDir(c, path) else {
            XCTFail("no hierarchy serves \(c)", file: file, line: line)
            continue
        }
        XCTAssertEqual(CgroupLocator.directory(of: pid, controller: c), dir, "\(c) cgroup of \(pid)", file: file, line: line)
        XCTAssertTrue(isDirectory(dir), "\(dir) should exist", file: file, line: line)
        let procs = lines(readFile(dir + "/cgroup.procs") ?? "").map { trimmed($0) }
        XCTAssertTrue(procs.contains(String(pid)), "\(dir)/cgroup.procs should list \(pid): \(procs)", file: file, line: line)
    }
}

/// Asserts that cgroup `path` is in no cgroup mount.
func XCTAssertNoCgroup(_ path: String, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    for m in Suite.cgroupMounts {
        XCTAssertFalse(isDirectory(m + path), "cgroup \(m + path) left \(message)", file: file, line: line)
    }
}

/// Asserts a failing command: non-zero exit and a non-empty stderr mentioning
/// (case-insensitively) one of `words`.
func XCTAssertFails(_ r: ProcResult, mentioning words: [String], file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertNotEqual(r.status, 0, "expected failure: \(r)", file: file, line: line)
    XCTAssertFalse(r.timedOut, file: file, line: line)
    let err = r.stderr.lowercased()
    XCTAssertFalse(trimmed(err).isEmpty, "expected an error message on stderr: \(r)", file: file, line: line)
    if !words.isEmpty {
        XCTAssertTrue(words.contains { err.contains($0.lowercased()) },
                      "stderr should mention one of \(words): \(r)", file: file, line: line)
    }
}

func XCTAssertSucceeds(_ r: ProcResult, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(r.status, 0, "expected success\(message.isEmpty ? "" : " (\(message))"): \(r)", file: file, line: line)
}
