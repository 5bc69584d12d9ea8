import OCI
import SwrunRuntime

enum FeaturesVerb: Verb {
    static let name = "features"
    static let usage = "features"
    static let summary = "show the enabled features"
    static let flags: [FlagSpec] = []

    static func run(_ args: ParsedArguments, _ global: GlobalOptions) throws -> Int32 {
        Output.write(String(decoding: encodeJSONPretty(RuntimeFeatures.current()), as: UTF8.self) + "\n")
        return 0
    }
}
