// swift-tools-version: 6.2
import PackageDescription

// Architecture: layers, lowest first. A target may depend only on targets in
// lower layers; the check at the bottom of this file refuses any other edge.
//   0 OsteonDomain   pure clinical logic (Foundation only: no I/O, no clock)
//   0 COsteonSystem  a C shim for one libc setting (malloc tuning)
//   1 OsteonFHIR     pure FHIR/mCODE mapping            (depends on Domain)
//   1 OsteonStore    FluentKit persistence              (depends on Domain)
//   2 OsteonScreen   bulk-export screening, file I/O    (depends on layers 0-1)
//   2 OsteonWeb      Vapor routes, views, policies      (depends on layers 0-1)
//   3 osteon         the CLI executable                 (may depend on all)
let layer: [String: Int] = [
    "OsteonDomain": 0, "COsteonSystem": 0,
    "OsteonFHIR": 1, "OsteonStore": 1,
    "OsteonScreen": 2, "OsteonWeb": 2,
    "osteon": 3,
]

// Our own code builds warning-free (CI-NOTES: a warning hid an un-awaited migration once).
let strict: [SwiftSetting] = [.treatAllWarnings(as: .error)]

let package = Package(
    name: "Osteon",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "OsteonDomain", targets: ["OsteonDomain"]),
        .library(name: "OsteonFHIR", targets: ["OsteonFHIR"]),
        .executable(name: "osteon", targets: ["osteon"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-kit.git", from: "1.57.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/leaf.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/leaf-kit.git", from: "1.14.3"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.65.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        .target(name: "OsteonDomain", swiftSettings: strict),
        .target(name: "OsteonFHIR", dependencies: ["OsteonDomain"], swiftSettings: strict),
        .target(name: "COsteonSystem"),
        .target(
            name: "OsteonStore",
            dependencies: [
                "OsteonDomain",
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),  // SHA-256 for the audit chain
            ],
            swiftSettings: strict
        ),
        .target(
            name: "OsteonWeb",
            dependencies: [
                "OsteonDomain", "OsteonFHIR", "OsteonStore",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "Leaf", package: "leaf"),
                .product(name: "LeafKit", package: "leaf-kit"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: strict
        ),
        // The first pass's scanner keeps its state in captured locals; the runtime's exclusivity checks on them
        // cost a third of the pass (perf). The compile-time checks remain.
        .target(name: "OsteonScreen", dependencies: ["OsteonDomain", "OsteonFHIR", "COsteonSystem"],
                swiftSettings: strict + [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]),
        .executableTarget(
            name: "osteon",
            dependencies: [
                "OsteonDomain", "OsteonFHIR", "OsteonScreen", "OsteonStore", "OsteonWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "OsteonDomainTests",
            dependencies: [
                "OsteonDomain",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "OsteonFHIRTests",
            dependencies: ["OsteonFHIR", "OsteonDomain"],
            exclude: ["Fixtures"],  // read from disk by path
            swiftSettings: strict
        ),
        .testTarget(
            name: "OsteonScreenTests",
            dependencies: ["OsteonScreen", "OsteonFHIR", "OsteonDomain"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "OsteonStoreTests",
            dependencies: [
                "OsteonStore", "OsteonDomain",
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "OsteonWebTests",
            dependencies: [
                "OsteonWeb", "OsteonStore", "OsteonDomain",
                .product(name: "VaporTesting", package: "vapor"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "OsteonCLITests",
            dependencies: ["osteon", "OsteonDomain"],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)

// Enforce the layer rule: a library or executable target may only name
// targets of a strictly lower layer. Test targets may use anything.
for target in package.targets where target.type != .test {
    guard let own = layer[target.name] else {
        fatalError("Package.swift: give target \(target.name) a layer")
    }
    for dependency in target.dependencies {
        let name: String
        switch dependency {
        case .targetItem(let n, _), .byNameItem(let n, _): name = n
        default: continue
        }
        if let theirs = layer[name], theirs >= own {
            fatalError("Package.swift: \(target.name) (layer \(own)) must not depend on \(name) (layer \(theirs))")
        }
    }
}
