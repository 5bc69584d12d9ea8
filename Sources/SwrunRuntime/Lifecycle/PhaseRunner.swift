/// The named phases of a verb that makes a container (create, restore),
/// run in order: each traced in `--debug` and marked with PhaseTimer,
/// where SWRUN_FAULT_AFTER may kill swrun (the fault-injection tests).
/// Each phase registers the undo of what it made with `rollback`; a
/// failure anywhere unwinds exactly that, newest first.
struct PhaseRunner {
    let verb: String
    let rollback: Rollback
    let log: Logger
    private let started = PhaseTimer.now()

    init(verb: String, rollback: Rollback, log: Logger) {
        self.verb = verb
        self.rollback = rollback
        self.log = log
    }

    func run(_ phases: [(name: String, body: () throws -> Void)]) throws {
        do {
            for (name, body) in phases {
                let t0 = PhaseTimer.now()
                try body()
                let t1 = PhaseTimer.now()
                log.debug("\(verb): \(name) done in \(Int((t1 - t0) * 1000)) us (\(Int((t1 - started) * 1000)) us since start)")
                PhaseTimer.mark(name)
            }
        } catch {
            rollback.run()
            throw error
        }
        rollback.disarm()
    }
}
