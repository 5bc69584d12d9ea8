import Foundation
import XCTest
@testable import OCI

/// The hand-written tree readers (`decodeSpec`, and `decodeJSONDocument` for
/// the spec's own types) against the Codable path they replace: same values
/// for good documents, same `SpecError` for broken ones.
final class TreeReaderDifferentialTests: XCTestCase {
    // MARK: - Documents on disk

    func testClientFixtures() throws {
        let names = try fixtureNames()
        XCTAssertGreaterThan(names.count, 10)
        for name in names {
            let data = try Data(contentsOf: fixturesDirectory().appendingPathComponent(name))
            if name.contains("process") {
                assertSameDecoding(OCI.Process.self, data, file: "process.json", name)
            } else if name.contains("update") {
                assertSameDecoding(LinuxResources.self, data, file: "stdin", name)
            } else {
                assertSameDecoding(Spec.self, data, name)
                XCTAssertNoThrow(try decodeSpec(from: data), name)
            }
        }
    }

    func testSchemaExampleConfigs() throws {
        let good = try exampleFiles("config/good")
        XCTAssertFalse(good.isEmpty)
        for url in good {
            let data = try Data(contentsOf: url)
            XCTAssertNoThrow(try decodeSpec(from: data), url.lastPathComponent)
            assertSameDecoding(Spec.self, data, url.lastPathComponent)
        }
        for url in try exampleFiles("config/bad") {
            assertSameDecoding(Spec.self, try Data(contentsOf: url), url.lastPathComponent)
        }
    }

    func testFixturesRoundTripThroughTheEncoder() throws {
        for name in try fixtureNames() where !name.contains("process") && !name.contains("update") {
            let spec = try decodeSpec(from: Data(contentsOf: fixturesDirectory().appendingPathComponent(name)))
            XCTAssertEqual(try decodeSpec(from: encodeJSONCompact(spec)), spec, name)
        }
        let full = everyFieldSpec()
        XCTAssertEqual(try decodeSpec(from: encodeJSONCompact(full)), full)
        XCTAssertEqual(try decodeJSONDocument(OCI.Process.self, from: encodeJSONCompact(full.process), file: "process.json"),
                       full.process)
        XCTAssertEqual(try decodeJSONDocument(LinuxResources.self, from: encodeJSONCompact(full.linux?.resources), file: "stdin"),
                       full.linux?.resources)
    }

    // MARK: - Every field

    /// The fixture value must leave nothing unset, so that a field added to
    /// a type but forgotten by its reader makes the comparisons below fail.
    func testEveryFieldSpecSetsEveryField() {
        XCTAssertEqual(unsetFields(everyFieldSpec()), [])
    }

    func testEveryFieldDocument() throws {
        let data = Data(everyFieldJSON.utf8)
        XCTAssertEqual(try decodeSpec(from: data), everyFieldSpec())
        assertSameDecoding(Spec.self, data, "every field")
        assertSameDecoding(Spec.self, encodeJSONCompact(everyFieldSpec()), "every field, encoded")
        assertSameDecoding(Spec.self, encodeJSONPretty(everyFieldSpec()), "every field, pretty")
    }

    func testEveryFieldProcessDocument() throws {
        let data = try encodeJSONCompact(XCTUnwrap(everyFieldSpec().process))
        XCTAssertEqual(try decodeJSONDocument(OCI.Process.self, from: data, file: "process.json"), everyFieldSpec().process)
        assertSameDecoding(OCI.Process.self, data, file: "process.json", "every process field")
        assertSameDecoding(LinuxResources.self, encodeJSONCompact(everyFieldSpec().linux?.resources), file: "stdin",
                           "every resources field")
    }

    /// What `decodeJSONDocument` checks to pick the reader over Codable.
    func testSpecTypesUseTheirReaders() {
        func hasReader<T>(_ type: T.Type) -> Bool { type is JSONTreeReadable.Type }
        XCTAssertTrue(hasReader(Spec.self))
        XCTAssertTrue(hasReader(OCI.Process.self))
        XCTAssertTrue(hasReader(LinuxResources.self))
        XCTAssertFalse(hasReader(ContainerState.self))
    }

    // MARK: - Good documents in unusual shapes

    func testAcceptedVariants() {
        let documents = [
            // nulls for optional members are absent members
            #"{"ociVersion":"1.0.0","process":null,"root":null,"hostname":null,"mounts":null,"hooks":null,"annotations":null,"linux":null}"#,
            #"{"ociVersion":"1.0.0","process":{"cwd":"/","user":null,"args":null,"env":null,"terminal":null,"consoleSize":null,"capabilities":null,"rlimits":null,"noNewPrivileges":null,"apparmorProfile":null,"oomScoreAdj":null,"selinuxLabel":null,"ioPriority":null,"scheduler":null,"execCPUAffinity":null}}"#,
            #"{"ociVersion":"1.0.0","linux":{"namespaces":[{"type":"pid","path":null}],"resources":{"memory":{"limit":null},"cpu":null,"devices":[{"allow":true,"type":null,"major":null,"minor":null,"access":null}]},"seccomp":{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","args":null,"errnoRet":null}]}}}"#,
            // a missing user is root
            #"{"ociVersion":"1.0.0","process":{"cwd":"/"}}"#,
            // empty objects and arrays
            #"{"ociVersion":"1.0.0","process":{"cwd":"","args":[],"env":[],"capabilities":{},"rlimits":[],"user":{"uid":0,"gid":0,"additionalGids":[]}},"root":{"path":""},"mounts":[],"hooks":{},"annotations":{},"linux":{"resources":{},"namespaces":[],"timeOffsets":{},"netDevices":{},"sysctl":{},"intelRdt":{},"seccomp":{"defaultAction":""}}}"#,
            #"{"ociVersion":"1.0.0","linux":{"resources":{"memory":{},"cpu":{},"pids":{},"blockIO":{},"network":{},"rdma":{},"unified":{},"hugepageLimits":[],"devices":[]}}}"#,
            // whole numbers spelled with a fraction or an exponent
            #"{"ociVersion":"1.0.0","process":{"cwd":"/","user":{"uid":1e3,"gid":5.0,"umask":1E2,"additionalGids":[0.0e0,-0,2.000]},"oomScoreAdj":-1e2,"consoleSize":{"height":8e0,"width":1.5e1}}}"#,
            #"{"ociVersion":"1.0.0","linux":{"resources":{"memory":{"limit":1e3,"swap":-1,"kernel":-9223372036854775808,"swappiness":18446744073709551615},"blockIO":{"weight":65535,"leafWeight":0}}}}"#,
            // -2^63 - 1 is not an Int64, but it reads as the Double -2^63, which is
            #"{"ociVersion":"1.0.0","process":{"cwd":"/","oomScoreAdj":-9223372036854775809},"linux":{"resources":{"memory":{"kernel":-9223372036854775809}}}}"#,
            // unknown members anywhere, and repeated keys (the last one wins)
            #"{"ociVersion":"0.1","ociVersion":"1.0.0","x":{"y":[1,{"z":null}]},"process":{"cwd":"/a","cwd":"/b","unknown":true,"user":{"uid":1,"extra":"x","gid":2}},"linux":{"resources":{"cpu":{"shares":1,"future":[1]}},"namespaces":[{"type":"pid","flags":7}]},"windows":{},"vm":{"hypervisor":{"path":"/x"}},"solaris":{},"zos":{},"freebsd":{}}"#,
            // keys that are not identifiers in maps
            #"{"ociVersion":"1.0.0","annotations":{"":"empty","a b":"space","k\"q":"quote","Index 0":"index"},"linux":{"sysctl":{"net.ipv4.ip_forward":"1"},"timeOffsets":{"monotonic":{"secs":-1}},"netDevices":{"eth0":{}},"resources":{"unified":{"memory.max":"max"},"rdma":{"mlx5_1":{"hcaHandles":3}}}}}"#,
            // deep nesting under an unknown key
            #"{"ociVersion":"1.0.0","deep":"# + String(repeating: "[", count: 400) + String(repeating: "]", count: 400) + "}",
        ]
        for (i, json) in documents.enumerated() {
            XCTAssertNoThrow(try decodeSpec(from: Data(json.utf8)), "document \(i)")
            assertSameDecoding(Spec.self, Data(json.utf8), "document \(i)")
        }
    }

