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

enum ExecFifo {
    /// Opens the fifo for reading without blocking, then waits for the
    /// init's byte, checking that the init is still alive meanwhile.
    static func release(_ path: String, record: ContainerRecord) throws {
        let fd = try Sys.open(path, O_RDONLY | O_NONBLOCK)
        defer { Sys.close(fd) }
        while true {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let r = poll(&pfd, 1, 100)
            if r < 0 && errno != EINTR { throw RuntimeError("poll", path: path, errno: errno) }
            if r > 0 {
                var b: UInt8 = 0
                let n = Glibc.read(fd, &b, 1)
                if n == 1 { break }
                if n == 0 && pfd.revents & Int16(POLLHUP) != 0 {
                    throw RuntimeError("the container init closed the exec fifo without starting")
                }
                if n < 0 && errno != EAGAIN && errno != EINTR { throw RuntimeError("read", path: path, errno: errno) }
            }
            if !StatusResolver.initAlive(record) {
                throw RuntimeError("the container init exited before start")
            }
        }
        unlink(path)
    }
}
