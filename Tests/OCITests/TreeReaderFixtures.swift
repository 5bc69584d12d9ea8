import Foundation
import XCTest
@testable import OCI

// MARK: - Fixtures

func hook(_ name: String, timeout: Int) -> Hook {
    Hook(path: "/usr/libexec/\(name)", args: [name, "--flag"], env: ["HOOK=\(name)"], timeout: timeout)
}

/// A spec with every field of every type set, mostly to values that are
/// not the types' defaults, and integers at the ends of their ranges.
func everyFieldSpec() -> Spec {
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
let everyFieldJSON = #"""
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
let brokenSpecDocuments: [String] = {
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
