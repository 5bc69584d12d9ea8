import Foundation
import XCTest
@testable import OCI

/// `runc spec` output from runc 1.1.5 (ociVersion 1.0.2-dev), kept verbatim.
private let runcDefaultConfig = #"""
{
	"ociVersion": "1.0.2-dev",
	"process": {
		"terminal": true,
		"user": {
			"uid": 0,
			"gid": 0
		},
		"args": [
			"sh"
		],
		"env": [
			"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
			"TERM=xterm"
		],
		"cwd": "/",
		"capabilities": {
			"bounding": [
				"CAP_AUDIT_WRITE",
				"CAP_KILL",
				"CAP_NET_BIND_SERVICE"
			],
			"effective": [
				"CAP_AUDIT_WRITE",
				"CAP_KILL",
				"CAP_NET_BIND_SERVICE"
			],
			"permitted": [
				"CAP_AUDIT_WRITE",
				"CAP_KILL",
				"CAP_NET_BIND_SERVICE"
			],
			"ambient": [
				"CAP_AUDIT_WRITE",
				"CAP_KILL",
				"CAP_NET_BIND_SERVICE"
			]
		},
		"rlimits": [
			{
				"type": "RLIMIT_NOFILE",
				"hard": 1024,
				"soft": 1024
			}
		],
		"noNewPrivileges": true
	},
	"root": {
		"path": "rootfs",
		"readonly": true
	},
	"hostname": "runc",
	"mounts": [
		{
			"destination": "/proc",
			"type": "proc",
			"source": "proc"
		},
		{
			"destination": "/dev",
			"type": "tmpfs",
			"source": "tmpfs",
			"options": [
				"nosuid",
				"strictatime",
				"mode=755",
				"size=65536k"
			]
		},
		{
			"destination": "/dev/pts",
			"type": "devpts",
			"source": "devpts",
			"options": [
				"nosuid",
				"noexec",
				"newinstance",
				"ptmxmode=0666",
				"mode=0620",
				"gid=5"
			]
		},
		{
			"destination": "/dev/shm",
			"type": "tmpfs",
			"source": "shm",
			"options": [
				"nosuid",
				"noexec",
				"nodev",
				"mode=1777",
				"size=65536k"
			]
		},
		{
			"destination": "/dev/mqueue",
			"type": "mqueue",
			"source": "mqueue",
			"options": [
				"nosuid",
				"noexec",
				"nodev"
			]
		},
		{
			"destination": "/sys",
			"type": "sysfs",
			"source": "sysfs",
			"options": [
				"nosuid",
				"noexec",
				"nodev",
				"ro"
			]
		},
		{
			"destination": "/sys/fs/cgroup",
			"type": "cgroup",
			"source": "cgroup",
			"options": [
				"nosuid",
				"noexec",
				"nodev",
				"relatime",
				"ro"
			]
		}
	],
	"linux": {
		"resources": {
			"devices": [
				{
					"allow": false,
					"access": "rwm"
				}
			]
		},
		"namespaces": [
			{
				"type": "pid"
			},
			{
				"type": "network"
			},
			{
				"type": "ipc"
			},
			{
				"type": "uts"
			},
			{
				"type": "mount"
			}
		],
		"maskedPaths": [
			"/proc/acpi",
			"/proc/asound",
			"/proc/kcore",
			"/proc/keys",
			"/proc/latency_stats",
			"/proc/timer_list",
			"/proc/timer_stats",
			"/proc/sched_debug",
			"/sys/firmware",
			"/proc/scsi"
		],
		"readonlyPaths": [
			"/proc/bus",
			"/proc/fs",
			"/proc/irq",
			"/proc/sys",
			"/proc/sysrq-trigger"
		]
	}
}
"""#

/// `runc spec --rootless` from runc 1.1.5, run as uid 0 / gid 0.
private let runcRootlessConfig = #"""
{
	"ociVersion": "1.0.2-dev",
	"process": {
		"terminal": true,
		"user": {
			"uid": 0,
			"gid": 0
		},
		"args": [
			"sh"
		],
		"env": [
			"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
			"TERM=xterm"
		],
		"cwd": "/",
		"capabilities": {
			"bounding": [
				"CAP_AUDIT_WRITE",
				"CAP_KILL",
				"CAP_NET_BIND_SERVICE"
			],
			"effective": [
				"CAP_AUDIT_WRITE",
				"CAP_KILL",
				"CAP_NET_BIND_SERVICE"
			],
			"permitted": [
				"CAP_AUDIT_WRITE",
				"CAP_KILL",
				"CAP_NET_BIND_SERVICE"
			],
			"ambient": [
				"CAP_AUDIT_WRITE",
				"CAP_KILL",
				"CAP_NET_BIND_SERVICE"
			]
		},
		"rlimits": [
			{
				"type": "RLIMIT_NOFILE",
				"hard": 1024,
				"soft": 1024
			}
		],
		"noNewPrivileges": true
	},
	"root": {
		"path": "rootfs",
		"readonly": true
	},
	"hostname": "runc",
	"mounts": [
		{
			"destination": "/proc",
			"type": "proc",
			"source": "proc"
		},
		{
			"destination": "/dev",
			"type": "tmpfs",
			"source": "tmpfs",
			"options": [
				"nosuid",
				"strictatime",
				"mode=755",
				"size=65536k"
			]
		},
		{
			"destination": "/dev/pts",
			"type": "devpts",
			"source": "devpts",
			"options": [
				"nosuid",
				"noexec",
				"newinstance",
				"ptmxmode=0666",
				"mode=0620"
			]
		},
		{
			"destination": "/dev/shm",
			"type": "tmpfs",
			"source": "shm",
			"options": [
				"nosuid",
				"noexec",
				"nodev",
				"mode=1777",
				"size=65536k"
			]
		},
		{
			"destination": "/dev/mqueue",
			"type": "mqueue",
			"source": "mqueue",
			"options": [
				"nosuid",
				"noexec",
				"nodev"
			]
		},
		{
			"destination": "/sys",
			"type": "none",
			"source": "/sys",
			"options": [
				"rbind",
				"nosuid",
				"noexec",
				"nodev",
				"ro"
			]
		},
		{
			"destination": "/sys/fs/cgroup",
			"type": "cgroup",
			"source": "cgroup",
			"options": [
				"nosuid",
				"noexec",
				"nodev",
				"relatime",
				"ro"
			]
		}
	],
	"linux": {
		"uidMappings": [
			{
				"containerID": 0,
				"hostID": 0,
				"size": 1
			}
		],
		"gidMappings": [
			{
				"containerID": 0,
				"hostID": 0,
				"size": 1
			}
		],
		"namespaces": [
			{
				"type": "pid"
			},
			{
				"type": "ipc"
			},
			{
				"type": "uts"
			},
			{
				"type": "mount"
			},
			{
				"type": "user"
			}
		],
		"maskedPaths": [
			"/proc/acpi",
			"/proc/asound",
			"/proc/kcore",
			"/proc/keys",
			"/proc/latency_stats",
			"/proc/timer_list",
			"/proc/timer_stats",
			"/proc/sched_debug",
			"/sys/firmware",
			"/proc/scsi"
		],
		"readonlyPaths": [
			"/proc/bus",
			"/proc/fs",
			"/proc/irq",
			"/proc/sys",
			"/proc/sysrq-trigger"
		]
	}
}
"""#

final class DefaultSpecTests: XCTestCase {
    private func reference(_ json: String) throws -> Spec {
        var spec = try decodeSpec(from: Data(json.utf8))
        spec.ociVersion = ociSpecVersion
        return spec
    }

    func testDefaultMatchesRunc() throws {
        let ours = Spec.runcDefault(rootless: false)
        XCTAssertEqual(ours.ociVersion, "1.3.0")
        XCTAssertEqual(ours, try reference(runcDefaultConfig))
    }

    func testRootlessMatchesRunc() throws {
        XCTAssertEqual(Spec.runcDefault(rootless: true, hostUID: 0, hostGID: 0), try reference(runcRootlessConfig))
    }

    /// Also compare with a runc-generated file on this machine, when there is one.
    func testMatchesLocalRuncOutputIfPresent() throws {
        let files = [(false, "/tmp/runc-default-config.json"), (true, "/tmp/runc-rootless-config.json")]
        var found = false
        for (rootless, path) in files {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            found = true
            var theirs = try decodeSpec(from: data)
            theirs.ociVersion = ociSpecVersion
            XCTAssertEqual(Spec.runcDefault(rootless: rootless, hostUID: 0, hostGID: 0), theirs, path)
        }
        if !found { throw XCTSkip("no runc reference output in /tmp") }
    }

    func testRootlessMapsGivenIds() {
        let spec = Spec.runcDefault(rootless: true, hostUID: 1000, hostGID: 1001)
        XCTAssertEqual(spec.linux?.uidMappings, [LinuxIDMapping(containerID: 0, hostID: 1000, size: 1)])
        XCTAssertEqual(spec.linux?.gidMappings, [LinuxIDMapping(containerID: 0, hostID: 1001, size: 1)])
        XCTAssertNil(spec.linux?.namespace(.network))
        XCTAssertNotNil(spec.linux?.namespace(.user))
        XCTAssertNil(spec.linux?.resources)
    }

    func testRootlessDefaultsToCurrentIds() {
        let spec = Spec.runcDefault(rootless: true)
        XCTAssertEqual(spec.linux?.uidMappings?.first?.hostID, UInt32(geteuid()))
        XCTAssertEqual(spec.linux?.gidMappings?.first?.hostID, UInt32(getegid()))
    }

    func testEncodeDecodeRoundTrip() throws {
        for rootless in [false, true] {
            let spec = Spec.runcDefault(rootless: rootless)
            XCTAssertEqual(try decodeSpec(from: encodeSpecPretty(spec)), spec)
        }
    }

    func testPrettyEncoding() throws {
        let text = String(decoding: encodeSpecPretty(.runcDefault(rootless: false)), as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("{\n"), text)
        XCTAssertTrue(text.contains(#""destination": "/dev/pts""#), "slashes must not be escaped")
        XCTAssertFalse(text.contains(#"\/"#))
        XCTAssertFalse(text.contains("null"), "nil fields must be omitted")
        // Sorted keys make the output stable.
        XCTAssertEqual(text, String(decoding: encodeSpecPretty(.runcDefault(rootless: false)), as: UTF8.self))
    }

    func testFullExampleRoundTrip() throws {
        let spec = Spec(
            process: Process(
                terminal: true, consoleSize: ConsoleSize(height: 25, width: 80),
                user: User(uid: 1, gid: 1, umask: 63, additionalGids: [5, 6]),
                args: ["sh"], env: ["A=B"], cwd: "/root",
                capabilities: LinuxCapabilities(bounding: ["CAP_KILL"], inheritable: ["CAP_KILL"]),
                rlimits: [POSIXRlimit(type: "RLIMIT_NOFILE", hard: .max, soft: 1024)],
                noNewPrivileges: true, apparmorProfile: "acme", oomScoreAdj: -1000,
                selinuxLabel: "system_u:system_r:svirt_lxc_net_t:s0",
                ioPriority: LinuxIOPriority(ioClass: "IOPRIO_CLASS_BE", priority: 3),
                scheduler: LinuxScheduler(policy: "SCHED_DEADLINE", runtime: 1, deadline: 2, period: 3),
                execCPUAffinity: LinuxExecCPUAffinity(initial: "7", final: "0-3")),
            root: Root(path: "rootfs", readonly: false),
            hostname: "h", domainname: "d",
            mounts: [Mount(destination: "/data", type: "none", source: "/v", options: ["rbind", "idmap"],
                           uidMappings: [LinuxIDMapping(containerID: 0, hostID: 1, size: 2)],
                           gidMappings: [LinuxIDMapping(containerID: 0, hostID: 1, size: 2)])],
            hooks: Hooks(prestart: [Hook(path: "/a", args: ["a"], env: ["X=1"], timeout: 3)], poststop: [Hook(path: "/b")]),
            annotations: ["com.example": "1"],
            linux: Linux(
                namespaces: [LinuxNamespace(kind: .time)],
                timeOffsets: ["boottime": LinuxTimeOffset(secs: -1, nanosecs: 5)],
                devices: [LinuxDevice(type: "c", path: "/dev/fuse", major: 10, minor: 229, fileMode: 438, uid: 0, gid: 0)],
                netDevices: ["eth0": LinuxNetDevice(name: "ctr0")],
                cgroupsPath: "/x",
                resources: LinuxResources(
                    devices: [LinuxDeviceCgroup(allow: true, type: "c", major: 1, minor: 3, access: "rwm")],
                    memory: LinuxMemory(limit: -1, reservation: 1, swap: 2, kernel: 3, kernelTCP: 4, swappiness: 5,
                                        disableOOMKiller: true, useHierarchy: false, checkBeforeUpdate: true),
                    cpu: LinuxCPU(shares: 1024, quota: -1, burst: 0, period: 100000, realtimeRuntime: 1,
                                  realtimePeriod: 2, cpus: "0-1", mems: "0", idle: 1),
                    pids: LinuxPids(limit: 0),
                    blockIO: LinuxBlockIO(weight: 10, leafWeight: 20,
                                          weightDevice: [LinuxWeightDevice(major: 8, minor: 0, weight: 1)],
                                          throttleReadBpsDevice: [LinuxThrottleDevice(major: 8, minor: 0, rate: 1)],
                                          throttleWriteBpsDevice: [LinuxThrottleDevice(major: 8, minor: 0, rate: 2)],
                                          throttleReadIOPSDevice: [LinuxThrottleDevice(major: 8, minor: 0, rate: 3)],
                                          throttleWriteIOPSDevice: [LinuxThrottleDevice(major: 8, minor: 0, rate: 4)]),
                    hugepageLimits: [LinuxHugepageLimit(pageSize: "2MB", limit: .max)],
                    network: LinuxNetwork(classID: 1, priorities: [LinuxInterfacePriority(name: "eth0", priority: 5)]),
                    rdma: ["mlx": LinuxRdma(hcaHandles: 1, hcaObjects: 2)],
                    unified: ["io.max": "8:0 rbps=1"]),
                intelRdt: LinuxIntelRdt(closID: "c", l3CacheSchema: "L3:0=1", memBwSchema: "MB:0=2", schemata: ["L2:0=f"], enableMonitoring: true),
                memoryPolicy: LinuxMemoryPolicy(mode: "MPOL_BIND", nodes: "0", flags: ["MPOL_F_STATIC_NODES"]),
                sysctl: ["net.ipv4.ip_forward": "1"],
                seccomp: LinuxSeccomp(defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: 1, architectures: ["SCMP_ARCH_X86_64"],
                                      flags: ["SECCOMP_FILTER_FLAG_TSYNC"], listenerPath: "/s", listenerMetadata: "m",
                                      syscalls: [LinuxSyscall(names: ["read"], action: "SCMP_ACT_ALLOW", errnoRet: nil,
                                                              args: [LinuxSeccompArg(index: 1, value: 2, valueTwo: 3, op: "SCMP_CMP_MASKED_EQ")])]),
                rootfsPropagation: "rslave", maskedPaths: ["/m"], readonlyPaths: ["/r"], mountLabel: "l",
                personality: LinuxPersonality(domain: "LINUX32")))
        let data = encodeSpecPretty(spec)
        XCTAssertEqual(try decodeSpec(from: data), spec)
        let text = String(decoding: data, as: UTF8.self)
        for key in ["\"uidMappings\"", "\"execCPUAffinity\"", "\"final\"", "\"timeOffsets\"", "\"netDevices\"",
                    "\"enableMonitoring\"", "\"checkBeforeUpdate\"", "\"valueTwo\"", "\"class\""] {
            XCTAssertTrue(text.contains(key), key)
        }
    }

    /// runc adds a cgroup namespace on a cgroup-v2-only host; so does swrun.
    func testCgroupNamespaceOnUnifiedHosts() {
        let kinds = { (spec: Spec) in spec.linux?.namespaces?.map(\.type) ?? [] }
        XCTAssertFalse(kinds(Spec.runcDefault(rootless: false)).contains("cgroup"))
        XCTAssertEqual(kinds(Spec.runcDefault(rootless: false, cgroupNamespace: true)).last, "cgroup")
        XCTAssertEqual(kinds(Spec.runcDefault(rootless: true, hostUID: 1000, hostGID: 1000, cgroupNamespace: true)).last, "cgroup")
    }
}
