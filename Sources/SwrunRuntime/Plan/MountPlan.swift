import OCI

/// Compiles `mounts` of config.json into mount steps: the mount itself,
/// then a bind remount for flags a bind cannot take at once, then the
/// propagation change, each a separate mount(2) as the kernel requires.
public struct MountPlan {
    /// What a host path is: a directory, something else (a file, a
    /// device...), or nil when missing. A bind source decides whether its
    /// target is created as a directory or as a file.
    public var sourceKind: (String) -> MountTargetKind?
    public var bundle: String
    /// The rootfs (realpath'd). A bind source below it is a path in the
    /// container, resolved by the child when it mounts, after the earlier
    /// mounts (runc stats the host path then), and never through a symlink
    /// leading out of the rootfs.
    public var rootfs: String?
    /// The container's cgroup in each host hierarchy, for `cgroup` mounts.
    public var cgroupBinds: [CgroupBind] = []

    public init(bundle: String, sourceKind: @escaping (String) -> MountTargetKind?) {
        self.bundle = bundle
        self.sourceKind = sourceKind
    }

    /// sourceKind as the host's filesystem answers it.
    public static func hostSourceKind(_ path: String) -> MountTargetKind? {
        guard Sys.exists(path) else { return nil }
        return Sys.isDirectory(path) ? .directory : .file
    }

    /// One hierarchy as the container sees it under its cgroup mount:
    /// `name` is the directory below the mount ("cpu", "systemd",
    /// "unified"), empty when the host has only the v2 hierarchy.
    public struct CgroupBind: Equatable {
        public var name: String
        public var hostPath: String
        public init(name: String, hostPath: String) {
            self.name = name
            self.hostPath = hostPath
        }
    }

    public struct ParsedOptions: Equatable {
        public var flags: UInt = 0
        public var propagation: [UInt] = []
        public var data: [String] = []
        /// Recursive attributes (rro, rnosuid...) for mount_setattr.
        public var attrSet: UInt64 = 0
        public var attrClear: UInt64 = 0
        public var copyUp = false
        public var idmap = false
        public var recursiveIdmap = false
    }

    /// Option words still to come, named in the error.
    static let unsupported: Set<String> = ["copy-symlink"]

    public static func parse(_ options: [String], field: String) throws -> ParsedOptions {
        var out = ParsedOptions()
        for (i, opt) in options.enumerated() {
            if let (set, flag) = MountFlags.options[opt] {
                if set { out.flags |= flag } else { out.flags &= ~flag }
            } else if let p = MountFlags.propagation[opt] {
                out.propagation.append(p)
            } else if let (set, clear) = MountAttributes.recursive[opt] {
                out.attrSet = (out.attrSet & ~clear) | set
                out.attrClear = (out.attrClear & ~set) | clear
            } else if opt == "tmpcopyup" {
                out.copyUp = true
            } else if opt == "idmap" || opt == "ridmap" {
                out.idmap = true
                out.recursiveIdmap = out.recursiveIdmap || opt == "ridmap"
            } else if unsupported.contains(opt) {
                throw RuntimeError("\(field).options[\(i)]: mount option \"\(opt)\" is not supported yet")
            } else {
                out.data.append(opt)
            }
        }
        return out
    }

    /// The container's own id mappings: an idmap mount without mappings of
    /// its own uses them.
    public var containerMappings: (uids: [LinuxIDMapping], gids: [LinuxIDMapping])?
    /// The container has a user namespace (new or joined): bind sources are
    /// opened by the parent, outside it (`Step.detachedBind`), as runc
    /// opens them.
    public var openSourcesBeforeUserNamespace = false

