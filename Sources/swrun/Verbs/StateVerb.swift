import OCI

enum StateVerb: Verb {
    static let name = "state"
    static let usage = "state <container-id>"
    static let summary = "output the state of a container"
    static let flags: [FlagSpec] = []

    static func run(_ args: ParsedArguments, _ global: GlobalOptions) throws -> Int32 {
        let state = try global.runtime().state(id: try containerID(args))
        Output.write(String(decoding: encodeJSONPretty(state), as: UTF8.self) + "\n")
        return 0
    }
}
