import Foundation
import XCTest
@testable import OCI

/// One passing and at least one failing case per validation rule.
final class ValidationTests: XCTestCase {
    func testBaselineIsValid() {
        assertValid(validSpec())
        assertValid(.runcDefault(rootless: false))
        assertValid(.runcDefault(rootless: true, hostUID: 1000, hostGID: 1000))
    }

    func testAllErrorsAreReturned() {
        let spec = Spec.valid {
            $0.ociVersion = ""
            $0.process?.cwd = "x"
            $0.mounts = [Mount(destination: "")]
        }
        XCTAssertEqual(validate(spec).map(\.path), ["ociVersion", "process.cwd", "mounts[0].destination"])
    }

    // MARK: Top level

    func testOCIVersion() {
        assertValid(.valid { $0.ociVersion = "1.0.2-dev" })
        assertValid(.valid { $0.ociVersion = "1.3.0+build.5" })
        assertInvalid(.valid { $0.ociVersion = "" }, path: "ociVersion", message: "must be set")
        assertInvalid(.valid { $0.ociVersion = "2.0.0" }, path: "ociVersion", message: "unsupported major version 2")
        assertInvalid(.valid { $0.ociVersion = "1.0" }, path: "ociVersion", message: "must be a SemVer version")
        assertInvalid(.valid { $0.ociVersion = "v1.0.0" }, path: "ociVersion", message: "must be a SemVer version")
    }

    func testRoot() {
        assertValid(.valid { $0.root = Root(path: "/abs/rootfs", readonly: true) })
        assertInvalid(.valid { $0.root = nil }, path: "root", message: "is required")
        assertInvalid(.valid { $0.root = Root(path: "") }, path: "root.path", message: "must not be empty")
    }