    // MARK: - Broken documents

    func testBrokenDocumentsFailTheSameWay() {
        for json in brokenSpecDocuments {
            let data = Data(json.utf8)
            XCTAssertThrowsError(try decodeSpec(from: data), json)
            assertSameDecoding(Spec.self, data, json)
        }
    }

    func testBrokenProcessDocumentsFailTheSameWay() {
        let documents = [
            #"[]"#, #"null"#, #"{}"#, #"{"cwd":null}"#, #"{"cwd":1}"#,
            #"{"cwd":"/","user":{"uid":0}}"#, #"{"cwd":"/","user":{"gid":0}}"#, #"{"cwd":"/","user":[]}"#,
            #"{"cwd":"/","user":{"uid":4294967296,"gid":0}}"#, #"{"cwd":"/","user":{"uid":0,"gid":0,"additionalGids":[1,-1]}}"#,
            #"{"cwd":"/","terminal":"yes"}"#, #"{"cwd":"/","args":["sh",1]}"#, #"{"cwd":"/","env":"A=1"}"#,
            #"{"cwd":"/","consoleSize":{"height":1}}"#, #"{"cwd":"/","consoleSize":{"height":-1,"width":1}}"#,
            #"{"cwd":"/","capabilities":{"bounding":["CAP_CHOWN",null]}}"#,
            #"{"cwd":"/","rlimits":[{"type":"RLIMIT_NOFILE","hard":1}]}"#,
            #"{"cwd":"/","oomScoreAdj":9223372036854775808}"#,
            #"{"cwd":"/","ioPriority":{"priority":1}}"#, #"{"cwd":"/","scheduler":{"policy":"SCHED_OTHER","nice":-2147483649}}"#,
            #"{"cwd":"/","execCPUAffinity":{"final":0}}"#,
            // the first problem in reading order is the one reported
            #"{"terminal":1,"user":{"uid":"x"}}"#, #"{"user":{"uid":"x"}}"#, #"{"args":[1]}"#,
        ]
        for json in documents {
            XCTAssertThrowsError(try decodeJSONDocument(OCI.Process.self, from: Data(json.utf8), file: "process.json"), json)
            assertSameDecoding(OCI.Process.self, Data(json.utf8), file: "process.json", json)
        }
    }

    func testBrokenResourcesDocumentsFailTheSameWay() {
        let documents = [
            #"[]"#, #"{"memory":{"limit":"1G"}}"#, #"{"cpu":{"shares":-1}}"#, #"{"pids":{"limit":1.5}}"#,
            #"{"blockIO":{"weight":65536}}"#, #"{"devices":[{"access":"rwm"}]}"#, #"{"unified":{"cpu.max":100000}}"#,
        ]
        for json in documents {
            XCTAssertThrowsError(try decodeJSONDocument(LinuxResources.self, from: Data(json.utf8), file: "stdin"), json)
            assertSameDecoding(LinuxResources.self, Data(json.utf8), file: "stdin", json)
        }
    }

