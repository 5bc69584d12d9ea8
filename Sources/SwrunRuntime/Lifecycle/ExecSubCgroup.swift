import Glibc

/// `exec --cgroup [controller[,controller]:]path`: the process joins an
/// existing sub-cgroup of the container's instead, in the hierarchies of
/// the named controllers, or in all of them without a prefix (runc's form;
/// cgroup v2 takes only a bare path).
public struct ExecSubCgroup: Equatable {
    public var controllers: [String]?
    public var path: String

    public static func parse(_ text: String) throws -> ExecSubCgroup {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let (controllers, path) = parts.count == 2 ? (parts[0].split(separator: ",").map(String.init), parts[1]) : (nil, text)
        let comps = path.split(separator: "/")
        guard !comps.isEmpty, !comps.contains(".."), !comps.contains(".") else {
            throw RuntimeError("exec --cgroup \"\(text)\": the sub-cgroup must be a path below the container's, without \"..\"")
        }
        if let controllers, controllers.isEmpty || controllers.contains("") {
            throw RuntimeError("exec --cgroup \"\(text)\": empty controller name")
        }
        return ExecSubCgroup(controllers: controllers, path: comps.joined(separator: "/"))
    }

    /// The driver of the container's cgroups with each hierarchy's path
    /// moved to the sub-cgroup asked for it; every directory must exist.
    static func apply(_ subs: [ExecSubCgroup], to driver: any CgroupDriver) throws -> any CgroupDriver {
        guard !subs.isEmpty else { return driver }
        let unified = driver.hierarchies.allSatisfy(\.isV2)
        if unified && (subs.count > 1 || subs[0].controllers != nil) {
            throw RuntimeError("exec --cgroup: on cgroup v2 give one sub-cgroup path, without a controller prefix")
        }
        let paths = try zip(driver.hierarchies, driver.paths).map { h, path -> String in
            let named = subs.first { $0.controllers.map { !Set($0).isDisjoint(with: h.controllers) } ?? false }
            guard let sub = named ?? subs.first(where: { $0.controllers == nil }) else { return path }
            let dir = path + "/" + sub.path
            guard Sys.isDirectory(dir) else {
                throw RuntimeError("exec --cgroup: no such sub-cgroup", path: dir, errno: ENOENT)
            }
            return dir
        }
        return CgroupDrivers.make(driver.kind == .systemd ? .v2 : driver.kind,
                                  ContainerCgroups(hierarchies: driver.hierarchies, paths: paths))
    }
}
