import OCI
@testable import SwrunRuntime
import XCTest

final class InitPlanCompilerTests: XCTestCase {
    func baseSpec() -> Spec {
        var spec = Spec.runcDefault(rootless: false)
        spec.process?.terminal = false
        spec.process?.args = ["sh", "-c", "true"]
        return spec
    }

    /// As create does: the OCI validator first (it owns the checks of
    /// the fields), then the compiler.
    func compile(_ spec: Spec, userDirs: Set<String> = [], runtimeInUserNamespace: Bool = false,
                 runtimeSetgroupsDenied: Bool = false) throws -> InitPlan {
        let problems = validate(spec)
        if !problems.isEmpty { throw RuntimeError(problems.map(\.description).joined(separator: "\n")) }
        var input = InitPlanInput(spec: spec, bundle: "/b", rootfs: "/b/rootfs", fifoPath: "/run/x/exec.fifo",
                                  sourceKind: { userDirs.contains($0) ? .directory : ($0.hasPrefix("/host/") ? .file : nil) })
        input.cgroupBinds = [.init(name: "cpu", hostPath: "/sys/fs/cgroup/cpu/c1")]
        input.rootfsParentMount = "/b"
        input.runtimeInUserNamespace = runtimeInUserNamespace
        input.runtimeSetgroupsDenied = runtimeSetgroupsDenied
        return try InitPlanCompiler.compile(input)
    }

    func testSocketActivationFdsArePreservedFirstAndAnnounced() throws {
        var input = InitPlanInput(spec: baseSpec(), bundle: "/b", rootfs: "/b/rootfs", fifoPath: "/run/x/exec.fifo",
                                  sourceKind: { _ in nil })
        input.cgroupBinds = [.init(name: "cpu", hostPath: "/sys/fs/cgroup/cpu/c1")]
        input.listenFds = 2
        input.preserveFds = 1
        let plan = try InitPlanCompiler.compile(input)
        XCTAssertTrue(plan.steps.contains(.preserveFds(3)), "fds 3..5: two listen fds, then the preserved one")
        XCTAssertEqual(Array(plan.env.suffix(2)), ["LISTEN_FDS=2", "LISTEN_PID=1"])
    }

    func testContainerNamespaceHooksRunBeforePivotAndBeforeExec() throws {
        var spec = baseSpec()
        spec.hooks = Hooks()
        spec.hooks?.createContainer = [Hook(path: "/host/mk", args: ["mk", "a"], env: ["E=1"], timeout: 3)]
        spec.hooks?.startContainer = [Hook(path: "/in/ldconfig")]
        var input = InitPlanInput(spec: spec, bundle: "/b", rootfs: "/b/rootfs", fifoPath: "/run/x/exec.fifo",
                                  sourceKind: { _ in nil })
        input.cgroupBinds = [.init(name: "cpu", hostPath: "/sys/fs/cgroup/cpu/c1")]
        input.waitForRuntimeHooks = true
        input.hookStateFd = 9
        let plan = try InitPlanCompiler.compile(input)
        let create = try XCTUnwrap(plan.steps.firstIndex(of: .runHook(path: "/host/mk", args: ["mk", "a"], env: ["E=1"], timeoutSeconds: 3, stateFd: 9)))
        let pivot = try XCTUnwrap(plan.steps.firstIndex(of: .pivotRoot))
        XCTAssertEqual(plan.steps[create - 1], .syncWait, "after the parent's createRuntime hooks")
        XCTAssertEqual(create + 1, pivot, "right before pivot_root")
        XCTAssertEqual(plan.stepFields[create], "hooks.createContainer[0]")
        // Without `env` the hook gets the runtime's environment.
        let start = try XCTUnwrap(plan.steps.firstIndex(of: .runHook(path: "/in/ldconfig", args: [], env: Sys.environment(),
                                                                     timeoutSeconds: 0, stateFd: 9)))
        XCTAssertEqual(Array(plan.steps[(start - 1)...]), [.waitExecFifo(path: "/run/x/exec.fifo"), plan.steps[start], .exec],
                       "after start released the init, right before execve")
        XCTAssertEqual(plan.stepFields[start], "hooks.startContainer[0]")
    }

