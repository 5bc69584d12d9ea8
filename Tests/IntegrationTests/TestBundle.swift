import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

// MARK: - TestBundle

/// An OCI bundle: <dir>/config.json (from `$SWRUN_BIN spec`, then edited) and
/// <dir>/rootfs with a static busybox.
final class TestBundle {
    let path: String
    var rootfs: String { path + "/rootfs" }
    var configPath: String { path + "/config.json" }
    var config: [String: Any]

    /// Creates the bundle dir, the rootfs and the config; `args` become process.args.
    init(path: String, args: [String]) throws {
        self.path = path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        chmod(path, 0o755)
        try TestBundle.populateRootfs(path + "/rootfs")
        let r = runProcess([Suite.bin, "spec"], cwd: path)
        guard r.status == 0, let text = readFile(path + "/config.json"),
              let obj = parseJSON(text) as? [String: Any] else {
            throw SpawnError(description: "`spec` did not produce a config.json: \(r)")
        }
        config = obj
        var p = process
        p["terminal"] = false
        p["args"] = args
        process = p
        // Most tests write somewhere in the rootfs; the readonly root is tested on its own.
        var root = config["root"] as? [String: Any] ?? [:]
        root["readonly"] = false
        config["root"] = root
    }

    static func populateRootfs(_ rootfs: String) throws {
        let fm = FileManager.default
        for d in ["bin", "proc", "sys", "dev", "tmp", "etc", "root", "home/user", "var/tmp"] {
            try fm.createDirectory(atPath: rootfs + "/" + d, withIntermediateDirectories: true)
        }
        chmod(rootfs, 0o755)
        chmod(rootfs + "/tmp", 0o1777)
        chown(rootfs + "/home/user", 1000, 1000)
        try fm.copyItem(atPath: "/bin/busybox", toPath: rootfs + "/bin/busybox")
        chmod(rootfs + "/bin/busybox", 0o755)
        let list = runProcess(["/bin/busybox", "--list"])
        var applets = lines(list.stdout)
        if applets.isEmpty {
            applets = ["sh", "ls", "cat", "echo", "ps", "id", "hostname", "sleep", "true", "false", "mount", "env", "pwd",
                       "test", "grep", "readlink", "stat", "touch", "mkdir", "wc", "kill", "umask", "printf", "df", "head"]
        }
        for a in applets where a != "busybox" && !a.contains("/") {
            symlink("busybox", rootfs + "/bin/" + a)
        }
        try writeFile(rootfs + "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n")
        try writeFile(rootfs + "/etc/group", "root:x:0:\nuser:x:1000:\n")
    }

    // Convenience accessors for the JSON tree (get, mutate, set back).
    var process: [String: Any] {
        get { config["process"] as? [String: Any] ?? [:] }
        set { config["process"] = newValue }
    }

    var linux: [String: Any] {
        get { config["linux"] as? [String: Any] ?? [:] }
        set { config["linux"] = newValue }
    }

    var mounts: [[String: Any]] {
        get { config["mounts"] as? [[String: Any]] ?? [] }
        set { config["mounts"] = newValue }
    }

    var args: [String] {
        get { process["args"] as? [String] ?? [] }
        set { process["args"] = newValue }
    }

    var namespaces: [[String: Any]] {
        get { linux["namespaces"] as? [[String: Any]] ?? [] }
        set { linux["namespaces"] = newValue }
    }

    var resources: [String: Any] {
        get { linux["resources"] as? [String: Any] ?? [:] }
        set { linux["resources"] = newValue }
    }

    func addMount(destination: String, type: String, source: String, options: [String]? = nil) {
        var m: [String: Any] = ["destination": destination, "type": type, "source": source]
        if let o = options { m["options"] = o }
        mounts.append(m)
    }

    /// Appends option words to the mounts at `destination`.
    func addOptions(_ options: [String], toMountAt destination: String) {
        mounts = mounts.map { m in
            guard (m["destination"] as? String) == destination else { return m }
            var n = m
            n["options"] = (m["options"] as? [String] ?? []) + options
            return n
        }
    }

    /// Bind-mounts a host directory into the container.
    func bind(_ hostPath: String, at destination: String, readonly: Bool = false) {
        addMount(destination: destination, type: "bind", source: hostPath,
                 options: readonly ? ["rbind", "ro"] : ["rbind", "rw"])
    }

    /// Adds (or replaces) a namespace entry.
    func setNamespace(_ type: String, path: String? = nil) {
        var ns = namespaces.filter { ($0["type"] as? String) != type }
        var e: [String: Any] = ["type": type]
        if let p = path { e["path"] = p }
        ns.append(e)
        namespaces = ns
    }

    /// A new user namespace whose ids 0-65535 are the host's from `hostID`
    /// (the rootfs is the caller's to chown: `chownRootfs`).
    func mapUserNamespace(toHost hostID: Int = 100000) {
        setNamespace("user")
        var l = linux
        l["uidMappings"] = [["containerID": 0, "hostID": hostID, "size": 65536]]
        l["gidMappings"] = [["containerID": 0, "hostID": hostID, "size": 65536]]
        linux = l
    }

    func removeNamespace(_ type: String) {
        namespaces = namespaces.filter { ($0["type"] as? String) != type }
    }

    func setEnv(_ name: String, _ value: String) {
        var env = (process["env"] as? [String] ?? []).filter { !$0.hasPrefix(name + "=") }
        env.append("\(name)=\(value)")
        process["env"] = env
    }

    func writeConfig() throws {
        let data = try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: configPath))
    }

    /// Gives the whole rootfs to a (mapped) host uid/gid, as for a user-namespaced container.
    func chownRootfs(uid: Int, gid: Int) {
        let r = runProcess(["chown", "-hR", "\(uid):\(gid)", rootfs])
        XCTAssertEqual(r.status, 0, "chown rootfs: \(r)")
    }

    /// Writes a file inside the rootfs (path relative to the container's /).
    func writeRootfsFile(_ path: String, _ contents: String, mode: mode_t = 0o644) throws {
        let full = rootfs + "/" + path
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try writeFile(full, contents, mode: mode)
    }
}