    /// A few messages spelled out, so that both paths cannot drift together.
    func testSomeMessagesVerbatim() {
        let expected: [(String, String)] = [
            (#"{"ociVersion":"1.0.0","linux":{"resources":{"blockIO":{"weight":65536}}}}"#,
             "config.json: linux.resources.blockIO.weight: expected a number (UInt16), got 65536 (out of range)"),
            (#"{"ociVersion":"1.0.0","process":{"cwd":"/","scheduler":{"policy":"SCHED_OTHER","nice":2147483648}}}"#,
             "config.json: process.scheduler.nice: expected a number (Int32), got 2147483648 (out of range)"),
            (#"{"ociVersion":"1.0.0","process":{"cwd":"/","consoleSize":{"height":-1,"width":1}}}"#,
             "config.json: process.consoleSize.height: expected a number (UInt), got -1 (out of range)"),
            (#"{"ociVersion":"1.0.0","process":{"cwd":"/","oomScoreAdj":0.5}}"#,
             "config.json: process.oomScoreAdj: expected a number (Int), got 0.5 (not a whole number)"),
            (#"{"ociVersion":"1.0.0","linux":{"seccomp":{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["a"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":18446744073709551616,"op":"SCMP_CMP_EQ"}]}]}}}"#,
             "config.json: linux.seccomp.syscalls[0].args[0].value: expected a number (UInt64), got 18446744073709551616 (out of range)"),
            (#"{"ociVersion":"1.0.0","mounts":[{"destination":"/a"},{"type":"bind"}]}"#,
             #"config.json: mounts[1]: missing required field "destination""#),
            (#"{"ociVersion":"1.0.0","annotations":{"a.b":null}}"#,
             #"config.json: annotations["a.b"]: expected a string, got null"#),
            (#"{"ociVersion":"1.0.0","linux":{"timeOffsets":{"monotonic":{"nanosecs":-1}}}}"#,
             "config.json: linux.timeOffsets.monotonic.nanosecs: expected a number (UInt32), got -1 (out of range)"),
            (#"{"ociVersion":"1.0.0","linux":{"resources":{"rdma":{"mlx5_1":[]}}}}"#,
             "config.json: linux.resources.rdma.mlx5_1: expected an object, got an array"),
            (#"{"ociVersion":"1.0.0","linux":{"seccomp":{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":null,"action":"SCMP_ACT_ALLOW"}]}}}"#,
             "config.json: linux.seccomp.syscalls[0].names: expected an array, got null"),
            (#"{"ociVersion":"1.0.0","process":{"cwd":"/","ioPriority":{"class":"IOPRIO_CLASS_RT"}}}"#,
             #"config.json: process.ioPriority: missing required field "priority""#),
            (#"null"#, "config.json: expected an object, got null"),
        ]
        for (json, message) in expected {
            XCTAssertEqual(decodeError(json)?.description, message, json)
            XCTAssertThrowsError(try decodeJSONDocumentViaCodable(Spec.self, from: Data(json.utf8), file: "config.json")) {
                XCTAssertEqual("\($0)", message, json)
            }
        }
    }
}

// MARK: - Comparing the two paths

/// Decodes `data` through the reader (`decodeSpec` for `Spec`, else
/// `decodeJSONDocument`) and through Codable; both must give equal values or
/// equal errors.
private func assertSameDecoding<T: Decodable & Equatable>(
    _ type: T.Type, _ data: Data, file: String = "config.json", _ name: String,
    sourceFile: StaticString = #filePath, line: UInt = #line
) {
    let viaReader = Result<T, Error> {
        if T.self == Spec.self, file == "config.json" {
            return try decodeSpec(from: data) as! T
        }
        return try decodeJSONDocument(T.self, from: data, file: file)
    }
    let viaCodable = Result<T, Error> { try decodeJSONDocumentViaCodable(T.self, from: data, file: file) }
    switch (viaReader, viaCodable) {
    case (.success(let a), .success(let b)):
        XCTAssertEqual(a, b, name, file: sourceFile, line: line)
    case (.failure(let a), .failure(let b)):
        XCTAssertTrue(a is SpecError, "\(name): reader threw \(a)", file: sourceFile, line: line)
        XCTAssertEqual("\(a)", "\(b)", name, file: sourceFile, line: line)
        XCTAssertEqual(a as? SpecError, b as? SpecError, name, file: sourceFile, line: line)
    case (.success(let a), .failure(let b)):
        XCTFail("\(name): the reader accepted what Codable rejects (\(b)): \(a)", file: sourceFile, line: line)
    case (.failure(let a), .success(let b)):
        XCTFail("\(name): the reader rejects (\(a)) what Codable accepts: \(b)", file: sourceFile, line: line)
    }
}

private func fixturesDirectory() -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Specs/fixtures")
}

private func fixtureNames() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: fixturesDirectory().path).filter { $0.hasSuffix(".json") }.sorted()
}

/// The fields (paths without indices or map keys) that are nil, or empty
/// collections, wherever they occur in `value`.
private func unsetFields(_ value: Any) -> [String] {
    var set: Set<String> = []
    var unset: Set<String> = []
    func walk(_ value: Any, _ path: String) {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            if let wrapped = mirror.children.first?.value {
                set.insert(path)
                walk(wrapped, path)
            } else {
                unset.insert(path)
            }
        case .collection, .dictionary:
            if mirror.children.isEmpty { unset.insert(path + "[]") } else { set.insert(path + "[]") }
            for child in mirror.children { walk(child.value, path + "[]") }
        case .tuple:  // a dictionary entry
            for child in mirror.children where child.label == "value" { walk(child.value, path) }
        case .struct:
            for child in mirror.children { walk(child.value, path + "." + (child.label ?? "?")) }
        default:
            break
        }
    }
    walk(value, "spec")
    return unset.subtracting(set).sorted()
}

// MARK: - Fixtures

private func hook(_ name: String, timeout: Int) -> Hook {
    Hook(path: "/usr/libexec/\(name)", args: [name, "--flag"], env: ["HOOK=\(name)"], timeout: timeout)
}

