import FoundationEssentials

/// The few fields `delete --force` needs to find and remove what a
/// container left, kept in `<root>/<id>/cleanup.json` beside state.json and
/// written with it: should state.json be damaged, the init (by pid and start
/// time, never by pid alone) and the cgroups swrun made can still be found.
struct CleanupRecord: Codable, Equatable {
    var pid: Int32?
    var initStartTime: UInt64?
    var ownPidNamespace: Bool
    var cgroupPaths: [String]
    var createdCgroupDirs: [String]
    var cgroupDriver: CgroupDriverKind?

    init(_ record: ContainerRecord) {
        pid = record.pid
        initStartTime = record.initStartTime
        ownPidNamespace = record.ownPidNamespace
        cgroupPaths = record.cgroupPaths
        createdCgroupDirs = record.createdCgroupDirs
        cgroupDriver = record.cgroupDriver
    }

    /// A record that delete can act on: running unless the init is gone,
    /// with no hooks (they lived in the lost state).
    func record(id: String) -> ContainerRecord {
        var r = ContainerRecord(id: id, bundle: "", rootfs: "", created: "", owner: "",
                                annotations: nil, ownPidNamespace: ownPidNamespace)
        r.status = .running
        r.pid = pid
        r.initStartTime = initStartTime
        r.cgroupPaths = cgroupPaths
        r.createdCgroupDirs = createdCgroupDirs
        r.cgroupDriver = cgroupDriver
        return r
    }
}