    public func steps(for mount: Mount, index i: Int) throws -> [Step] {
        let field = "mounts[\(i)]"
        // A relative destination is deprecated; config.md has it taken
        // relative to "/".
        let dest = mount.destination.hasPrefix("/") ? mount.destination : "/" + mount.destination
        guard !mount.destination.isEmpty else {
            throw RuntimeError("\(field).destination: must not be empty")
        }
        var opts = try MountPlan.parse(mount.options ?? [], field: field)
        let type = mount.type ?? ""
        let isBind = opts.flags & MountFlags.bind != 0 || type == "bind"
        if type == "cgroup" || type == "cgroup2" {
            return try cgroupSteps(dest, opts, field: field)
        }
        if !isBind && type.isEmpty {
            throw RuntimeError("\(field).type: required for a mount that is not a bind mount")
        }
        if (mount.uidMappings == nil) != (mount.gidMappings == nil) {
            throw RuntimeError("\(field): uidMappings and gidMappings go together")
        }
        if mount.uidMappings != nil { opts.idmap = true }
        if opts.idmap && !isBind {
            throw RuntimeError("\(field): idmapped mounts must be bind mounts")
        }
        if opts.copyUp && type != "tmpfs" {
            throw RuntimeError("\(field).options: tmpcopyup needs a tmpfs, not \"\(type)\"")
        }
        if type == "overlay" { opts.data = opts.data.map(overlayOption) }
        let data = opts.data.isEmpty ? nil : opts.data.joined(separator: ",")
        var steps: [Step] = []
        if opts.flags & MountFlags.remount != 0 {
            // A remount changes the mount already at the destination.
            let flags = opts.flags | (isBind ? MountFlags.bind : 0)
            steps.append(.mount(source: nil, target: dest, fstype: nil, flags: flags & ~MountFlags.rec,
                                data: data, create: .none))
        } else if isBind {
            steps += try bindSteps(mount, opts, dest: dest, field: field)
        } else {
            var source = mount.source ?? type
            if source.isEmpty { source = type }
            // A read-only tmpfs or /dev is made read-only only once what
            // goes inside it is made (readonlyRemount), as runc does.
            let deferred = MountPlan.readonlyIsDeferred(type: type, destination: dest, flags: opts.flags)
            steps.append(.mount(source: source, target: dest, fstype: type,
                                flags: deferred ? opts.flags & ~MountFlags.rdonly : opts.flags,
                                data: data, create: .directory, copyUp: opts.copyUp))
        }
        if opts.attrSet != 0 || opts.attrClear != 0 {
            steps.append(.mountSetattr(target: dest, set: opts.attrSet, clear: opts.attrClear, recursive: true))
        }
        for p in opts.propagation {
            steps.append(.mount(source: nil, target: dest, fstype: nil, flags: p, data: nil, create: .none))
        }
        return steps
    }

    /// A bind mount: the bind, then a bind remount for the other flags.
    func bindSteps(_ mount: Mount, _ opts: ParsedOptions, dest: String, field: String) throws -> [Step] {
        guard var source = mount.source, !source.isEmpty else {
            throw RuntimeError("\(field).source: required for a bind mount")
        }
        if !source.hasPrefix("/") { source = bundle + "/" + source }
        let bindFlags = MountFlags.bind | (opts.flags & MountFlags.rec)
        var steps: [Step] = []
        if let inRoot = pathInRootfs(source) {
            if opts.idmap {
                throw RuntimeError("\(field).source: an idmapped bind of a path inside the rootfs (\(source)) is not supported")
            }
            steps.append(.mount(source: inRoot, target: dest, fstype: nil, flags: bindFlags, data: nil,
                                create: .likeSource, sourceInRoot: true))
        } else {
            guard let kind = sourceKind(source) else {
                throw RuntimeError("\(field).source: bind source", path: source, errno: 2)
            }
            if opts.idmap {
                guard let uids = mount.uidMappings ?? containerMappings?.uids,
                      let gids = mount.gidMappings ?? containerMappings?.gids, !uids.isEmpty, !gids.isEmpty else {
                    throw RuntimeError("\(field): an idmap mount needs uidMappings and gidMappings (or a user namespace)")
                }
                steps.append(.idmappedMount(source: source, target: dest, uidMappings: uids, gidMappings: gids,
                                            recursiveTree: opts.flags & MountFlags.rec != 0,
                                            recursiveIdmap: opts.recursiveIdmap, create: kind))
            } else if openSourcesBeforeUserNamespace {
                steps.append(.detachedBind(source: source, target: dest, recursive: opts.flags & MountFlags.rec != 0,
                                           create: kind))
            } else {
                steps.append(.mount(source: source, target: dest, fstype: nil, flags: bindFlags, data: nil, create: kind))
            }
        }
        let rest = opts.flags & ~(MountFlags.bind | MountFlags.rec | MountFlags.remount)
        if rest != 0 {
            steps.append(.mount(source: nil, target: dest, fstype: nil,
                                flags: MountFlags.remount | MountFlags.bind | rest, data: nil, create: .none))
        }
        return steps
    }