    func testSchedulingStepsComeBeforeTheCredentialChange() throws {
        var spec = baseSpec()
        spec.process?.scheduler = LinuxScheduler(policy: "SCHED_FIFO", priority: 10, flags: ["SCHED_FLAG_RESET_ON_FORK"])
        spec.process?.ioPriority = LinuxIOPriority(ioClass: "IOPRIO_CLASS_RT", priority: 3)
        spec.process?.user = User(uid: 1000, gid: 1000)
        spec.linux?.personality = LinuxPersonality(domain: "LINUX32")
        let plan = try compile(spec)
        let sched = try XCTUnwrap(plan.steps.firstIndex(of: .scheduler(policy: 1, flags: 1, nice: 0, priority: 10,
                                                                            runtime: 0, deadline: 0, period: 0)))
        let io = try XCTUnwrap(plan.steps.firstIndex(of: .ioPriority(1 << 13 | 3)))
        let uid = try XCTUnwrap(plan.steps.firstIndex(of: .setresuid(1000)))
        XCTAssertLessThan(sched, uid)
        XCTAssertLessThan(io, uid)
        XCTAssertTrue(plan.steps.contains(.personality(0x0008)))
        spec.linux?.personality = LinuxPersonality(domain: "LINUX", flags: ["X"])
        XCTAssertThrowsError(try compile(spec)) { XCTAssertTrue("\($0)".contains("linux.personality.flags"), "\($0)") }
    }

    /// exec's process gets the container's personality and memory policy,
    /// after it joined the namespaces and before its own process steps.
    func testExecGetsTheContainersPersonalityAndMemoryPolicy() throws {
        let p = Process(args: ["true"], cwd: "/")
        let plan = try ExecPlanCompiler.compile(p, target: ExecTarget(initPid: 1, namespaces: []), preserveFds: 0,
                                                personality: LinuxPersonality(domain: "LINUX32"),
                                                memoryPolicy: LinuxMemoryPolicy(mode: "MPOL_INTERLEAVE", nodes: "0"))
        let setsid = try XCTUnwrap(plan.steps.firstIndex(of: .setsid))
        let persona = try XCTUnwrap(plan.steps.firstIndex(of: .personality(0x0008)))
        let policy = try XCTUnwrap(plan.steps.firstIndex { if case .memoryPolicy = $0 { return true } else { return false } })
        let ready = try XCTUnwrap(plan.steps.firstIndex(of: .ready))
        XCTAssertTrue(setsid < persona && persona < policy && policy < ready, "\(plan.steps)")
    }

    func testExecCPUAffinityAroundTheCgroupJoin() throws {
        var p = Process(args: ["true"], cwd: "/")
        p.execCPUAffinity = LinuxExecCPUAffinity(initial: "0-1", final: "1")
        let plan = try ExecPlanCompiler.compile(p, target: ExecTarget(initPid: 1, namespaces: []), preserveFds: 0)
        XCTAssertEqual(Array(plan.steps.prefix(4)), [.deathSignal(9), .cpuAffinity("0-1"), .syncWait, .cpuAffinity("1")])
        p.execCPUAffinity = LinuxExecCPUAffinity(final: "1-0")
        XCTAssertThrowsError(try ExecPlanCompiler.compile(p, target: ExecTarget(initPid: 1, namespaces: []), preserveFds: 0)) {
            XCTAssertTrue("\($0)".contains("process.execCPUAffinity.final"), "\($0)")
        }
    }

