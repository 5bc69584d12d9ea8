import Glibc
import OCI

extension Runtime {
    /// Lets a created container run its process: opens the exec fifo the
    /// init is blocked on and reads its byte.
    public func start(id: String) throws {
        try start(id: id, created: nil)
    }

    /// `created`: the record `run` just wrote, saving a reload. Nothing
    /// is written: the exec fifo's removal is what makes the container
    /// read as running (see StateStore.load), as with runc.
    @discardableResult
    func start(id: String, created: ContainerRecord?) throws -> ContainerRecord {
        let lock = try store.lock(id)
        defer { lock.release() }
        var record = try created ?? store.load(id)
        switch Runtime.status(of: record) {
        case .created: break
        case .stopped: throw RuntimeError("cannot start a container that has stopped")
        case .running: throw RuntimeError("cannot start an already running container")
        case let other: throw RuntimeError("cannot start a container in state \(other.rawValue)")
        }
        PhaseTimer.mark("start checked")
        try ExecFifo.release(store.fifoPath(id), record: record)
        PhaseTimer.mark("start released")
        record.status = .running
        // Without the lock: a hook may itself call swrun on the container.
        lock.release()
        if let hooks = record.hooks?.poststart, !hooks.isEmpty {
            HookRunner.runWarning(hooks, kind: "poststart", state: Runtime.ociState(record), log: log)
        }
        return record
    }
}
