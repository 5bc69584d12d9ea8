import FoundationEssentials
import Glibc
import OCI
import CShim

/// The state directory: `<root>/<id>/` holding state.json and exec.fifo.
/// Every verb that acts on a container holds the container's lock: an
/// flock on the container directory itself.
public struct StateStore {
    public let root: String
    /// The mode a missing root is made with: 01700 under
    /// $XDG_RUNTIME_DIR, whose sticky files are not pruned.
    var rootMode: mode_t = 0o700

    public init(root: String) { self.root = root }

    public func directory(_ id: String) -> String { root + "/" + id }
    public func statePath(_ id: String) -> String { directory(id) + "/state.json" }
    public func fifoPath(_ id: String) -> String { directory(id) + "/exec.fifo" }
    func cleanupPath(_ id: String) -> String { directory(id) + "/cleanup.json" }

    /// Container ids as runc accepts them: no path separators, no dot names.
    public static func validate(id: String) throws {
        let ok = !id.isEmpty && id.count <= 1024 && id != "." && id != ".."
            && id.utf8.allSatisfy { c in
                (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)
                    || c == 0x5f || c == 0x2d || c == 0x2e || c == 0x2b
            }
        if !ok { throw RuntimeError("invalid container id \"\(id)\": use letters, digits, '_', '-', '.', '+'") }
    }

    /// Publishes a new container: its directory is built and locked under
    /// a temporary name holding the first state.json, then renamed into
    /// place without replacing anything. So `<root>/<id>` is never seen
    /// without a state.json, nor unlocked while its create runs (the lock
    /// follows the inode through the rename).
    public func create(_ record: ContainerRecord) throws -> ContainerLock {
        let id = record.id
        try StateStore.validate(id: id)
        try makeRoot()
        let dir = directory(id)
        if Sys.exists(dir) { throw RuntimeError("container with id exists: \(id)") }
        removeStaleTemporaries()
        let tmp = root + "/new@\(record.creatorPid).\(record.creatorStartTime)"
        Sys.removeTree(tmp)
        try Sys.mkdir(tmp, 0o711)
        let lock: ContainerLock
        do {
            lock = try ContainerLock(directory: tmp, exclusive: true)
            try save(record, in: tmp)
        } catch {
            Sys.removeTree(tmp)
            throw error
        }
        let r = shim_rename_noreplace(tmp, dir)
        if r < 0 {
            lock.release()
            Sys.removeTree(tmp)
            if r == -EEXIST { throw RuntimeError("container with id exists: \(id)") }
            throw RuntimeError("rename", path: dir, errno: -r)
        }
        return lock
    }

    func makeRoot() throws {
        var path = ""
        for comp in root.split(separator: "/") {
            path += "/" + comp
            if Glibc.mkdir(path, path == root || path + "/" == root ? rootMode : 0o755) < 0 && errno != EEXIST {
                throw RuntimeError("create state root", path: path, errno: errno)
            }
        }
    }

    /// Temporaries whose creator died between mkdir and rename.
    func removeStaleTemporaries() {
        for name in (try? Sys.listDirectory(root)) ?? [] where name.hasPrefix("new@") {
            let parts = name.dropFirst(4).split(separator: ".")
            guard parts.count == 2, let pid = Int32(parts[0]), let start = UInt64(parts[1]) else { continue }
            if let st = ProcStat.read(pid: pid), !st.isDead, st.startTime == start { continue }
            Sys.removeTree(root + "/" + name)
        }
    }

    /// Locks an existing container; fails clearly when it does not exist.
    public func lock(_ id: String, exclusive: Bool = true) throws -> ContainerLock {
        try StateStore.validate(id: id)
        let dir = directory(id)
        do {
            // While we waited, a delete may have removed the directory, and
            // a create may have made a new one under the same id: then the
            // lock we hold is the old inode's, and the new one is locked.
            for _ in 0..<100 {
                let lock = try ContainerLock(directory: dir, exclusive: exclusive)
                var now = Glibc.stat()
                guard lstat(dir, &now) == 0 else {
                    lock.release()
                    throw RuntimeError("container \"\(id)\" does not exist")
                }
                if lock.isLocking(now) { return lock }
                lock.release()
            }
            throw RuntimeError("lock", path: dir, errno: EAGAIN)
        } catch let e as RuntimeError where e.errno == ENOENT {
            throw RuntimeError("container \"\(id)\" does not exist")
        }
    }

