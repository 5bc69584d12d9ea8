import CShim
import Glibc
import OCI

extension Runtime {
    /// Restores a container from CRIU images under `id`, with the bundle's
    /// config, as runc does: a new state directory and cgroups, CRIU run
    /// inside them (`RestorePhases.swift`), the restored init a child of
    /// swrun. Then, as `run`: with `detach` returns 0 at once; else waits
    /// for the init (forwarding signals, proxying its terminal when there
    /// is no console socket), deletes the container and returns its exit
    /// status.
    public func restore(id: String, _ options: RestoreOptions) throws -> Int32 {
        try StateStore.validate(id: id)
        var mask = sigset_t()
        sigemptyset(&mask)
        let reaping = !options.detach && options.subreaper
        if !options.detach {
            for s in ProcessWaiter.forwarded + [SIGCHLD] { sigaddset(&mask, s) }
            sigprocmask(SIG_BLOCK, &mask, nil)
            if reaping { try check(shim_set_child_subreaper(), "prctl PR_SET_CHILD_SUBREAPER") }
        }
        let restoring = ContainerRestore(runtime: self, id: id, options: options)
        try restoring.run()
        let record = restoring.record!
        if options.detach { return 0 }
        let status = ProcessWaiter(pid: record.pid!, mask: mask, ptyMaster: restoring.ptyMaster, reapsAll: reaping).wait()
        try? delete(id: id, force: true, known: record)
        if reaping { ProcessWaiter.reapAll() }
        return status
    }
}