    func testAnnotations() {
        assertValid(.valid { $0.annotations = ["com.example.key": ""] })
        assertInvalid(.valid { $0.annotations = ["": "x"] }, path: #"annotations[""]"#, message: "keys must not be empty")
    }

    // MARK: Process

    func testProcessArgs() {
        assertValid(.valid { $0.process = nil })
        assertInvalid(.valid { $0.process?.args = [] }, path: "process.args", message: "at least one entry")
        assertInvalid(.valid { $0.process?.args = nil }, path: "process.args", message: "at least one entry")
    }

    func testProcessCwd() {
        assertValid(.valid { $0.process?.cwd = "/home/user" })
        assertInvalid(.valid { $0.process?.cwd = "home" }, path: "process.cwd", message: #"must be an absolute path, got "home""#)
    }

    func testRlimits() {
        assertValid(.valid {
            $0.process?.rlimits = [
                POSIXRlimit(type: "RLIMIT_NOFILE", hard: 1024, soft: 1024),
                POSIXRlimit(type: "RLIMIT_CORE", hard: 10, soft: 0),
            ]
        })
        assertInvalid(.valid { $0.process?.rlimits = [POSIXRlimit(type: "NOFILE", hard: 1, soft: 1)] },
                      path: "process.rlimits[0].type", message: "must have the form RLIMIT_NAME")
        assertInvalid(.valid { $0.process?.rlimits = [POSIXRlimit(type: "RLIMIT_BOGUS", hard: 1, soft: 1)] },
                      path: "process.rlimits[0].type", message: #"unknown resource limit "RLIMIT_BOGUS""#)
        assertInvalid(.valid {
            $0.process?.rlimits = [
                POSIXRlimit(type: "RLIMIT_NOFILE", hard: 1, soft: 1),
                POSIXRlimit(type: "RLIMIT_NOFILE", hard: 2, soft: 2),
            ]
        }, path: "process.rlimits[1].type", message: "duplicate rlimit")
        assertInvalid(.valid { $0.process?.rlimits = [POSIXRlimit(type: "RLIMIT_NOFILE", hard: 1, soft: 2)] },
                      path: "process.rlimits[0]", message: "soft limit 2 is greater than hard limit 1")
    }

    func testCapabilities() {
        assertValid(.valid {
            $0.process?.capabilities = LinuxCapabilities(bounding: LinuxCapabilities.knownNames, ambient: ["CAP_CHECKPOINT_RESTORE"])
        })
        // Unknown names are warnings (the spec: MUST be logged, SHOULD NOT fail).
        assertValid(.valid { $0.process?.capabilities = LinuxCapabilities(effective: ["CAP_KILL", "chown"], permitted: ["CAP_FLY"]) })
        XCTAssertEqual(capabilityWarnings(LinuxCapabilities(effective: ["CAP_KILL", "chown"], permitted: ["CAP_FLY"]), at: "process.capabilities"),
                       [#"process.capabilities.effective[1]: unknown capability "chown", ignored"#,
                        #"process.capabilities.permitted[0]: unknown capability "CAP_FLY", ignored"#])
        XCTAssertEqual(LinuxCapabilities.knownNames.count, 41)
        XCTAssertEqual(LinuxCapabilities.number(of: "CAP_SYS_ADMIN"), 21)
        XCTAssertEqual(LinuxCapabilities.number(of: "CAP_CHECKPOINT_RESTORE"), 40)
    }

    func testIOPriority() {
        assertValid(.valid { $0.process?.ioPriority = LinuxIOPriority(ioClass: "IOPRIO_CLASS_IDLE", priority: 4) })
        assertInvalid(.valid { $0.process?.ioPriority = LinuxIOPriority(ioClass: "IOPRIO_CLASS_X", priority: 0) },
                      path: "process.ioPriority.class", message: "must be one of")
        assertInvalid(.valid { $0.process?.ioPriority = LinuxIOPriority(ioClass: "IOPRIO_CLASS_BE", priority: 8) },
                      path: "process.ioPriority.priority", message: "between 0 and 7")
    }

    func testIOPriorityClassKey() throws {
        let spec = try decode(#"{"ociVersion":"1.0.0","process":{"cwd":"/","args":["sh"],"ioPriority":{"class":"IOPRIO_CLASS_RT","priority":1}}}"#)
        XCTAssertEqual(spec.process?.ioPriority, LinuxIOPriority(ioClass: "IOPRIO_CLASS_RT", priority: 1))
        let json = String(decoding: encodeSpecPretty(spec), as: UTF8.self)
        XCTAssertTrue(json.contains(#""class": "IOPRIO_CLASS_RT""#), json)
    }

    func testScheduler() {
        assertValid(.valid {
            $0.process?.scheduler = LinuxScheduler(policy: "SCHED_BATCH", nice: -20, flags: ["SCHED_FLAG_RESET_ON_FORK"])
        })
        assertInvalid(.valid { $0.process?.scheduler = LinuxScheduler(policy: "SCHED_FAST") },
                      path: "process.scheduler.policy", message: "unknown policy")
        assertInvalid(.valid { $0.process?.scheduler = LinuxScheduler(policy: "SCHED_OTHER", flags: ["SCHED_FLAG_X"]) },
                      path: "process.scheduler.flags[0]", message: "unknown flag")
        assertInvalid(.valid { $0.process?.scheduler = LinuxScheduler(policy: "SCHED_OTHER", nice: 20) },
                      path: "process.scheduler.nice", message: "between -20 and 19")
    }

    func testExecCPUAffinity() {
        assertValid(.valid { $0.process?.execCPUAffinity = LinuxExecCPUAffinity(initial: "7", final: "0-3,7") })
        assertInvalid(.valid { $0.process?.execCPUAffinity = LinuxExecCPUAffinity(final: "all") },
                      path: "process.execCPUAffinity.final", message: "must be a CPU list")
    }

    // MARK: Mounts and hooks

    func testMountDestinations() {
        assertValid(.valid { $0.mounts = [Mount(destination: "/tmp", type: "tmpfs", source: "tmpfs")] })
        let spec = Spec.valid {
            $0.mounts = [Mount(destination: "/proc"), Mount(destination: "/dev"), Mount(destination: "/a/../../etc")]
        }
        assertInvalid(spec, path: "mounts[2].destination", message: #"must be a path without "..", got "/a/../../etc""#)
        XCTAssertEqual(validate(spec).first?.description, #"config.json: mounts[2].destination: must be a path without "..", got "/a/../../etc""#)
        assertValid(.valid { $0.mounts = [Mount(destination: "tmp", type: "tmpfs", source: "tmpfs")] })  // relative: deprecated, allowed
    }

    func testMountIDMappings() {
        let mapping = [LinuxIDMapping(containerID: 0, hostID: 100000, size: 65536)]
        assertValid(.valid {
            $0.mounts = [Mount(destination: "/data", type: "bind", source: "/src", options: ["rbind", "idmap"],
                               uidMappings: mapping, gidMappings: mapping)]
        })
        assertInvalid(.valid { $0.mounts = [Mount(destination: "/data", uidMappings: mapping)] },
                      path: "mounts[0].gidMappings", message: "is required when uidMappings is set")
        assertInvalid(.valid { $0.mounts = [Mount(destination: "/data", gidMappings: mapping)] },
                      path: "mounts[0].uidMappings", message: "is required when gidMappings is set")
    }

    func testHooks() {
        assertValid(.valid {
            $0.hooks = Hooks(prestart: [Hook(path: "/bin/a")], createRuntime: [Hook(path: "/bin/b", timeout: 1)],
                             createContainer: [Hook(path: "/bin/c")], startContainer: [Hook(path: "/bin/d")],
                             poststart: [Hook(path: "/bin/e")], poststop: [Hook(path: "/bin/f")])
        })
        assertInvalid(.valid { $0.hooks = Hooks(createContainer: [Hook(path: "/ok"), Hook(path: "bin/hook")]) },
                      path: "hooks.createContainer[1].path", message: "must be an absolute path")
        assertInvalid(.valid { $0.hooks = Hooks(poststop: [Hook(path: "/bin/x", timeout: 0)]) },
                      path: "hooks.poststop[0].timeout", message: "must be greater than zero")
    }

    // MARK: Namespaces

    func testNamespaces() {
        assertValid(.valid {
            $0.linux?.namespaces = [LinuxNamespace(kind: .network, path: "/var/run/netns/x"), LinuxNamespace(kind: .cgroup)]
        })
        assertInvalid(.valid { $0.linux?.namespaces = [LinuxNamespace(type: "net")] },
                      path: "linux.namespaces[0].type", message: #"unknown namespace type "net""#)
        assertInvalid(.valid { $0.linux?.namespaces?.append(LinuxNamespace(kind: .pid)) },
                      path: "linux.namespaces[5].type", message: #"duplicate namespace "pid""#)
        assertInvalid(.valid { $0.linux?.namespaces = [LinuxNamespace(kind: .ipc, path: "proc/1/ns/ipc")] },
                      path: "linux.namespaces[0].path", message: "must be an absolute path")
    }

    func testNamespaceKinds() {
        XCTAssertEqual(NamespaceKind.allCases.map(\.rawValue), ["pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time"])
        XCTAssertEqual(NamespaceKind.network.procName, "net")
        XCTAssertEqual(NamespaceKind.mount.cloneFlag, 0x20000)
        XCTAssertEqual(LinuxNamespace(type: "bogus").kind, nil)
        XCTAssertEqual(LinuxDevice(type: "u", path: "/dev/x").kind, .unbufferedChar)
        XCTAssertEqual(LinuxDevice(type: "x", path: "/dev/x").kind, nil)
    }

    func testUserNamespaceMappings() {
        let mapping = [LinuxIDMapping(containerID: 0, hostID: 1000, size: 1)]
        assertValid(.valid {
            $0.linux?.namespaces?.append(LinuxNamespace(kind: .user))
            $0.linux?.uidMappings = mapping
            $0.linux?.gidMappings = mapping
        })
        assertValid(.valid { $0.linux?.namespaces?.append(LinuxNamespace(kind: .user, path: "/proc/1/ns/user")) })
        assertInvalid(.valid { $0.linux?.uidMappings = mapping; $0.linux?.gidMappings = mapping },
                      path: "linux.uidMappings", message: "requires a user namespace")
        assertInvalid(.valid { $0.linux?.gidMappings = mapping },
                      path: "linux.gidMappings", message: "requires a user namespace")
        assertInvalid(.valid { $0.linux?.namespaces?.append(LinuxNamespace(kind: .user)); $0.linux?.uidMappings = mapping },
                      path: "linux.gidMappings", message: "is required with a new user namespace")
    }

    func testUTSNamespace() {
        assertValid(.valid { $0.hostname = "box"; $0.domainname = "example.test" })
        assertValid(.valid { $0.linux?.namespaces = []; $0.hostname = "" })
        let spec = Spec.valid { $0.linux?.namespaces = [LinuxNamespace(kind: .pid)]; $0.hostname = "box" }
        assertInvalid(spec, path: "hostname", message: "requires a uts namespace")
        assertInvalid(.valid { $0.linux = nil; $0.domainname = "example.test" },
                      path: "domainname", message: "requires a uts namespace")
        // A joined uts namespace takes the names (runc sets them there).
        assertValid(.valid {
            $0.linux?.namespaces = [LinuxNamespace(kind: .mount), LinuxNamespace(kind: .uts, path: "/proc/1/ns/uts")]
            $0.hostname = "box"
            $0.domainname = "example.test"
        })
    }

    func testWithoutAMountNamespaceNothingChangesTheMountTable() {
        assertValid(.valid { $0.linux?.namespaces = [LinuxNamespace(kind: .pid)] })
        assertValid(.valid { $0.linux = nil; $0.root?.readonly = false })
        let joined = Spec.valid {
            $0.linux?.namespaces = [LinuxNamespace(kind: .mount, path: "/proc/1/ns/mnt")]
            $0.linux?.maskedPaths = ["/proc/kcore"]
            $0.mounts = [Mount(destination: "/proc", type: "proc", source: "proc")]
        }
        assertValid(joined)
        let hostMounts = Spec.valid {
            $0.linux?.namespaces = [LinuxNamespace(kind: .pid)]
            $0.mounts = [Mount(destination: "/proc", type: "proc", source: "proc")]
            $0.root?.readonly = true
            $0.linux?.maskedPaths = ["/proc/kcore"]
            $0.linux?.readonlyPaths = ["/proc/sys"]
            $0.linux?.rootfsPropagation = "rslave"
        }
        for path in ["mounts", "root.readonly", "linux.maskedPaths", "linux.readonlyPaths", "linux.rootfsPropagation"] {
            assertInvalid(hostMounts, path: path, message: "requires a mount namespace (linux.namespaces has no \"mount\" entry)")
        }
    }

    func testTimeOffsets() {
        let offsets = ["monotonic": LinuxTimeOffset(secs: 10, nanosecs: 0), "boottime": LinuxTimeOffset(secs: -5)]
        assertValid(.valid { $0.linux?.namespaces?.append(LinuxNamespace(kind: .time)); $0.linux?.timeOffsets = offsets })
        assertInvalid(.valid { $0.linux?.timeOffsets = offsets },
                      path: "linux.timeOffsets", message: "requires a new time namespace")
        assertInvalid(.valid {
            $0.linux?.namespaces?.append(LinuxNamespace(kind: .time, path: "/proc/1/ns/time"))
            $0.linux?.timeOffsets = offsets
        }, path: "linux.timeOffsets", message: "joining an existing time namespace")
        assertInvalid(.valid {
            $0.linux?.namespaces?.append(LinuxNamespace(kind: .time))
            $0.linux?.timeOffsets = ["realtime": LinuxTimeOffset(secs: 1)]
        }, path: "linux.timeOffsets.realtime", message: "unknown clock")
        assertInvalid(.valid {
            $0.linux?.namespaces?.append(LinuxNamespace(kind: .time))
            $0.linux?.timeOffsets = ["boottime": LinuxTimeOffset(nanosecs: 1_000_000_000)]
        }, path: "linux.timeOffsets.boottime.nanosecs", message: "must be less than")
    }

    // MARK: Devices, paths, sysctl

    func testDevices() {
        assertValid(.valid {
            $0.linux?.devices = [
                LinuxDevice(type: "c", path: "/dev/fuse", major: 10, minor: 229, fileMode: 438, uid: 0, gid: 0),
                LinuxDevice(type: "p", path: "/dev/fifo"),
            ]
        })
        assertInvalid(.valid { $0.linux?.devices = [LinuxDevice(type: "x", path: "/dev/x", major: 1, minor: 1)] },
                      path: "linux.devices[0].type", message: "must be one of c, b, u, p")
        assertInvalid(.valid { $0.linux?.devices = [LinuxDevice(type: "b", path: "dev/sda", major: 8, minor: 0)] },
                      path: "linux.devices[0].path", message: "must be an absolute path")
        assertInvalid(.valid { $0.linux?.devices = [LinuxDevice(type: "b", path: "/dev/sda", minor: 0)] },
                      path: "linux.devices[0].major", message: #"is required for device type "b""#)
        assertInvalid(.valid { $0.linux?.devices = [LinuxDevice(type: "u", path: "/dev/u", major: 1)] },
                      path: "linux.devices[0].minor", message: "is required")
    }

    func testSysctlKeys() {
        assertValid(.valid { $0.linux?.sysctl = ["net.ipv4.ip_forward": "1"] })
        assertInvalid(.valid { $0.linux?.sysctl = ["": "1"] }, path: #"linux.sysctl[""]"#, message: "must not be empty")
    }

    func testSysctlNamespaces() {
        assertValid(.valid {
            $0.linux?.sysctl = ["kernel.shmmax": "1", "fs.mqueue.msg_max": "10", "kernel.domainname": "x", "net.core.somaxconn": "256"]
        })
        assertInvalid(.valid { $0.linux?.namespaces = [LinuxNamespace(kind: .mount)]; $0.linux?.sysctl = ["net.ipv4.ip_forward": "1"] },
                      path: #"linux.sysctl["net.ipv4.ip_forward"]"#, message: "requires a network namespace")
        assertInvalid(.valid { $0.linux?.namespaces = [LinuxNamespace(kind: .mount)]; $0.linux?.sysctl = ["kernel.sem": "1"] },
                      path: #"linux.sysctl["kernel.sem"]"#, message: "requires an ipc namespace")
        assertInvalid(.valid { $0.linux?.sysctl = ["kernel.hostname": "x"] },
                      path: #"linux.sysctl["kernel.hostname"]"#, message: "conflicts with the OCI \"hostname\" field")
        assertInvalid(.valid { $0.linux?.sysctl = ["vm.swappiness": "10"] },
                      path: #"linux.sysctl["vm.swappiness"]"#, message: "is not namespaced")
    }

    func testMaskedAndReadonlyPaths() {
        assertValid(.valid { $0.linux?.maskedPaths = ["/proc/kcore"]; $0.linux?.readonlyPaths = ["/proc/sys"] })
        assertInvalid(.valid { $0.linux?.maskedPaths = ["/proc/kcore", "proc/keys"] },
                      path: "linux.maskedPaths[1]", message: "must be an absolute path")
        assertInvalid(.valid { $0.linux?.readonlyPaths = ["sys"] },
                      path: "linux.readonlyPaths[0]", message: "must be an absolute path")
    }

    func testRootfsPropagation() {
        assertValid(.valid { $0.linux?.rootfsPropagation = "slave" })
        assertValid(.valid { $0.linux?.rootfsPropagation = "rprivate" })
        assertInvalid(.valid { $0.linux?.rootfsPropagation = "sideways" }, path: "linux.rootfsPropagation", message: "must be one of")
    }

    // MARK: Seccomp

    func testSeccomp() {
        assertValid(.valid {
            $0.linux?.seccomp = LinuxSeccomp(
                defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: 1,
                architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"], flags: ["SECCOMP_FILTER_FLAG_LOG"],
                listenerPath: "/run/agent.sock", listenerMetadata: "meta",
                syscalls: [LinuxSyscall(names: ["personality"], action: "SCMP_ACT_ALLOW",
                                        args: [LinuxSeccompArg(index: 0, value: 8, op: "SCMP_CMP_EQ")])])
        })
        func broken(_ change: (inout LinuxSeccomp) -> Void) -> Spec {
            var seccomp = LinuxSeccomp(defaultAction: "SCMP_ACT_ALLOW",
                                       syscalls: [LinuxSyscall(names: ["kill"], action: "SCMP_ACT_ERRNO")])
            change(&seccomp)
            return .valid { $0.linux?.seccomp = seccomp }
        }
        assertInvalid(broken { $0.defaultAction = "ALLOW" }, path: "linux.seccomp.defaultAction", message: "unknown action")
        assertInvalid(broken { $0.defaultErrnoRet = 1 }, path: "linux.seccomp.defaultErrnoRet", message: "cannot be used with action")
        assertInvalid(broken { $0.architectures = ["SCMP_ARCH_Z80"] }, path: "linux.seccomp.architectures[0]", message: "unknown architecture")
        assertInvalid(broken { $0.flags = ["SECCOMP_FILTER_FLAG_X"] }, path: "linux.seccomp.flags[0]", message: "unknown flag")
        assertInvalid(broken { $0.listenerMetadata = "x" }, path: "linux.seccomp.listenerMetadata", message: "requires listenerPath")
        assertInvalid(broken { $0.syscalls?[0].names = [] }, path: "linux.seccomp.syscalls[0].names", message: "at least one entry")
        assertInvalid(broken { $0.syscalls?[0].action = "SCMP_ACT_MAYBE" }, path: "linux.seccomp.syscalls[0].action", message: "unknown action")
        assertInvalid(broken { $0.syscalls?[0].action = "SCMP_ACT_KILL"; $0.syscalls?[0].errnoRet = 1 },
                      path: "linux.seccomp.syscalls[0].errnoRet", message: "cannot be used with action")
        assertInvalid(broken { $0.syscalls?[0].args = [LinuxSeccompArg(index: 6, value: 0, op: "SCMP_CMP_EQ")] },
                      path: "linux.seccomp.syscalls[0].args[0].index", message: "between 0 and 5")
        assertInvalid(broken { $0.syscalls?[0].args = [LinuxSeccompArg(index: 0, value: 0, op: "EQ")] },
                      path: "linux.seccomp.syscalls[0].args[0].op", message: "unknown operator")
    }

    // MARK: Resources

    func testDeviceCgroup() {
        assertValid(.valid {
            $0.linux?.resources = LinuxResources(devices: [
                LinuxDeviceCgroup(allow: false, access: "rwm"),
                LinuxDeviceCgroup(allow: true, type: "c", major: 10, minor: 229, access: "rw"),
            ])
        })
        assertInvalid(.valid { $0.linux?.resources = LinuxResources(devices: [LinuxDeviceCgroup(allow: true, type: "p")]) },
                      path: "linux.resources.devices[0].type", message: "must be one of a, b, c")
        assertInvalid(.valid { $0.linux?.resources = LinuxResources(devices: [LinuxDeviceCgroup(allow: true, access: "rwx")]) },
                      path: "linux.resources.devices[0].access", message: "r, w, m")
    }

    func testMemory() {
        assertValid(.valid { $0.linux?.resources = LinuxResources(memory: LinuxMemory(limit: -1, swap: -1, swappiness: 100)) })
        assertInvalid(.valid { $0.linux?.resources = LinuxResources(memory: LinuxMemory(swappiness: 101)) },
                      path: "linux.resources.memory.swappiness", message: "between 0 and 100")
    }

    func testCPU() {
        assertValid(.valid { $0.linux?.resources = LinuxResources(cpu: LinuxCPU(quota: 1000, burst: 1000, period: 100_000)) })
        assertValid(.valid { $0.linux?.resources = LinuxResources(cpu: LinuxCPU(quota: -1, burst: 5000)) })
        assertInvalid(.valid { $0.linux?.resources = LinuxResources(cpu: LinuxCPU(quota: 1000, burst: 1001)) },
                      path: "linux.resources.cpu.burst", message: "must not be larger than quota")
    }

    func testBlockIO() {
        assertValid(.valid {
            $0.linux?.resources = LinuxResources(blockIO: LinuxBlockIO(weight: 10, weightDevice: [LinuxWeightDevice(major: 8, minor: 0, leafWeight: 300)]))
        })
        assertInvalid(.valid {
            $0.linux?.resources = LinuxResources(blockIO: LinuxBlockIO(weightDevice: [LinuxWeightDevice(major: 8, minor: 0)]))
        }, path: "linux.resources.blockIO.weightDevice[0]", message: "must set weight or leafWeight")
    }

    func testHugepageLimits() {
        assertValid(.valid {
            $0.linux?.resources = LinuxResources(hugepageLimits: [LinuxHugepageLimit(pageSize: "2MB", limit: 1), LinuxHugepageLimit(pageSize: "64KB", limit: 1)])
        })
        for bad in ["64kB", "2M", "MB", "02MB", "1TB", ""] {
            assertInvalid(.valid { $0.linux?.resources = LinuxResources(hugepageLimits: [LinuxHugepageLimit(pageSize: bad, limit: 1)]) },
                          path: "linux.resources.hugepageLimits[0].pageSize", message: "must be a size")
        }
    }

    func testRdma() {
        assertValid(.valid { $0.linux?.resources = LinuxResources(rdma: ["mlx5_1": LinuxRdma(hcaHandles: 3)]) })
        assertInvalid(.valid { $0.linux?.resources = LinuxResources(rdma: ["mlx5_1": LinuxRdma()]) },
                      path: "linux.resources.rdma.mlx5_1", message: "must set hcaHandles or hcaObjects")
    }

    // MARK: Other Linux settings

    func testIntelRdt() {
        assertValid(.valid {
            $0.linux?.intelRdt = LinuxIntelRdt(closID: "guaranteed", l3CacheSchema: "L3:0=7f0", memBwSchema: "MB:0=20",
                                               schemata: ["L2:0=f"], enableMonitoring: true)
        })
        assertInvalid(.valid { $0.linux?.intelRdt = LinuxIntelRdt(memBwSchema: "0=20") },
                      path: "linux.intelRdt.memBwSchema", message: #"must start with "MB:""#)
        assertInvalid(.valid { $0.linux?.intelRdt = LinuxIntelRdt(schemata: ["L3:0=1\nMB:0=2"]) },
                      path: "linux.intelRdt.schemata[0]", message: "must not contain newlines")
    }

    func testMemoryPolicy() {
        assertValid(.valid { $0.linux?.memoryPolicy = LinuxMemoryPolicy(mode: "MPOL_INTERLEAVE", nodes: "2-3", flags: ["MPOL_F_STATIC_NODES"]) })
        assertInvalid(.valid { $0.linux?.memoryPolicy = LinuxMemoryPolicy(mode: "MPOL_RANDOM") },
                      path: "linux.memoryPolicy.mode", message: "unknown mode")
        assertInvalid(.valid { $0.linux?.memoryPolicy = LinuxMemoryPolicy(mode: "MPOL_BIND", flags: ["MPOL_F_X"]) },
                      path: "linux.memoryPolicy.flags[0]", message: "unknown flag")
    }

    func testPersonality() {
        assertValid(.valid { $0.linux?.personality = LinuxPersonality(domain: "LINUX32") })
        assertInvalid(.valid { $0.linux?.personality = LinuxPersonality(domain: "LINUX64") },
                      path: "linux.personality.domain", message: "must be one of LINUX, LINUX32")
        assertInvalid(.valid { $0.linux?.personality = LinuxPersonality(domain: "LINUX", flags: ["X"]) },
                      path: "linux.personality.flags[0]", message: "unknown flag")
    }

    func testNetDevices() {
        assertValid(.valid { $0.linux?.netDevices = ["eth0": LinuxNetDevice(name: "ctr%d"), "ens4": LinuxNetDevice()] })
        assertInvalid(.valid { $0.linux?.namespaces = [LinuxNamespace(kind: .mount)]; $0.linux?.netDevices = ["eth0": LinuxNetDevice()] },
                      path: "linux.netDevices", message: "requires a network namespace")
        assertInvalid(.valid { $0.linux?.netDevices = ["a/b": LinuxNetDevice()] },
                      path: #"linux.netDevices["a/b"]"#, message: "invalid interface name")
        assertInvalid(.valid { $0.linux?.netDevices = ["eth0": LinuxNetDevice(name: "a-very-long-interface")] },
                      path: "linux.netDevices.eth0.name", message: "invalid interface name")
    }
}