/// A spec with every field of every type set, mostly to values that are
/// not the types' defaults, and integers at the ends of their ranges.
private func everyFieldSpec() -> Spec {
    Spec(
        ociVersion: "1.2.0",
        process: Process(
            terminal: true,
            consoleSize: ConsoleSize(height: 24, width: UInt.max),
            user: User(uid: UInt32.max, gid: 7, umask: 0o027, additionalGids: [5, 6]),
            args: ["/bin/sh", "-c", "echo \"hi\" \\ there"],
            env: ["PATH=/usr/bin", "UNICODE=é😀"],
            cwd: "/work",
            capabilities: LinuxCapabilities(
                bounding: ["CAP_CHOWN", "CAP_KILL"], effective: ["CAP_CHOWN"], inheritable: ["CAP_SETUID"],
                permitted: ["CAP_CHOWN", "CAP_NET_RAW"], ambient: ["CAP_BPF"]),
            rlimits: [POSIXRlimit(type: "RLIMIT_NOFILE", hard: UInt64.max, soft: 1024),
                      POSIXRlimit(type: "RLIMIT_CORE", hard: 0, soft: 0)],
            noNewPrivileges: true,
            apparmorProfile: "docker-default",
            oomScoreAdj: Int.min,
            selinuxLabel: "system_u:system_r:svirt_lxc_net_t:s0:c124,c675",
            ioPriority: LinuxIOPriority(ioClass: "IOPRIO_CLASS_BE", priority: 4),
            scheduler: LinuxScheduler(policy: "SCHED_DEADLINE", nice: Int32.min, priority: Int32.max,
                                      flags: ["SCHED_FLAG_RESET_ON_FORK"], runtime: 10, deadline: UInt64.max, period: 30),
            execCPUAffinity: LinuxExecCPUAffinity(initial: "0-3,7", final: "4")),
        root: Root(path: "rootfs", readonly: true),
        hostname: "container",
        domainname: "example.test",
        mounts: [
            Mount(destination: "/data", type: "bind", source: "/srv/data", options: ["rbind", "ro"],
                  uidMappings: [LinuxIDMapping(containerID: 0, hostID: 100_000, size: 65536)],
                  gidMappings: [LinuxIDMapping(containerID: 1, hostID: UInt32.max, size: 1)]),
            Mount(destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid"],
                  uidMappings: [LinuxIDMapping(containerID: 2, hostID: 3, size: 4)],
                  gidMappings: [LinuxIDMapping(containerID: 5, hostID: 6, size: 7)]),
        ],
        hooks: Hooks(
            prestart: [hook("prestart", timeout: 1)], createRuntime: [hook("createRuntime", timeout: 2)],
            createContainer: [hook("createContainer", timeout: 3)], startContainer: [hook("startContainer", timeout: 4)],
            poststart: [hook("poststart", timeout: Int.max)], poststop: [hook("poststop", timeout: -1)]),
        annotations: ["org.example.key": "value", "plain": "", "": "empty key"],
        linux: Linux(
            namespaces: [LinuxNamespace(kind: .pid), LinuxNamespace(type: "network", path: "/proc/1/ns/net"),
                         LinuxNamespace(type: "future")],
            uidMappings: [LinuxIDMapping(containerID: 0, hostID: 1000, size: 1)],
            gidMappings: [LinuxIDMapping(containerID: 0, hostID: 1001, size: 2)],
            timeOffsets: ["monotonic": LinuxTimeOffset(secs: Int64.min, nanosecs: UInt32.max),
                          "boottime": LinuxTimeOffset(secs: 5, nanosecs: 0)],
            devices: [LinuxDevice(type: "c", path: "/dev/fuse", major: Int64.max, minor: -1, fileMode: 0o666, uid: 1, gid: 2)],
            netDevices: ["eth1": LinuxNetDevice(name: "ceth1")],
            cgroupsPath: "/machine/container",
            resources: LinuxResources(
                devices: [LinuxDeviceCgroup(allow: false, type: "a", major: -1, minor: Int64.min, access: "rwm"),
                          LinuxDeviceCgroup(allow: true, type: "c", major: 1, minor: 3, access: "rw")],
                memory: LinuxMemory(limit: Int64.max, reservation: 1, swap: -1, kernel: Int64.min, kernelTCP: 2,
                                    swappiness: UInt64.max, disableOOMKiller: true, useHierarchy: false, checkBeforeUpdate: true),
                cpu: LinuxCPU(shares: UInt64.max, quota: -1, burst: 3, period: 100_000, realtimeRuntime: Int64.min,
                              realtimePeriod: 4, cpus: "0-1", mems: "0", idle: 1),
                pids: LinuxPids(limit: -1),
                blockIO: LinuxBlockIO(
                    weight: UInt16.max, leafWeight: 0,
                    weightDevice: [LinuxWeightDevice(major: 8, minor: 0, weight: 500, leafWeight: 300)],
                    throttleReadBpsDevice: [LinuxThrottleDevice(major: 8, minor: 1, rate: UInt64.max)],
                    throttleWriteBpsDevice: [LinuxThrottleDevice(major: 8, minor: 2, rate: 1)],
                    throttleReadIOPSDevice: [LinuxThrottleDevice(major: Int64.min, minor: 3, rate: 2)],
                    throttleWriteIOPSDevice: [LinuxThrottleDevice(major: 8, minor: Int64.max, rate: 3)]),
                hugepageLimits: [LinuxHugepageLimit(pageSize: "2MB", limit: UInt64.max)],
                network: LinuxNetwork(classID: UInt32.max, priorities: [LinuxInterfacePriority(name: "eth0", priority: 5)]),
                rdma: ["mlx5_1": LinuxRdma(hcaHandles: UInt32.max, hcaObjects: 0)],
                unified: ["memory.max": "max", "io.weight": "default 100"]),
            intelRdt: LinuxIntelRdt(closID: "guaranteed", l3CacheSchema: "L3:0=7f0", memBwSchema: "MB:0=20",
                                    schemata: ["L2:0=ff"], enableMonitoring: true),
            memoryPolicy: LinuxMemoryPolicy(mode: "MPOL_BIND", nodes: "0-1", flags: ["MPOL_F_STATIC_NODES"]),
            sysctl: ["net.ipv4.ip_forward": "1", "kernel.shmmax": "4096"],
            seccomp: LinuxSeccomp(
                defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: UInt32.max, architectures: ["SCMP_ARCH_X86_64"],
                flags: ["SECCOMP_FILTER_FLAG_LOG"], listenerPath: "/run/seccomp.sock", listenerMetadata: "meta",
                syscalls: [LinuxSyscall(names: ["read", "write"], action: "SCMP_ACT_ERRNO", errnoRet: 1,
                                        args: [LinuxSeccompArg(index: 5, value: UInt64.max, valueTwo: 2, op: "SCMP_CMP_MASKED_EQ")])]),
            rootfsPropagation: "rslave",
            maskedPaths: ["/proc/kcore"],
            readonlyPaths: ["/proc/sys"],
            mountLabel: "system_u:object_r:svirt_sandbox_file_t:s0",
            personality: LinuxPersonality(domain: "LINUX32", flags: ["unknown"])))
}