    func testDefaultSpecCloneFlagsAndStepOrder() throws {
        let plan = try compile(baseSpec())
        let expected = NamespaceKinds.newpid | NamespaceKinds.newnet | NamespaceKinds.newipc
            | NamespaceKinds.newuts | NamespaceKinds.newns
        XCTAssertEqual(plan.cloneFlags, expected)
        XCTAssertEqual(Array(plan.steps.prefix(3)), [.deathSignal(9), .syncWait, .setsid])
        XCTAssertEqual(plan.steps.filter { $0 == .syncWait }.count, 2, "one wait for the id maps, one for the cgroup join")
        XCTAssertEqual(plan.steps[3], .hostPropagation(path: "/", flags: MountFlags.slave | MountFlags.rec))
        XCTAssertEqual(plan.steps[4], .hostPropagation(path: "/b", flags: MountFlags.private), "the rootfs's parent mount is made private")
        XCTAssertEqual(plan.steps[5], .rootfsBind("/b/rootfs"))
        XCTAssertEqual(plan.steps[6], .mount(source: "proc", target: "/proc", fstype: "proc", flags: 0, data: nil, create: .directory))
        XCTAssertEqual(plan.stepFields[6], "mounts[0]", "a mount step names its config entry")
        let tail = Array(plan.steps.suffix(5))
        XCTAssertEqual(tail, [.lookupExecutable(name: "sh", searchPath: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
                              .deathSignal(0), .ready, .waitExecFifo(path: "/run/x/exec.fifo"), .exec])
        XCTAssertTrue(plan.steps.contains(.preserveFds(0)), "fds above stdio are closed")
        XCTAssertTrue(plan.env.contains("HOME=/"), "HOME defaults to / when the config has none")
        let pivot = try XCTUnwrap(plan.steps.firstIndex(of: .pivotRoot))
        let null = try XCTUnwrap(plan.steps.firstIndex(of: .mknod(path: "/dev/null", mode: 0o020666, major: 1, minor: 3, uid: 0, gid: 0)))
        XCTAssertLessThan(null, pivot, "devices are made before pivot_root")
        let firstMask = try XCTUnwrap(plan.steps.firstIndex { if case .maskPath = $0 { return true }; return false })
        let firstRO = try XCTUnwrap(plan.steps.firstIndex { if case .readonlyPath = $0 { return true }; return false })
        XCTAssertLessThan(pivot, firstRO)
        XCTAssertLessThan(firstRO, firstMask, "readonly paths come before masks, as in runc")
        let maskSource = try XCTUnwrap(plan.steps.firstIndex(of: .maskSource))
        XCTAssertLessThan(maskSource, pivot, "the host's /dev/null is opened before pivot_root")
        XCTAssertEqual(plan.steps.filter { $0 == .maskSource }.count, 1)
        XCTAssertTrue(plan.steps.contains(.symlink(linkText: "pts/ptmx", path: "/dev/ptmx", replace: true)))
        XCTAssertTrue(plan.steps.contains(.symlink(linkText: "/proc/self/fd", path: "/dev/fd", replace: false)))
        XCTAssertEqual(plan.argv, ["sh", "-c", "true"])
    }

    func testCgroupMountBindsEachHierarchyUnderATmpfs() throws {
        let plan = try compile(baseSpec())
        XCTAssertTrue(plan.steps.contains(.mount(source: "tmpfs", target: "/sys/fs/cgroup", fstype: "tmpfs",
                                                 flags: MountFlags.nosuid | MountFlags.noexec | MountFlags.nodev | MountFlags.relatime,
                                                 data: "mode=755", create: .directory)))
        XCTAssertTrue(plan.steps.contains(.mount(source: "/sys/fs/cgroup/cpu/c1", target: "/sys/fs/cgroup/cpu", fstype: nil,
                                                 flags: MountFlags.bind | MountFlags.rec, data: nil, create: .directory)))
    }

    func testCredentialsComeAfterTheBoundingSetAndKeepCaps() throws {
        var spec = baseSpec()
        spec.process?.user = User(uid: 1000, gid: 100, umask: 0o077, additionalGids: [5, 6])
        let plan = try compile(spec)
        let steps = plan.steps
        let b = try XCTUnwrap(steps.firstIndex { if case .capBoundingLimit = $0 { return true }; return false })
        let keep = try XCTUnwrap(steps.firstIndex(of: .keepCaps(true)))
        let uid = try XCTUnwrap(steps.firstIndex(of: .setresuid(1000)))
        let caps = try XCTUnwrap(steps.firstIndex { if case .capset = $0 { return true }; return false })
        XCTAssertTrue(b < keep && keep < uid && uid < caps)
        XCTAssertTrue(steps.contains(.setgroups([5, 6])))
        XCTAssertTrue(steps.contains(.setresgid(100)))
        XCTAssertTrue(steps.contains(.umask(0o077)))
    }

    /// As runc's init: the cwd is entered with the runtime's credentials,
    /// and retried as the user (before the final capabilities) only if
    /// that was refused.
    func testCwdIsEnteredBeforeTheUserSwitchAndRetriedAfterIt() throws {
        var spec = baseSpec()
        spec.process?.user = User(uid: 1000, gid: 100)
        spec.process?.cwd = "/work"
        let steps = try compile(spec).steps
        let first = try XCTUnwrap(steps.firstIndex(of: .chdir("/work")))
        let b = try XCTUnwrap(steps.firstIndex { if case .capBoundingLimit = $0 { return true }; return false })
        let uid = try XCTUnwrap(steps.firstIndex(of: .setresuid(1000)))
        let caps = try XCTUnwrap(steps.firstIndex { if case .capset = $0 { return true }; return false })
        XCTAssertTrue(first < b, "before the bounding set and the uid change")
        XCTAssertEqual(steps[uid + 1], .chdir("/work", asUser: true), "retried right after the uid change")
        XCTAssertTrue(uid + 1 < caps)
        let lookup = try XCTUnwrap(steps.firstIndex { if case .lookupExecutable = $0 { return true }; return false })
        XCTAssertTrue(caps < lookup, "the executable is judged with the final capabilities")
    }

    func testAmbientIsLimitedToPermittedAndInheritable() throws {
        var spec = baseSpec()
        spec.process?.capabilities = LinuxCapabilities(bounding: ["CAP_KILL", "CAP_CHOWN"], effective: ["CAP_KILL"],
                                                       inheritable: ["CAP_KILL"], permitted: ["CAP_KILL", "CAP_CHOWN"],
                                                       ambient: ["CAP_KILL", "CAP_CHOWN"])
        let plan = try compile(spec)
        XCTAssertTrue(plan.steps.contains(.ambient(raise: 1 << 5, lastCap: Capabilities.lastCap)))
    }

    func testUserNamespaceMakesDevicesBindMountsAndBecomesRoot() throws {
        var spec = baseSpec()
        spec.linux?.namespaces?.append(LinuxNamespace(type: "user"))
        spec.linux?.uidMappings = [LinuxIDMapping(containerID: 0, hostID: 100000, size: 65536)]
        spec.linux?.gidMappings = [LinuxIDMapping(containerID: 0, hostID: 100000, size: 65536)]
        let plan = try compile(spec)
        XCTAssertTrue(plan.newUserNamespace)
        XCTAssertEqual(Array(plan.steps[2...3]), [.setresgid(0), .setresuid(0)])
        XCTAssertTrue(plan.steps.contains(.bindDevice(path: "/dev/null", mode: 0o020666, major: 1, minor: 3)),
                      "the host's node, checked, is bound")
        XCTAssertFalse(plan.steps.contains { if case .mknod = $0 { return true }; return false })
    }

    /// Root in a user namespace (rootless podman's runtime) may not mknod
    /// either, though the container has no user namespace of its own.
    func testARuntimeInAUserNamespaceBindsTheDevices() throws {
        let plan = try compile(baseSpec(), runtimeInUserNamespace: true)
        XCTAssertTrue(plan.steps.contains(.bindDevice(path: "/dev/null", mode: 0o020666, major: 1, minor: 3)))
        XCTAssertFalse(plan.steps.contains { if case .mknod = $0 { return true }; return false })
    }

    /// A user namespace made in one that denies setgroups denies it too.
    func testAnInheritedSetgroupsDenialSkipsSetgroups() throws {
        var spec = baseSpec()
        spec.linux?.namespaces?.append(LinuxNamespace(type: "user"))
        spec.linux?.uidMappings = [LinuxIDMapping(containerID: 0, hostID: 0, size: 1)]
        spec.linux?.gidMappings = [LinuxIDMapping(containerID: 0, hostID: 0, size: 1)]
        XCTAssertTrue(try compile(spec).steps.contains { if case .setgroups = $0 { return true }; return false })
        let plan = try compile(spec, runtimeSetgroupsDenied: true)
        XCTAssertTrue(plan.setgroupsDenied)
        XCTAssertFalse(plan.steps.contains { if case .setgroups = $0 { return true }; return false })
    }

    /// With a user namespace a bind's source is opened by the parent
    /// (the init may not reach it); the flags still go on with a remount.
    func testBindSourcesAreOpenedBeforeANewUserNamespace() throws {
        var spec = baseSpec()
        spec.mounts = [Mount(destination: "/data", type: "bind", source: "/host/data", options: ["rbind", "ro"]),
                       Mount(destination: "/one", type: "bind", source: "/host/one", options: ["bind"])]
        let plain = try compile(spec, userDirs: ["/host/data"]).steps
        XCTAssertFalse(plain.contains { if case .detachedBind = $0 { return true }; return false }, "no user namespace")
        spec.linux?.namespaces?.append(LinuxNamespace(type: "user"))
        spec.linux?.uidMappings = [LinuxIDMapping(containerID: 0, hostID: 100000, size: 65536)]
        spec.linux?.gidMappings = [LinuxIDMapping(containerID: 0, hostID: 100000, size: 65536)]
        let steps = try compile(spec, userDirs: ["/host/data"]).steps
        let bind = try XCTUnwrap(steps.firstIndex(of: .detachedBind(source: "/host/data", target: "/data", recursive: true,
                                                                    create: .directory)))
        XCTAssertEqual(steps[bind + 1], .mount(source: nil, target: "/data", fstype: nil,
                                               flags: MountFlags.remount | MountFlags.bind | MountFlags.rdonly, data: nil, create: .none))
        XCTAssertTrue(steps.contains(.detachedBind(source: "/host/one", target: "/one", recursive: false, create: .file)))
        XCTAssertFalse(steps.contains { if case .mount(_?, _, nil, _, _, _, _, _) = $0 { return true }; return false },
                       "no bind by path is left: \(steps)")
    }

    func testJoinedNamespacesAreSetnsStepsAndPidIsJoinedBeforeClone() throws {
        var spec = baseSpec()
        spec.linux?.namespaces = [LinuxNamespace(type: "mount"), LinuxNamespace(type: "network", path: "/var/run/netns/x"),
                                  LinuxNamespace(type: "pid", path: "/proc/42/ns/pid"), LinuxNamespace(type: "cgroup")]
        spec.hostname = nil
        let plan = try compile(spec)
        XCTAssertEqual(plan.cloneFlags, NamespaceKinds.newns, "the cgroup namespace is unshared after the cgroup join")
        XCTAssertEqual(plan.pidNamespacePath, "/proc/42/ns/pid")
        XCTAssertTrue(plan.steps.contains(.setns(path: "/var/run/netns/x", type: NamespaceKinds.newnet)))
        XCTAssertTrue(plan.steps.contains(.unshare(flags: NamespaceKinds.newcgroup)))
    }

    func testBindMountReadOnlyIsABindThenARemount() throws {
        var spec = baseSpec()
        spec.mounts = [Mount(destination: "/data", type: "bind", source: "/host/data", options: ["rbind", "ro", "nosuid", "rprivate"])]
        let plan = try compile(spec, userDirs: ["/host/data"])
        let bind = try XCTUnwrap(plan.steps.firstIndex(of: .mount(source: "/host/data", target: "/data", fstype: nil,
                                                                  flags: MountFlags.bind | MountFlags.rec, data: nil, create: .directory)))
        XCTAssertEqual(plan.steps[bind + 1], .mount(source: nil, target: "/data", fstype: nil,
                                                    flags: MountFlags.remount | MountFlags.bind | MountFlags.rdonly | MountFlags.nosuid,
                                                    data: nil, create: .none))
        XCTAssertEqual(plan.steps[bind + 2], .mount(source: nil, target: "/data", fstype: nil,
                                                    flags: MountFlags.private | MountFlags.rec, data: nil, create: .none))
    }

    func testSysctlHostnameRlimitsAndReadonlyRoot() throws {
        var spec = baseSpec()
        spec.hostname = "box"
        spec.root?.readonly = true
        spec.linux?.sysctl = ["net.ipv4.ip_forward": "1"]
        spec.process?.rlimits = [POSIXRlimit(type: "RLIMIT_NOFILE", hard: 1024, soft: 512)]
        let plan = try compile(spec)
        XCTAssertTrue(plan.steps.contains(.sethostname("box")))
        XCTAssertTrue(plan.steps.contains(.writeFile(path: "/proc/sys/net/ipv4/ip_forward", content: "1")))
        XCTAssertTrue(plan.steps.contains(.setrlimit(name: "RLIMIT_NOFILE", resource: 7, soft: 512, hard: 1024)))
        XCTAssertTrue(plan.steps.contains(.remount(target: "/", flags: MountFlags.rdonly)))
    }

    func assertCompileError(_ spec: Spec, contains text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try compile(spec), file: file, line: line) { error in
            XCTAssertTrue("\(error)".contains(text), "\"\(error)\" should contain \"\(text)\"", file: file, line: line)
        }
    }

