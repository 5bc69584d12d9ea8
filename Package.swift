// swift-tools-version:6.1
import PackageDescription

// swrun is linked as a static executable by the Makefile
// (`-Xswiftc -static-executable`); the flag is not set here so that
// `swift test` can still build the test bundles.
let package = Package(
    name: "swrun",
    products: [
        .executable(name: "swrun", targets: ["swrun"]),
    ],
    dependencies: [
        // CRIU's RPC for checkpoint/restore. Only the runtime library; the
        // Swift code of CRIU's rpc.proto is generated once and committed
        // (Sources/SwrunRuntime/Checkpoint/CriuRPC.pb.swift), so the build
        // needs neither protoc nor the plugin. No traits: the default
        // BinaryDelimitedStreams one links all of Foundation (and ICU) into
        // the static binary, 13 more static constructors at every start.
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0", traits: []),
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
        .target(name: "SwrunRuntime", dependencies: [
            "CShim", "OCI", .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        ]),
        // The CLI only.
        .executableTarget(name: "swrun", dependencies: ["SwrunRuntime", "OCI"]),

        .testTarget(name: "OCITests", dependencies: ["OCI"]),
        .testTarget(name: "RuntimeTests", dependencies: ["SwrunRuntime", "OCI"]),
        // Runs the built binary (SWRUN_BIN) as root on throwaway bundles.
        .testTarget(name: "IntegrationTests"),
    ],
    swiftLanguageModes: [.v5]
)
