import Glibc
import OCI

extension Runtime {
    /// Deletes a stopped container (any container with `force`, killing
    /// it first): its processes, the cgroups swrun made, its state.
    public func delete(id: String, force: Bool) throws {
        try delete(id: id, force: force, known: nil)
    }

    /// `known`: the record `run` holds, saving a reload.
    func delete(id: String, force: Bool, known: ContainerRecord?) throws {
        // containerd deletes with --force after a plain delete: a container
        // that is already gone is success then, as with runc.
        if force && !Sys.exists(store.directory(id)) {
            try StateStore.validate(id: id)
            return
        }
        let lock = try store.lock(id)
        defer { lock.release() }
        let record: ContainerRecord
        do {
            record = try known ?? store.load(id)
        } catch {
            guard force || !Sys.exists(store.statePath(id)) else { throw error }
            if let salvaged = store.loadCleanup(id) {
                log.warnUser("\(error); deleting what \(store.cleanupPath(id)) names (the init by pid and start time, the cgroups swrun made); poststop hooks are not run")
                record = salvaged
            } else if Sys.exists(store.statePath(id)) {
                throw RuntimeError("\(error); nothing was deleted: without a readable state.json or cleanup.json swrun cannot tell which processes and cgroups are the container's")
            } else {
                // A container dir with neither is debris from a create that
                // died before it published: nothing runs from it.
                store.remove(id)
                return
            }
        }
        let cgroups = Runtime.cgroupDriver(of: record)
        let status = StatusResolver.status(of: record, isFrozen: { _ in cgroups.isFrozen() })
        if status != .stopped {
            // A created container is deleted without --force, as runc and
            // crun do: containerd and podman rely on it when start never comes.
            guard force || status == .created else {
                throw RuntimeError("cannot delete container \(id) that is not stopped: \(status.rawValue)")
            }
            if let pid = record.pid, StatusResolver.initAlive(record) {
                _ = Glibc.kill(pid, SIGKILL)
                cgroups.thawForKill()
                waitUntilDead(record)
                if StatusResolver.initAlive(record) {
                    throw RuntimeError("delete: the init \(pid) outlived SIGKILL for 5 s (frozen under a parent swrun cannot thaw?); the state is kept")
                }
            }
        }
        PhaseTimer.mark("delete kill")
        // Without a pid namespace of its own, the container's other
        // processes outlive its init: destroy kills those in its cgroups.
        cgroups.destroy()
        PhaseTimer.mark("delete cgroups")
        store.remove(id)
        lock.release()
        if let hooks = record.hooks?.poststop, !hooks.isEmpty {
            var state = Runtime.ociState(record)
            state.status = .stopped
            HookRunner.runWarning(hooks, kind: "poststop", state: state, log: log)
        }
    }

    func waitUntilDead(_ record: ContainerRecord) {
        for _ in 0..<1000 where StatusResolver.initAlive(record) {
            Sys.sleepMillis(5)
        }
    }
}
