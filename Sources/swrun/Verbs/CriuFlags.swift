import SwrunRuntime

/// The flags `checkpoint` and `restore` share, with runc's names and help.
enum CriuFlags {
    static let shared: [FlagSpec] = [
        .value("--image-path", help: "path to the criu image files (default: ./checkpoint)"),
        .value("--work-path", help: "path for saving work files and logs"),
        .bool("--tcp-established", help: "allow open tcp connections"),
        .bool("--ext-unix-sk", help: "allow external unix sockets"),
        .bool("--shell-job", help: "allow shell jobs"),
        .bool("--file-locks", help: "handle file locks, for safety"),
        .value("--manage-cgroups-mode", help: "cgroups mode: 'soft' (default), 'full' and 'strict'"),
        .value("--empty-ns", help: "create a namespace, but don't restore its properties (only 'network')", repeatable: true),
        .bool("--auto-dedup", help: "enable auto deduplication of memory images"),
        .bool("--lazy-pages", help: "use userfaultfd to lazily restore memory pages"),
    ]

    /// The shared options; a bad value fails with runc's words.
    static func options(_ args: ParsedArguments, _ global: GlobalOptions) throws -> CriuCommonOptions {
        var o = CriuCommonOptions()
        o.imagePath = args.string("--image-path") ?? ""
        o.workPath = args.string("--work-path")
        o.tcpEstablished = args.bool("--tcp-established")
        o.extUnixSk = args.bool("--ext-unix-sk")
        o.shellJob = args.bool("--shell-job")
        o.fileLocks = args.bool("--file-locks")
        o.autoDedup = args.bool("--auto-dedup")
        o.lazyPages = args.bool("--lazy-pages")
        if let mode = args.string("--manage-cgroups-mode"), !mode.isEmpty {
            o.manageCgroupsMode = try ManageCgroupsMode.parse(mode)
        }
        for ns in args.strings("--empty-ns") { try CriuCommonOptions.checkEmptyNamespace(ns) }
        o.emptyNamespaces = args.strings("--empty-ns")
        if let criu = global.criu { o.criu = criu }
        return o
    }
}