    func testBadInputNamesTheField() {
        var s = baseSpec()
        s.mounts = [Mount(destination: "", type: "tmpfs", source: "tmpfs")]
        assertCompileError(s, contains: "mounts[0].destination")

        s = baseSpec()
        s.linux?.namespaces?.append(LinuxNamespace(type: "bogus"))
        assertCompileError(s, contains: "linux.namespaces[5].type")

        s = baseSpec()
        s.linux?.namespaces?.removeAll { $0.type == "uts" }
        s.hostname = "x"
        assertCompileError(s, contains: "hostname")

        s = baseSpec()
        s.process?.rlimits = [POSIXRlimit(type: "RLIMIT_NOFILE", hard: 1, soft: 2)]
        assertCompileError(s, contains: "process.rlimits[0]")

        s = baseSpec()
        s.process?.capabilities?.bounding = ["CAP_NOT_A_CAP"]
        XCTAssertNoThrow(try compile(s), "an unknown capability is a warning, skipped")

        s = baseSpec()
        s.linux?.devices = [LinuxDevice(type: "x", path: "/dev/x", major: 1, minor: 1)]
        assertCompileError(s, contains: "linux.devices[0].type")

        s = baseSpec()
        s.mounts = [Mount(destination: "/x", type: "tmpfs", source: "tmpfs", options: ["copy-symlink"])]
        assertCompileError(s, contains: "mounts[0].options[0]")

        s = baseSpec()
        s.linux?.namespaces?.removeAll { $0.type == "mount" }
        assertCompileError(s, contains: "mounts: requires a mount namespace")

        s = baseSpec()
        s.mounts = [Mount(destination: "/x", type: "bind", source: "/definitely/not/here", options: ["bind"])]
        assertCompileError(s, contains: "mounts[0].source")
    }