/// `everyFieldSpec()` written out by hand, so that key names are checked
/// independently of the Codable conformances.
private let everyFieldJSON = #"""
{
  "ociVersion": "1.2.0",
  "process": {
    "terminal": true,
    "consoleSize": {"height": 24, "width": 18446744073709551615},
    "user": {"uid": 4294967295, "gid": 7, "umask": 23, "additionalGids": [5, 6]},
    "args": ["/bin/sh", "-c", "echo \"hi\" \\ there"],
    "env": ["PATH=\/usr\/bin", "UNICODE=\u00e9\ud83d\ude00"],
    "cwd": "/work",
    "capabilities": {
      "bounding": ["CAP_CHOWN", "CAP_KILL"], "effective": ["CAP_CHOWN"], "inheritable": ["CAP_SETUID"],
      "permitted": ["CAP_CHOWN", "CAP_NET_RAW"], "ambient": ["CAP_BPF"]
    },
    "rlimits": [
      {"type": "RLIMIT_NOFILE", "hard": 18446744073709551615, "soft": 1024},
      {"type": "RLIMIT_CORE", "hard": 0, "soft": 0}
    ],
    "noNewPrivileges": true,
    "apparmorProfile": "docker-default",
    "oomScoreAdj": -9223372036854775808,
    "selinuxLabel": "system_u:system_r:svirt_lxc_net_t:s0:c124,c675",
    "ioPriority": {"class": "IOPRIO_CLASS_BE", "priority": 4},
    "scheduler": {
      "policy": "SCHED_DEADLINE", "nice": -2147483648, "priority": 2147483647,
      "flags": ["SCHED_FLAG_RESET_ON_FORK"], "runtime": 10, "deadline": 18446744073709551615, "period": 30
    },
    "execCPUAffinity": {"initial": "0-3,7", "final": "4"}
  },
  "root": {"path": "rootfs", "readonly": true},
  "hostname": "container",
  "domainname": "example.test",
  "mounts": [
    {
      "destination": "/data", "type": "bind", "source": "/srv/data", "options": ["rbind", "ro"],
      "uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
      "gidMappings": [{"containerID": 1, "hostID": 4294967295, "size": 1}]
    },
    {
      "destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid"],
      "uidMappings": [{"containerID": 2, "hostID": 3, "size": 4}],
      "gidMappings": [{"containerID": 5, "hostID": 6, "size": 7}]
    }
  ],
  "hooks": {
    "prestart": [{"path": "/usr/libexec/prestart", "args": ["prestart", "--flag"], "env": ["HOOK=prestart"], "timeout": 1}],
    "createRuntime": [{"path": "/usr/libexec/createRuntime", "args": ["createRuntime", "--flag"], "env": ["HOOK=createRuntime"], "timeout": 2}],
    "createContainer": [{"path": "/usr/libexec/createContainer", "args": ["createContainer", "--flag"], "env": ["HOOK=createContainer"], "timeout": 3}],
    "startContainer": [{"path": "/usr/libexec/startContainer", "args": ["startContainer", "--flag"], "env": ["HOOK=startContainer"], "timeout": 4}],
    "poststart": [{"path": "/usr/libexec/poststart", "args": ["poststart", "--flag"], "env": ["HOOK=poststart"], "timeout": 9223372036854775807}],
    "poststop": [{"path": "/usr/libexec/poststop", "args": ["poststop", "--flag"], "env": ["HOOK=poststop"], "timeout": -1}]
  },
  "annotations": {"org.example.key": "value", "plain": "", "": "empty key"},
  "linux": {
    "namespaces": [{"type": "pid"}, {"type": "network", "path": "/proc/1/ns/net"}, {"type": "future"}],
    "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}],
    "gidMappings": [{"containerID": 0, "hostID": 1001, "size": 2}],
    "timeOffsets": {
      "monotonic": {"secs": -9223372036854775808, "nanosecs": 4294967295},
      "boottime": {"secs": 5, "nanosecs": 0}
    },
    "devices": [
      {"type": "c", "path": "/dev/fuse", "major": 9223372036854775807, "minor": -1, "fileMode": 438, "uid": 1, "gid": 2}
    ],
    "netDevices": {"eth1": {"name": "ceth1"}},
    "cgroupsPath": "/machine/container",
    "resources": {
      "devices": [
        {"allow": false, "type": "a", "major": -1, "minor": -9223372036854775808, "access": "rwm"},
        {"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rw"}
      ],
      "memory": {
        "limit": 9223372036854775807, "reservation": 1, "swap": -1, "kernel": -9223372036854775808, "kernelTCP": 2,
        "swappiness": 18446744073709551615, "disableOOMKiller": true, "useHierarchy": false, "checkBeforeUpdate": true
      },
      "cpu": {
        "shares": 18446744073709551615, "quota": -1, "burst": 3, "period": 100000,
        "realtimeRuntime": -9223372036854775808, "realtimePeriod": 4, "cpus": "0-1", "mems": "0", "idle": 1
      },
      "pids": {"limit": -1},
      "blockIO": {
        "weight": 65535, "leafWeight": 0,
        "weightDevice": [{"major": 8, "minor": 0, "weight": 500, "leafWeight": 300}],
        "throttleReadBpsDevice": [{"major": 8, "minor": 1, "rate": 18446744073709551615}],
        "throttleWriteBpsDevice": [{"major": 8, "minor": 2, "rate": 1}],
        "throttleReadIOPSDevice": [{"major": -9223372036854775808, "minor": 3, "rate": 2}],
        "throttleWriteIOPSDevice": [{"major": 8, "minor": 9223372036854775807, "rate": 3}]
      },
      "hugepageLimits": [{"pageSize": "2MB", "limit": 18446744073709551615}],
      "network": {"classID": 4294967295, "priorities": [{"name": "eth0", "priority": 5}]},
      "rdma": {"mlx5_1": {"hcaHandles": 4294967295, "hcaObjects": 0}},
      "unified": {"memory.max": "max", "io.weight": "default 100"}
    },
    "intelRdt": {
      "closID": "guaranteed", "l3CacheSchema": "L3:0=7f0", "memBwSchema": "MB:0=20",
      "schemata": ["L2:0=ff"], "enableMonitoring": true
    },
    "memoryPolicy": {"mode": "MPOL_BIND", "nodes": "0-1", "flags": ["MPOL_F_STATIC_NODES"]},
    "sysctl": {"net.ipv4.ip_forward": "1", "kernel.shmmax": "4096"},
    "seccomp": {
      "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 4294967295, "architectures": ["SCMP_ARCH_X86_64"],
      "flags": ["SECCOMP_FILTER_FLAG_LOG"], "listenerPath": "/run/seccomp.sock", "listenerMetadata": "meta",
      "syscalls": [{
        "names": ["read", "write"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
        "args": [{"index": 5, "value": 18446744073709551615, "valueTwo": 2, "op": "SCMP_CMP_MASKED_EQ"}]
      }]
    },
    "rootfsPropagation": "rslave",
    "maskedPaths": ["/proc/kcore"],
    "readonlyPaths": ["/proc/sys"],
    "mountLabel": "system_u:object_r:svirt_sandbox_file_t:s0",
    "personality": {"domain": "LINUX32", "flags": ["unknown"]}
  }
}
"""#

/// `config.json` documents that must not decode: one problem each (or a
/// few, to check which is reported first), at paths all over the spec.
private let brokenSpecDocuments: [String] = {
    /// A spec with `fragment` as its members after ociVersion.
    func spec(_ fragment: String) -> String { #"{"ociVersion":"1.0.0","# + fragment + "}" }
    func process(_ fragment: String) -> String { spec(#""process":{"cwd":"/","# + fragment + "}") }
    func linux(_ fragment: String) -> String { spec(#""linux":{"# + fragment + "}") }
    func resources(_ fragment: String) -> String { linux(#""resources":{"# + fragment + "}") }
    func seccomp(_ fragment: String) -> String { linux(#""seccomp":{"defaultAction":"SCMP_ACT_ALLOW","# + fragment + "}") }
    func syscall(_ fragment: String) -> String {
        seccomp(#""syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"},{"# + fragment + "}]")
    }

    var documents: [String] = [
        // not an object at the top
        "[]", "null", "true", "1", #""config""#,
        // top level
        #"{}"#, #"{"ociVersion":null}"#, #"{"ociVersion":1}"#, #"{"ociVersion":["1.0.0"]}"#,
        spec(#""hostname":1"#), spec(#""domainname":{}"#),
        spec(#""process":"sh""#), spec(#""process":[]"#), spec(#""root":[]"#), spec(#""root":"rootfs""#),
        spec(#""mounts":{}"#), spec(#""mounts":"/""#), spec(#""hooks":[]"#), spec(#""annotations":[]"#),
        spec(#""annotations":{"a":1}"#), spec(#""annotations":{"a.b":null}"#), spec(#""annotations":{"":false}"#),
        spec(#""annotations":{"5":5}"#), spec(#""annotations":{"Index 5":5}"#), spec(#""annotations":{"a":"1","b":"2","c":3,"d":"4"}"#),
        spec(#""linux":[]"#), spec(#""linux":null,"process":{}"#),
        // several problems: the first in reading order wins
        #"{"ociVersion":2,"process":[]}"#, #"{"process":[],"root":{}}"#,
        spec(#""linux":[],"process":{"cwd":1},"root":{}"#),
        spec(#""mounts":[{"destination":1},{}]"#),
        // root
        spec(#""root":{}"#), spec(#""root":{"path":null}"#), spec(#""root":{"path":1}"#),
        spec(#""root":{"path":"r","readonly":"yes"}"#), spec(#""root":{"path":"r","readonly":1}"#),
        // process
        spec(#""process":{}"#), spec(#""process":{"args":["sh"]}"#), spec(#""process":{"cwd":null}"#),
        spec(#""process":{"cwd":["/"]}"#),
        process(#""terminal":"true""#), process(#""terminal":1"#),
        process(#""consoleSize":{"height":1}"#), process(#""consoleSize":{"width":1}"#),
        process(#""consoleSize":{"height":"1","width":1}"#), process(#""consoleSize":{"height":1,"width":-1}"#),
        process(#""consoleSize":{"height":18446744073709551616,"width":1}"#), process(#""consoleSize":[]"#),
        process(#""user":[]"#), process(#""user":"root""#), process(#""user":{}"#), process(#""user":{"uid":0}"#),
        process(#""user":{"gid":0}"#), process(#""user":{"uid":"x","gid":0}"#), process(#""user":{"uid":0,"gid":true}"#),
        process(#""user":{"uid":-1,"gid":0}"#), process(#""user":{"uid":0,"gid":4294967296}"#),
        process(#""user":{"uid":null,"gid":0}"#), process(#""user":{"uid":0,"gid":0,"umask":"022"}"#),
        process(#""user":{"uid":0,"gid":0,"umask":-18}"#), process(#""user":{"uid":0,"gid":0,"additionalGids":{}}"#),
        process(#""user":{"uid":0,"gid":0,"additionalGids":[1,"2"]}"#),
        process(#""user":{"uid":0,"gid":0,"additionalGids":[1,null]}"#),
        process(#""args":"sh""#), process(#""args":["sh",1]"#), process(#""args":[null]"#), process(#""args":{}"#),
        process(#""env":"A=1""#), process(#""env":["A=1",["B=2"]]"#),
        process(#""capabilities":[]"#), process(#""capabilities":{"bounding":"CAP_CHOWN"}"#),
        process(#""capabilities":{"effective":[1]}"#), process(#""capabilities":{"inheritable":[null]}"#),
        process(#""capabilities":{"permitted":{}}"#), process(#""capabilities":{"ambient":[true]}"#),
        process(#""rlimits":{}"#), process(#""rlimits":[{}]"#), process(#""rlimits":[{"type":"RLIMIT_CORE","hard":1}]"#),
        process(#""rlimits":[{"type":"RLIMIT_CORE","soft":1}]"#), process(#""rlimits":[{"hard":1,"soft":1}]"#),
        process(#""rlimits":[{"type":1,"hard":1,"soft":1}]"#), process(#""rlimits":[{"type":"RLIMIT_CORE","hard":-1,"soft":1}]"#),
        process(#""rlimits":[{"type":"RLIMIT_CORE","hard":1,"soft":18446744073709551616}]"#),
        process(#""rlimits":[{"type":"RLIMIT_CORE","hard":1,"soft":1},{"type":"RLIMIT_NOFILE","hard":"1","soft":1}]"#),
        process(#""noNewPrivileges":"true""#), process(#""apparmorProfile":1"#), process(#""selinuxLabel":[]"#),
        process(#""oomScoreAdj":"1""#), process(#""oomScoreAdj":1.5"#), process(#""oomScoreAdj":9223372036854775808"#),
process(#""oomScoreAdj":1e400"#), process(#""oomScoreAdj":-1e-3"#),
        process(#""ioPriority":{}"#), process(#""ioPriority":{"class":"IOPRIO_CLASS_BE"}"#),
        process(#""ioPriority":{"priority":1}"#), process(#""ioPriority":{"ioClass":"IOPRIO_CLASS_BE","priority":1}"#),
        process(#""ioPriority":{"class":1,"priority":1}"#), process(#""ioPriority":{"class":"IOPRIO_CLASS_BE","priority":"1"}"#),
        process(#""scheduler":{}"#), process(#""scheduler":{"policy":null}"#), process(#""scheduler":[]"#),
        process(#""scheduler":{"policy":"SCHED_OTHER","nice":2147483648}"#),
        process(#""scheduler":{"policy":"SCHED_OTHER","priority":-2147483649}"#),
        process(#""scheduler":{"policy":"SCHED_OTHER","flags":[1]}"#),
        process(#""scheduler":{"policy":"SCHED_OTHER","runtime":-1}"#),
        process(#""scheduler":{"policy":"SCHED_OTHER","deadline":1.5}"#),
        process(#""scheduler":{"policy":"SCHED_OTHER","period":"1"}"#),
        process(#""execCPUAffinity":{"initial":1}"#), process(#""execCPUAffinity":{"final":[]}"#),
        process(#""execCPUAffinity":"0-3""#),
        // mounts
        spec(#""mounts":["/"]"#), spec(#""mounts":[null]"#), spec(#""mounts":[[]]"#), spec(#""mounts":[{}]"#),
        spec(#""mounts":[{"destination":null}]"#), spec(#""mounts":[{"destination":"/a"},{"source":"/b"}]"#),
        spec(#""mounts":[{"destination":"/a","type":1}]"#), spec(#""mounts":[{"destination":"/a","source":{}}]"#),
        spec(#""mounts":[{"destination":"/a","options":"ro"}]"#), spec(#""mounts":[{"destination":"/a","options":["ro",1]}]"#),
        spec(#""mounts":[{"destination":"/a","uidMappings":{}}]"#),
        spec(#""mounts":[{"destination":"/a","uidMappings":[{"containerID":0,"hostID":0}]}]"#),
        spec(#""mounts":[{"destination":"/a","gidMappings":[{"containerID":-1,"hostID":0,"size":1}]}]"#),
        spec(#""mounts":[{"destination":"/a","gidMappings":[{"containerID":0,"hostID":0,"size":4294967296}]}]"#),
        // hooks
        spec(#""hooks":{"prestart":{}}"#), spec(#""hooks":{"prestart":[{}]}"#),
        spec(#""hooks":{"createRuntime":[{"path":1}]}"#), spec(#""hooks":{"createContainer":[{"path":"/h","args":"a"}]}"#),
        spec(#""hooks":{"startContainer":[{"path":"/h","env":[1]}]}"#),
        spec(#""hooks":{"poststart":[{"path":"/h","timeout":1.5}]}"#),
        spec(#""hooks":{"poststop":[{"path":"/h"},{"path":"/h","timeout":"5"}]}"#),
        spec(#""hooks":{"poststop":[{"path":"/h","timeout":9223372036854775808}]}"#),
        spec(#""hooks":{"poststop":[null]}"#),
        // linux
        linux(#""namespaces":{}"#), linux(#""namespaces":[{}]"#), linux(#""namespaces":[{"type":"pid"},{"path":"/p"}]"#),
        linux(#""namespaces":[{"type":null}]"#), linux(#""namespaces":[{"type":1}]"#),
        linux(#""namespaces":[{"type":"pid","path":1}]"#), linux(#""namespaces":["pid"]"#),
        linux(#""uidMappings":[{"containerID":0,"hostID":"0","size":1}]"#), linux(#""gidMappings":{}"#),
        linux(#""gidMappings":[{"containerID":0,"size":1}]"#),
        linux(#""timeOffsets":[]"#), linux(#""timeOffsets":{"monotonic":[]}"#),
        linux(#""timeOffsets":{"monotonic":{"secs":"1"}}"#), linux(#""timeOffsets":{"boottime":{"nanosecs":-1}}"#),
        linux(#""timeOffsets":{"boottime":{"secs":9223372036854775808}}"#),
        linux(#""devices":{}"#), linux(#""devices":[{}]"#), linux(#""devices":[{"type":"c"}]"#),
        linux(#""devices":[{"path":"/dev/x"}]"#), linux(#""devices":[{"type":"c","path":"/dev/x","major":"1"}]"#),
        linux(#""devices":[{"type":"c","path":"/dev/x","minor":1.5}]"#),
        linux(#""devices":[{"type":"c","path":"/dev/x","fileMode":-1}]"#),
        linux(#""devices":[{"type":"c","path":"/dev/x","uid":4294967296}]"#),
        linux(#""devices":[{"type":"c","path":"/dev/x","gid":"0"}]"#),
        linux(#""netDevices":[]"#), linux(#""netDevices":{"eth0":{"name":23}}"#), linux(#""netDevices":{"eth0":"eth1"}"#),
        linux(#""cgroupsPath":1"#), linux(#""rootfsPropagation":1"#), linux(#""maskedPaths":"/proc""#),
        linux(#""maskedPaths":["/proc",1]"#), linux(#""readonlyPaths":[{}]"#), linux(#""mountLabel":[]"#),
        linux(#""sysctl":[]"#), linux(#""sysctl":{"net.ipv4.ip_forward":1}"#), linux(#""sysctl":{"kernel.x":null}"#),
        linux(#""intelRdt":[]"#), linux(#""intelRdt":{"closID":1}"#), linux(#""intelRdt":{"l3CacheSchema":[]}"#),
        linux(#""intelRdt":{"memBwSchema":{}}"#), linux(#""intelRdt":{"schemata":"L3"}"#),
        linux(#""intelRdt":{"schemata":[1]}"#), linux(#""intelRdt":{"enableMonitoring":"yes"}"#),
        linux(#""memoryPolicy":{}"#), linux(#""memoryPolicy":{"mode":1}"#),
        linux(#""memoryPolicy":{"mode":"MPOL_BIND","nodes":1}"#), linux(#""memoryPolicy":{"mode":"MPOL_BIND","flags":"x"}"#),
        linux(#""personality":{}"#), linux(#""personality":{"domain":"LINUX","flags":[1]}"#), linux(#""personality":"LINUX""#),
        // seccomp
        linux(#""seccomp":{}"#), linux(#""seccomp":[]"#), linux(#""seccomp":{"defaultAction":null}"#),
        seccomp(#""defaultErrnoRet":-1"#), seccomp(#""defaultErrnoRet":"EPERM""#), seccomp(#""architectures":"x86""#),
        seccomp(#""architectures":[null]"#), seccomp(#""flags":[1]"#), seccomp(#""listenerPath":1"#),
        seccomp(#""listenerMetadata":[]"#), seccomp(#""syscalls":{}"#), seccomp(#""syscalls":[[]]"#),
        syscall(""), syscall(#""action":"SCMP_ACT_ALLOW""#), syscall(#""names":["write"]"#),
        syscall(#""names":null,"action":"SCMP_ACT_ALLOW""#), syscall(#""names":"write","action":"SCMP_ACT_ALLOW""#),
        syscall(#""names":["write",null],"action":"SCMP_ACT_ALLOW""#), syscall(#""names":["write"],"action":1"#),
        syscall(#""names":["write"],"action":"SCMP_ACT_ERRNO","errnoRet":1.5"#),
        syscall(#""names":["write"],"action":"SCMP_ACT_ALLOW","args":{}"#),
        syscall(#""names":["write"],"action":"SCMP_ACT_ALLOW","args":[{}]"#),
        syscall(#""names":["write"],"action":"SCMP_ACT_ALLOW","args":[{"value":1,"op":"SCMP_CMP_EQ"}]"#),
        syscall(#""names":["write"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"op":"SCMP_CMP_EQ"}]"#),
        syscall(#""names":["write"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1}]"#),
        syscall(#""names":["write"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":-1,"op":"SCMP_CMP_EQ"}]"#),
        syscall(#""names":["write"],"action":"SCMP_ACT_ALLOW","args":[{"index":4294967296,"value":1,"op":"SCMP_CMP_EQ"}]"#),
        syscall(#""names":["write"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1,"valueTwo":"2","op":"SCMP_CMP_EQ"}]"#),
        syscall(#""names":["write"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1,"op":7}]"#),
        // resources
        linux(#""resources":[]"#), resources(#""devices":{}"#), resources(#""devices":[{}]"#),
        resources(#""devices":[{"allow":"true"}]"#), resources(#""devices":[{"allow":true,"type":1}]"#),
        resources(#""devices":[{"allow":true,"major":"1"}]"#), resources(#""devices":[{"allow":true,"minor":1.5}]"#),
        resources(#""devices":[{"allow":true,"access":["r"]}]"#), resources(#""devices":[{"allow":null}]"#),
        resources(#""memory":[]"#), resources(#""memory":{"limit":1.5}"#), resources(#""memory":{"reservation":"1"}"#),
        resources(#""memory":{"swap":9223372036854775808}"#),         resources(#""memory":{"kernelTCP":true}"#), resources(#""memory":{"swappiness":-1}"#),
        resources(#""memory":{"swappiness":18446744073709551616}"#), resources(#""memory":{"disableOOMKiller":1}"#),
        resources(#""memory":{"useHierarchy":"false"}"#), resources(#""memory":{"checkBeforeUpdate":[]}"#),
        resources(#""cpu":[]"#), resources(#""cpu":{"shares":-1}"#), resources(#""cpu":{"quota":1.5}"#),
        resources(#""cpu":{"burst":"1"}"#), resources(#""cpu":{"period":-1}"#), resources(#""cpu":{"realtimeRuntime":"1"}"#),
        resources(#""cpu":{"realtimePeriod":1.5}"#), resources(#""cpu":{"cpus":0}"#), resources(#""cpu":{"mems":[]}"#),
        resources(#""cpu":{"idle":true}"#),
        resources(#""pids":{"limit":"max"}"#), resources(#""pids":[]"#), resources(#""pids":{"limit":9.5e18}"#),
        resources(#""blockIO":[]"#), resources(#""blockIO":{"weight":65536}"#), resources(#""blockIO":{"leafWeight":-1}"#),
        resources(#""blockIO":{"weight":"10"}"#), resources(#""blockIO":{"weightDevice":{}}"#),
        resources(#""blockIO":{"weightDevice":[{"minor":0,"weight":10}]}"#),
        resources(#""blockIO":{"weightDevice":[{"major":8,"weight":10}]}"#),
        resources(#""blockIO":{"weightDevice":[{"major":8,"minor":0,"weight":70000}]}"#),
        resources(#""blockIO":{"weightDevice":[{"major":8,"minor":0,"leafWeight":"1"}]}"#),
        resources(#""blockIO":{"throttleReadBpsDevice":[{"major":8,"minor":0}]}"#),
        resources(#""blockIO":{"throttleWriteBpsDevice":[{"major":8,"minor":0,"rate":-1}]}"#),
        resources(#""blockIO":{"throttleReadIOPSDevice":[{"major":8,"minor":"0","rate":1}]}"#),
        resources(#""blockIO":{"throttleWriteIOPSDevice":{}}"#),
        resources(#""blockIO":{"throttleWriteIOPSDevice":[{"major":8.5,"minor":0,"rate":1}]}"#),
        resources(#""hugepageLimits":{}"#), resources(#""hugepageLimits":[{"limit":1}]"#),
        resources(#""hugepageLimits":[{"pageSize":"2MB"}]"#), resources(#""hugepageLimits":[{"pageSize":"2MB","limit":-1}]"#),
        resources(#""network":[]"#), resources(#""network":{"classID":"1"}"#), resources(#""network":{"priorities":{}}"#),
        resources(#""network":{"priorities":[{"priority":1}]}"#), resources(#""network":{"priorities":[{"name":"eth0"}]}"#),
        resources(#""network":{"priorities":[{"name":"eth0","priority":-1}]}"#),
        resources(#""rdma":[]"#), resources(#""rdma":{"mlx5_1":{"hcaHandles":"1"}}"#),
        resources(#""rdma":{"mlx5_1":{"hcaObjects":4294967296}}"#), resources(#""rdma":{"mlx5_1":null}"#),
        resources(#""unified":[]"#), resources(#""unified":{"memory.max":1}"#), resources(#""unified":{"cpu.max":null}"#),
        // deep nesting inside a known member
        spec(#""annotations":{"a":"# + String(repeating: "[", count: 300) + String(repeating: "]", count: 300) + "}"),
        spec(#""x":"# + String(repeating: "[", count: 600) + String(repeating: "]", count: 600)),
        resources(#""blockIO":{"weightDevice":[{"major":8,"minor":0},{"major":8,"minor":1},{"major":8,"minor":[[{}]]}]}"#),
    ]
    // Wrong kinds for every integer width, for each width's field.
    let integerFields = [
        process(#""user":{"uid":0,"gid":%}"#),                               // UInt32
        process(#""consoleSize":{"height":1,"width":%}"#),                    // UInt
        process(#""oomScoreAdj":%"#),                                         // Int
        process(#""scheduler":{"policy":"SCHED_OTHER","nice":%}"#),           // Int32
        resources(#""memory":{"limit":%}"#),                                  // Int64
        process(#""rlimits":[{"type":"RLIMIT_CORE","hard":%,"soft":0}]"#),    // UInt64
        resources(#""blockIO":{"weight":%}"#),                                // UInt16
    ]
    let badNumbers = ["\"1\"", "true", "null", "[]", "{}", "0.5", "-0.5", "1e-1", "1e400", "-1e400",
                      "-1", "65536", "2147483648", "-2147483649", "4294967296", "9223372036854775808",
                      "-9223372036854775809", "18446744073709551616", "1e19", "1e20"]
    for field in integerFields {
        for number in badNumbers {
            let json = field.replacingOccurrences(of: "%", with: number)
            // Some of these fit some widths: keep only the ones that fail.
            if (try? decodeSpec(from: Data(json.utf8))) == nil {
                documents.append(json)
            }
        }
    }
    return documents
}()
