import OCI

/// The `events --stats` document, shaped as runc prints it (the fields
/// containerd and podman read).
public struct ContainerStats: Encodable {
    public struct CPU: Encodable {
        public struct Usage: Encodable { var total: UInt64 = 0; var percpu: [UInt64] = []; var kernel: UInt64 = 0; var user: UInt64 = 0 }
        public struct Throttling: Encodable { var periods: UInt64 = 0; var throttledPeriods: UInt64 = 0; var throttledTime: UInt64 = 0 }
        var usage = Usage()
        var throttling = Throttling()
    }
    public struct MemoryEntry: Encodable { var limit: UInt64 = 0; var usage: UInt64 = 0; var max: UInt64 = 0; var failcnt: UInt64 = 0 }
    public struct Memory: Encodable {
        var cache: UInt64 = 0
        var usage = MemoryEntry()
        var swap = MemoryEntry()
        var kernel = MemoryEntry()
        var raw: [String: UInt64] = [:]
    }
    public struct Pids: Encodable { var current: UInt64 = 0; var limit: UInt64 = 0 }
    public struct BlkioEntry: Encodable { var major: UInt64; var minor: UInt64; var op: String; var value: UInt64 }
    public struct Blkio: Encodable {
        var ioServiceBytesRecursive: [BlkioEntry] = []
        var ioServicedRecursive: [BlkioEntry] = []
    }
    public struct Hugetlb: Encodable { var usage: UInt64 = 0; var max: UInt64 = 0; var failcnt: UInt64 = 0 }

    var cpu = CPU()
    var memory = Memory()
    var pids = Pids()
    var blkio = Blkio()
    var hugetlb: [String: Hugetlb] = [:]
}

public struct ContainerEvent: Encodable {
    public var type: String
    public var id: String
    public var data: ContainerStats?
}