    func testOnlyTheInitsTerminalBecomesTheConsole() throws {
        var spec = baseSpec()
        spec.process?.terminal = true
        let plan = try compile(spec)
        XCTAssertTrue(plan.steps.contains(.terminal(rows: 0, cols: 0, uid: 0, console: true)))
        var p = Process(args: ["sh"], cwd: "/")
        p.terminal = true
        let exec = try ExecPlanCompiler.compile(p, target: ExecTarget(initPid: 1, namespaces: []), preserveFds: 0)
        XCTAssertTrue(exec.steps.contains(.terminal(rows: 0, cols: 0, uid: 0, console: false)))
    }

    /// Without a mount namespace nothing changes the host's mounts: the
    /// rootfs is opened, not bound, and chrooted into, with or without
    /// --no-pivot; the pty is not bound onto /dev/console.
    func testWithoutAMountNamespaceTheRootIsOnlyAChroot() throws {
        var spec = baseSpec()
        spec.linux?.namespaces?.removeAll { $0.type == "mount" }
        spec.mounts = []
        spec.linux?.maskedPaths = nil
        spec.linux?.readonlyPaths = nil
        spec.root?.readonly = false
        spec.process?.terminal = true
        var input = InitPlanInput(spec: spec, bundle: "/b", rootfs: "/b/rootfs", fifoPath: "/run/x/exec.fifo")
        input.noPivot = true
        input.rootfsParentMount = "/b"
        let plan = try InitPlanCompiler.compile(input)
        XCTAssertEqual(plan.cloneFlags & NamespaceKinds.newns, 0)
        XCTAssertEqual(Array(plan.steps[3...4]), [.rootfsOpen("/b/rootfs"), .mknod(path: "/dev/null", mode: 0o020666, major: 1,
                                                                                    minor: 3, uid: 0, gid: 0)])
        XCTAssertFalse(plan.steps.contains { if case .hostPropagation = $0 { return true }; return false })
        XCTAssertFalse(plan.steps.contains(.pivotRoot) || plan.steps.contains(.moveRoot) || plan.steps.contains(.rootfsBind("/b/rootfs")))
        XCTAssertTrue(plan.steps.contains(.chrootRoot))
        XCTAssertTrue(plan.steps.contains(.terminal(rows: 0, cols: 0, uid: 0, console: false)))
    }

