import FoundationEssentials
import OCI
import SwrunRuntime

enum UpdateVerb: Verb {
    static let name = "update"
    static let usage = "update [command options] <container-id>"
    static let summary = "update container resource constraints"
    static let flags: [FlagSpec] = [
        .value("--resources", "-r", help: "path to a file with the resources to update (linux.resources JSON), or '-' for stdin"),
        .value("--blkio-weight", help: "block IO weight (10-1000)"),
        .value("--cpu-period", help: "CPU CFS period in microseconds"),
        .value("--cpu-quota", help: "CPU CFS quota in microseconds (-1: none)"),
        .value("--cpu-burst", help: "CPU CFS burst in microseconds"),
        .value("--cpu-share", help: "CPU shares (relative weight)"),
        .value("--cpu-rt-period", help: "CPU realtime period in microseconds"),
        .value("--cpu-rt-runtime", help: "CPU realtime runtime in microseconds"),
        .value("--cpuset-cpus", help: "CPUs to use (0-3, 0,1)"),
        .value("--cpuset-mems", help: "memory nodes to use (0-3, 0,1)"),
        .value("--memory", help: "memory limit in bytes (k, m, g suffixes; -1: none)"),
        .value("--memory-reservation", help: "memory reservation (soft limit) in bytes"),
        .value("--memory-swap", help: "memory plus swap limit in bytes (-1: none)"),
        .value("--kernel-memory", help: "kernel memory limit (cgroup v1)"),
        .value("--kernel-memory-tcp", help: "kernel TCP buffer limit (cgroup v1)"),
        .value("--pids-limit", help: "maximum number of pids (-1: none)"),
        .value("--l3-cache-schema", help: "Intel RDT L3 schema (not supported)"),
        .value("--mem-bw-schema", help: "Intel RDT memory bandwidth schema (not supported)"),
    ]

    static func run(_ args: ParsedArguments, _ global: GlobalOptions) throws -> Int32 {
        let id = try containerID(args)
        if args.has("--l3-cache-schema") || args.has("--mem-bw-schema") {
            throw UsageError("update: Intel RDT (--l3-cache-schema, --mem-bw-schema) is not supported")
        }
        var r = LinuxResources()
        if let file = args.string("--resources") {
            let bytes: [UInt8]
            do {
                bytes = file == "-" ? try Sys.readAll(fd: 0) : try Sys.readFile(file)
            } catch let e as RuntimeError {
                throw RuntimeError("read --resources", path: file, errno: e.errno)
            }
            r = try decodeJSONDocument(LinuxResources.self, from: Data(bytes), file: file == "-" ? "stdin" : file)
        }
        func int(_ flag: String, bytes: Bool = false) throws -> Int64? {
            guard let v = args.string(flag) else { return nil }
            guard let n = bytes ? ByteSize.parse(v) : Int64(v) else {
                throw UsageError("update \(flag) \(v): want \(bytes ? "a size like 512m or -1" : "a number")")
            }
            return n
        }
        func uint(_ flag: String) throws -> UInt64? {
            guard let n = try int(flag) else { return nil }
            guard n >= 0 else { throw UsageError("update \(flag): must not be negative") }
            return UInt64(n)
        }
        if let w = try uint("--blkio-weight") {
            guard w <= UInt16.max else { throw UsageError("update --blkio-weight: too large") }
            r.blockIO = r.blockIO ?? LinuxBlockIO()
            r.blockIO!.weight = UInt16(w)
        }
        var cpu = r.cpu ?? LinuxCPU()
        if let v = try uint("--cpu-period") { cpu.period = v }
        if let v = try int("--cpu-quota") { cpu.quota = v }
        if let v = try uint("--cpu-burst") { cpu.burst = v }
        if let v = try uint("--cpu-share") { cpu.shares = v }
        if let v = try uint("--cpu-rt-period") { cpu.realtimePeriod = v }
        if let v = try int("--cpu-rt-runtime") { cpu.realtimeRuntime = v }
        if let v = args.string("--cpuset-cpus") { cpu.cpus = v }
        if let v = args.string("--cpuset-mems") { cpu.mems = v }
        if cpu != LinuxCPU() { r.cpu = cpu }
        var mem = r.memory ?? LinuxMemory()
        if let v = try int("--memory", bytes: true) { mem.limit = v }
        if let v = try int("--memory-reservation", bytes: true) { mem.reservation = v }
        if let v = try int("--memory-swap", bytes: true) { mem.swap = v }
        if let v = try int("--kernel-memory", bytes: true) { mem.kernel = v }
        if let v = try int("--kernel-memory-tcp", bytes: true) { mem.kernelTCP = v }
        if mem != LinuxMemory() { r.memory = mem }
        if let v = try int("--pids-limit") { r.pids = LinuxPids(limit: v) }
        try global.runtime().update(id: id, resources: r)
        return 0
    }
}

/// Sizes as runc's update takes them: a number with an optional k, m, g or
/// t suffix (powers of 1024), or -1.
enum ByteSize {
    static func parse(_ s: String) -> Int64? {
        if let n = Int64(s) { return n }
        var text = s.lowercased()
        if text.hasSuffix("b") { text.removeLast() }
        guard let unit = text.last, let shift = ["k": 10, "m": 20, "g": 30, "t": 40][unit],
              let n = Int64(text.dropLast()), n >= 0, n <= Int64.max >> shift else { return nil }
        return n << shift
    }
}
