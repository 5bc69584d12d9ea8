import Glibc
import OCI
import SwrunRuntime

enum SpecVerb: Verb {
    static let name = "spec"
    static let usage = "spec [command options]"
    static let summary = "create a new specification file (config.json)"
    static let flags: [FlagSpec] = [
        .value("--bundle", "-b", help: "path to the root of the bundle directory"),
        .bool("--rootless", help: "generate a configuration for a rootless container"),
    ]

    static func run(_ args: ParsedArguments, _ global: GlobalOptions) throws -> Int32 {
        guard args.positionals.isEmpty else { throw UsageError("spec: takes no arguments") }
        let dir = args.string("--bundle") ?? "."
        let path = dir + "/config.json"
        var st = stat()
        if lstat(path, &st) == 0 { throw RuntimeError("File \(path) exists. Remove it first") }
        let spec = Spec.runcDefault(rootless: args.bool("--rootless"), hostUID: getuid(), hostGID: getgid(),
                                    cgroupNamespace: CgroupLayout.hostIsUnified)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        if fd < 0 { throw RuntimeError("create", path: path, errno: errno) }
        defer { close(fd) }
        let bytes = Array(encodeSpecPretty(spec)) + [0x0a]
        if write(fd, bytes, bytes.count) != bytes.count { throw RuntimeError("write", path: path, errno: errno) }
        return 0
    }
}