    /// A read-only /dev tmpfs: remounted read-only after the console, with
    /// its mounts[i]; the submounts and nodes below it come before.
    func testReadOnlyDevIsRemountedAfterItsContentAndTheConsole() throws {
        var spec = baseSpec()
        spec.process?.terminal = true
        let i = try XCTUnwrap(spec.mounts?.firstIndex { $0.destination == "/dev" })
        spec.mounts?[i].options?.append("ro")
        let plan = try compile(spec)
        let remount = try XCTUnwrap(plan.steps.firstIndex { if case .remount("/dev", _) = $0 { return true }; return false })
        XCTAssertEqual(plan.stepFields[remount], "mounts[\(i)]")
        XCTAssertEqual(plan.steps[remount - 1], .terminal(rows: 0, cols: 0, uid: 0, console: true))
        let pts = try XCTUnwrap(plan.steps.firstIndex { if case .mount(_, "/dev/pts", _, _, _, _, _, _) = $0 { return true }; return false })
        let null = try XCTUnwrap(plan.steps.firstIndex { if case .mknod("/dev/null", _, _, _, _, _) = $0 { return true }; return false })
        XCTAssertLessThan(pts, remount)
        XCTAssertLessThan(null, remount)
    }

    func testNoMaskSourceWithoutMaskedPaths() throws {
        var spec = baseSpec()
        spec.linux?.maskedPaths = []
        XCTAssertFalse(try compile(spec).steps.contains(.maskSource))
    }
}

