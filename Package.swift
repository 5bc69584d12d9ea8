// swift-tools-version:6.0
import PackageDescription

// swrun is linked as a static executable by the Makefile
// (`-Xswiftc -static-executable`); the flag is not set here so that
// `swift test` can still build the test bundles.
let package = Package(
    name: "swrun",
    products: [
        .executable(name: "swrun", targets: ["swrun"]),
    ],
    targets: [
        // Raw syscalls and the child-side step interpreter. C only.
        .target(
            name: "CShim",
            cSettings: [.define("_GNU_SOURCE")],
            linkerSettings: [.linkedLibrary("seccomp"), .linkedLibrary("cap")]
        ),
        // OCI runtime-spec types: config.json, state, features.
        .target(name: "OCI"),
        // Lifecycle, state store, plan compiler, cgroups.
        .target(name: "SwrunRuntime", dependencies: ["CShim", "OCI"]),
        // The CLI only.
        .executableTarget(name: "swrun", dependencies: ["SwrunRuntime", "OCI"]),

        .testTarget(name: "OCITests", dependencies: ["OCI"]),
        .testTarget(name: "RuntimeTests", dependencies: ["SwrunRuntime", "OCI"]),
        // Runs the built binary (SWRUN_BIN) as root on throwaway bundles.
        .testTarget(name: "IntegrationTests"),
    ],
    swiftLanguageModes: [.v5]
)
