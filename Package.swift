// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "meow",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "meow", targets: ["meow"]),
        .executable(name: "meow-bench", targets: ["meow-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // C libraries through system-library targets (Debian: libsqlite3-dev, libncursesw5-dev).
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
        .systemLibrary(name: "CNcursesw", path: "Sources/CNcursesw"),

        // Pure domain: guidelines, agreement, consensus, freezing. No SQLite, no curses.
        .target(name: "MeowCore", dependencies: [.product(name: "Yams", package: "Yams")]),
        // Storage: the workspace database, queue, import, export.
        .target(name: "MeowStore", dependencies: ["MeowCore", "CSQLite"]),
        // The labeling screen as a pure state machine drawing into a grid.
        .target(name: "MeowTerminal", dependencies: ["MeowCore"]),
        // The only code that talks to ncurses.
        .target(name: "CursesTerminal", dependencies: ["MeowTerminal", "CNcursesw"]),
        // Adapters between the store and the screen.
        .target(name: "MeowApp", dependencies: ["MeowCore", "MeowStore", "MeowTerminal"]),
        .executableTarget(name: "meow", dependencies: [
            "MeowCore", "MeowStore", "MeowTerminal", "CursesTerminal", "MeowApp",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // The benchmark suite: `swift run -c release meow-bench` (not part of the tests).
        .executableTarget(name: "meow-bench", dependencies: ["MeowCore", "MeowStore", "MeowTerminal", "MeowApp", "CSQLite"]),

        // Shared by the test targets (the seeded fuzz mutator); not a product.
        .target(name: "MeowTestSupport", dependencies: ["MeowCore", "MeowStore"], path: "Tests/Support"),
        .testTarget(name: "MeowCoreTests", dependencies: ["MeowCore", "MeowTestSupport", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "MeowStoreTests", dependencies: ["MeowStore", "MeowCore", "MeowTestSupport"]),
        .testTarget(name: "MeowTerminalTests", dependencies: ["MeowTerminal", "MeowCore", "MeowStore", "MeowApp", "MeowTestSupport"], exclude: ["Snapshots"]),
        .testTarget(name: "CLITests", dependencies: ["MeowCore", .product(name: "Yams", package: "Yams")], exclude: ["Fixtures"]),
    ]
)