    public func load(_ id: String) throws -> ContainerRecord {
        let path = statePath(id)
        let bytes: [UInt8]
        do {
            bytes = try Sys.readFile(path)
        } catch let e as RuntimeError where e.errno == ENOENT {
            throw RuntimeError("container \"\(id)\" does not exist")
        }
        var record: ContainerRecord
        do {
            record = try decodeJSONDocument(ContainerRecord.self, from: Data(bytes), file: "state.json")
        } catch {
            throw RuntimeError("corrupt state file `\(path)`: \(error)")
        }
        if record.version > ContainerRecord.formatVersion {
            throw RuntimeError("state file `\(path)` has format \(record.version), newer than this swrun's \(ContainerRecord.formatVersion)")
        }
        // start removes the exec fifo and writes nothing else.
        if record.status == .created && !Sys.exists(fifoPath(id)) {
            record.status = .running
        }
        return record
    }

    public func save(_ record: ContainerRecord) throws {
        try save(record, in: directory(record.id))
    }

    func save(_ record: ContainerRecord, in dir: String) throws {
        try Sys.writeAtomic(dir + "/cleanup.json", encodeJSONCompactBytes(CleanupRecord(record)), mode: 0o600)
        try Sys.writeAtomic(dir + "/state.json", encodeJSONCompactBytes(record), mode: 0o600)
    }

    /// What delete can still act on when state.json cannot be read.
    func loadCleanup(_ id: String) -> ContainerRecord? {
        guard let bytes = try? Sys.readFile(cleanupPath(id)),
              let c = try? decodeJSONDocument(CleanupRecord.self, from: Data(bytes), file: "cleanup.json") else { return nil }
        return c.record(id: id)
    }

    public func remove(_ id: String) {
        Sys.removeTree(directory(id))
    }

    /// Ids of every container directory under the root (temporaries of a
    /// create in progress have an '@', which no id has).
    public func ids() -> [String] {
        ((try? Sys.listDirectory(root)) ?? [])
            .filter { (try? StateStore.validate(id: $0)) != nil && Sys.isDirectory(directory($0)) }.sorted()
    }
}

/// An flock held on a container directory until released or the process ends.
public final class ContainerLock {
    private var fd: Int32

    /// How long a verb waits for another swrun's lock: creates with slow
    /// hooks hold it, but no holder may block a caller forever.
    /// SWRUN_LOCK_TIMEOUT_MS overrides it (tests).
    static let timeoutMs: Int = getenv("SWRUN_LOCK_TIMEOUT_MS").flatMap { Int(String(cString: $0)) } ?? 30_000

    init(directory: String, exclusive: Bool) throws {
        fd = try Sys.open(directory, O_RDONLY | O_DIRECTORY)
        let op = exclusive ? LOCK_EX : LOCK_SH
        var waited = 0
        while true {
            let r = shim_flock(fd, op | LOCK_NB)
            if r == 0 { return }
            if r != -EWOULDBLOCK || waited >= Self.timeoutMs {
                var st = Glibc.stat()
                let holder = fstat(fd, &st) == 0 ? Self.holder(of: st) : nil
                Sys.close(fd)
                if r != -EWOULDBLOCK { throw RuntimeError("lock", path: directory, errno: -r) }
                throw RuntimeError("container is locked by \(holder.map { "pid \($0)" } ?? "another process") "
                    + "(waited \(waited / 1000) s for the lock on \(directory))")
            }
            let step = min(10 + waited / 10, 100)
            usleep(UInt32(step * 1000))
            waited += step
        }
    }

    /// The pid holding an flock on the inode, from /proc/locks
    /// ("1: FLOCK ADVISORY WRITE PID MAJ:MIN:INODE 0 EOF", numbers in hex
    /// for the device).
    static func holder(of st: Glibc.stat) -> Int32? {
        let dev = UInt64(st.st_dev)
        let (major, minor) = (((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfff), (dev & 0xff) | ((dev >> 12) & ~0xff))
        func hex2(_ n: UInt64) -> String { let h = String(n, radix: 16); return h.count < 2 ? "0" + h : h }
        let want = "\(hex2(major)):\(hex2(minor)):\(st.st_ino)"
        for line in ((try? Sys.readText("/proc/locks")) ?? "").split(separator: "\n") {
            let f = line.split(separator: " ")
            if f.count >= 6, f[1] == "FLOCK", f[5] == want { return Int32(f[4]) }
        }
        return nil
    }

    /// Whether the locked directory is the inode `st` describes.
    func isLocking(_ st: Glibc.stat) -> Bool {
        var mine = Glibc.stat()
        return fstat(fd, &mine) == 0 && mine.st_ino == st.st_ino && mine.st_dev == st.st_dev
    }

    /// Unlocks explicitly: a cloned child shares the open file description
    /// (and so the lock) until it execs, so closing our fd is not enough.
    public func release() {
        guard fd >= 0 else { return }
        _ = shim_flock(fd, LOCK_UN)
        Sys.close(fd)
        fd = -1
    }
}