final class ExecPlanCompilerTests: XCTestCase {
    func testJoinsUserFirstPidBeforeCloneAndExecsWithoutTheFifo() throws {
        var p = Process(args: ["sh"], env: ["PATH=/bin"], cwd: "/tmp")
        p.user = User(uid: 1000, gid: 1000)
        let target = ExecTarget(initPid: 42, namespaces: [("mount", NamespaceKinds.newns), ("pid", NamespaceKinds.newpid),
                                                          ("user", NamespaceKinds.newuser), ("network", NamespaceKinds.newnet)])
        let plan = try ExecPlanCompiler.compile(p, target: target, preserveFds: 0)
        XCTAssertEqual(plan.cloneFlags, 0, "exec creates no namespace")
        XCTAssertEqual(plan.pidNamespacePath, "/proc/42/ns/pid")
        let joins = plan.steps.compactMap { step -> String? in if case let .setns(path, _) = step { return path }; return nil }
        XCTAssertEqual(joins, ["/proc/42/ns/user", "/proc/42/ns/net", "/proc/42/ns/mnt"], "user first, mount last")
        XCTAssertEqual(plan.steps.last, .exec)
        XCTAssertFalse(plan.steps.contains { if case .waitExecFifo = $0 { return true }; return false })
        XCTAssertTrue(plan.steps.contains(.setresuid(1000)))
        XCTAssertTrue(plan.steps.contains(.chdir("/tmp")))
    }

    /// A container in the runtime's mount namespace: the process enters the
    /// init's root, opened before the joins, chrooted after them.
    func testExecIntoAContainerWithoutItsOwnMountNamespaceChrootsIntoItsRoot() throws {
        let p = Process(args: ["sh"], cwd: "/")
        let target = ExecTarget(initPid: 42, namespaces: [("user", NamespaceKinds.newuser), ("pid", NamespaceKinds.newpid)])
        let steps = try ExecPlanCompiler.compile(p, target: target, preserveFds: 0).steps
        let open = try XCTUnwrap(steps.firstIndex(of: .rootfsOpen("/proc/42/root")))
        let join = try XCTUnwrap(steps.firstIndex(of: .setns(path: "/proc/42/ns/user", type: NamespaceKinds.newuser)))
        let chroot = try XCTUnwrap(steps.firstIndex(of: .chrootRoot))
        XCTAssertTrue(open < join && join < chroot, "\(steps)")
        let own = ExecTarget(initPid: 42, namespaces: [("mount", NamespaceKinds.newns)])
        XCTAssertFalse(try ExecPlanCompiler.compile(p, target: own, preserveFds: 0).steps.contains(.chrootRoot))
    }

    func testRelativeCwdIsRefused() {
        let p = Process(args: ["sh"], cwd: "tmp")
        XCTAssertThrowsError(try ExecPlanCompiler.compile(p, target: ExecTarget(initPid: 1, namespaces: []), preserveFds: 0)) {
            XCTAssertTrue("\($0)".contains("process.cwd"))
        }
    }
}
