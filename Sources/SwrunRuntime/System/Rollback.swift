/// What a multi-step operation has done so far, as undo actions: each step
/// registers its undo once it has done its part; on failure `run` undoes
/// exactly that, newest first. `disarm` keeps everything (success).
final class Rollback {
    private var undos: [(name: String, undo: () -> Void)] = []
    private let log: Logger

    init(log: Logger) { self.log = log }

    func add(_ name: String, _ undo: @escaping () -> Void) {
        undos.append((name, undo))
    }

    /// Undoes what was registered, in reverse order; once.
    func run() {
        let todo = undos
        undos = []
        for (name, undo) in todo.reversed() {
            log.debug("rollback: \(name)")
            undo()
        }
    }

    func disarm() { undos = [] }

    deinit { run() }
}