    /// `source` (absolute) as a path inside the rootfs when it lies there,
    /// lexically or once symlinks on the host are resolved; else nil.
    func pathInRootfs(_ source: String) -> String? {
        guard let rootfs, !rootfs.isEmpty else { return nil }
        let clean = MountPlan.lexicallyClean(source)
        for candidate in [clean, (try? Sys.realpath(clean)) ?? clean] {
            if candidate == rootfs { return "/" }
            if candidate.hasPrefix(rootfs + "/") { return String(candidate.dropFirst(rootfs.count)) }
        }
        return nil
    }

    /// An absolute path without "." and ".." components or repeated
    /// slashes; ".." at the top stays at "/".
    static func lexicallyClean(_ path: String) -> String {
        var parts: [Substring] = []
        for p in path.split(separator: "/") where p != "." {
            if p == ".." { _ = parts.popLast() } else { parts.append(p) }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// runc mounts a tmpfs or /dev (not a bind) read-write and makes it
    /// read-only at the end, once the mounts, device nodes and console
    /// below it exist.
    static func readonlyIsDeferred(type: String, destination: String, flags: UInt) -> Bool {
        guard flags & MountFlags.rdonly != 0, flags & (MountFlags.bind | MountFlags.remount) == 0, type != "bind" else {
            return false
        }
        return type == "tmpfs" || lexicallyClean(destination) == "/dev"
    }

    /// The late read-only remount of a mount readonlyIsDeferred, else nil.
    public static func readonlyRemount(for mount: Mount) throws -> Step? {
        let opts = try parse(mount.options ?? [], field: "mounts")
        let dest = mount.destination.hasPrefix("/") ? mount.destination : "/" + mount.destination
        guard readonlyIsDeferred(type: mount.type ?? "", destination: dest, flags: opts.flags) else { return nil }
        return .remount(target: dest, flags: opts.flags & ~(MountFlags.bind | MountFlags.rec | MountFlags.remount))
    }

    /// Overlay layer paths may be relative to the bundle.
    func overlayOption(_ opt: String) -> String {
        for key in ["lowerdir=", "upperdir=", "workdir="] where opt.hasPrefix(key) {
            let paths = opt.dropFirst(key.count).split(separator: ":", omittingEmptySubsequences: false)
            return key + paths.map { $0.hasPrefix("/") || $0.isEmpty ? String($0) : bundle + "/" + $0 }.joined(separator: ":")
        }
        return opt
    }

    /// A cgroup mount shows the container its own cgroups: each host
    /// hierarchy's container directory bound below a tmpfs, as runc does
    /// without a cgroup namespace; on a v2-only host, the one directory.
    func cgroupSteps(_ dest: String, _ opts: ParsedOptions, field: String) throws -> [Step] {
        guard !cgroupBinds.isEmpty else {
            throw RuntimeError("\(field): no cgroup hierarchy is mounted on this host")
        }
        let flags = opts.flags & ~(MountFlags.bind | MountFlags.rec | MountFlags.remount)
        var steps: [Step] = []
        func bind(_ b: CgroupBind, _ target: String) {
            steps.append(.mount(source: b.hostPath, target: target, fstype: nil, flags: MountFlags.bind | MountFlags.rec,
                                data: nil, create: .directory))
            if flags != 0 {
                steps.append(.mount(source: nil, target: target, fstype: nil,
                                    flags: MountFlags.remount | MountFlags.bind | flags, data: nil, create: .none))
            }
        }
        if cgroupBinds.count == 1 && cgroupBinds[0].name.isEmpty {
            bind(cgroupBinds[0], dest)
            return steps
        }
        steps.append(.mount(source: "tmpfs", target: dest, fstype: "tmpfs", flags: flags & ~MountFlags.rdonly,
                            data: "mode=755", create: .directory))
        for b in cgroupBinds { bind(b, dest + "/" + b.name) }
        if flags & MountFlags.rdonly != 0 {
            steps.append(.mount(source: nil, target: dest, fstype: nil, flags: MountFlags.remount | flags,
                                data: nil, create: .none))
        }
        return steps
    }
}
