import OCI
import Glibc

extension Runtime {
    /// The OCI state of a container, with runc's extra fields.
    /// Reads without the lock: state.json is replaced atomically, and a
    /// hook run while create holds the lock may itself call `state`.
    public func state(id: String) throws -> ContainerState {
        try StateStore.validate(id: id)
        return Runtime.ociState(try store.load(id))
    }

    /// Every container under the root whose state can be read.
    public func list() -> [ContainerState] {
        store.ids().compactMap { id in (try? store.load(id)).map(Runtime.ociState) }
    }

    /// Who owns the container's directory, as runc's `list` shows it: the
    /// host's name for the uid, else `#UID` (a rootless user's containers
    /// are theirs, not root's).
    public func ownerName(id: String) -> String {
        var st = stat()
        guard stat(store.directory(id), &st) == 0 else { return "" }
        return Passwd.read(rootfs: "/").flatMap { Passwd.name(uid: st.st_uid, passwd: $0) } ?? "#\(st.st_uid)"
    }

    /// The process config.json gave the container, which `exec` with a
    /// command line starts from (as runc does); an empty one once the
    /// container has stopped.
    public func configuredProcess(id: String) throws -> Process {
        try StateStore.validate(id: id)
        let record = try store.load(id)
        return Runtime.status(of: record) == .stopped ? Process() : (record.process ?? Process())
    }

    static func ociState(_ r: ContainerRecord) -> ContainerState {
        let status = Runtime.status(of: r)
        var s = ContainerState(ociVersion: r.ociVersion, id: r.id, status: status,
                               pid: status == .stopped ? 0 : r.pid.map(Int.init), bundle: r.bundle)
        s.annotations = r.annotations
        s.rootfs = r.rootfs
        s.created = r.created
        s.owner = r.owner
        return s
    }
}
