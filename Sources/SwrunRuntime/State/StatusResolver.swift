import OCI

/// Derives a container's status from its record and its init process: an
/// init that is gone, a zombie, or a different process under a reused pid
/// means `stopped`, whatever was recorded. Whether a running container is
/// paused is `isFrozen`'s answer (its cgroups' freezer, which the caller knows).
public enum StatusResolver {
    public static func status(of record: ContainerRecord, isFrozen: (ContainerRecord) -> Bool) -> ContainerStatus {
        if record.status == .creating {
            // A live creator is still at work; a dead one crashed.
            let creator = ProcStat.read(pid: record.creatorPid)
            let alive = creator.map { !$0.isDead && $0.startTime == record.creatorStartTime } ?? false
            return alive ? .creating : .stopped
        }
        guard let pid = record.pid, let start = record.initStartTime else { return .stopped }
        guard let stat = ProcStat.read(pid: pid), !stat.isDead, stat.startTime == start else {
            return .stopped
        }
        if record.status == .running, isFrozen(record) {
            return .paused
        }
        return record.status
    }

    /// Whether the recorded init is still the live process it was.
    public static func initAlive(_ record: ContainerRecord) -> Bool {
        guard let pid = record.pid, let start = record.initStartTime,
              let stat = ProcStat.read(pid: pid) else { return false }
        return !stat.isDead && stat.startTime == start
    }
}
