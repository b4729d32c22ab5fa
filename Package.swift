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
    ],
    targets: [
        .target(name: "OsteonDomain", swiftSettings: strict),
        .target(name: "OsteonFHIR", dependencies: ["OsteonDomain"], swiftSettings: strict),
        .target(name: "COsteonSystem"),
        .target(name: "OsteonScreen", dependencies: ["OsteonDomain", "OsteonFHIR", "COsteonSystem"], swiftSettings: strict),
        .executableTarget(
            name: "osteon",
            dependencies: [
                "OsteonDomain", "OsteonFHIR", "OsteonScreen",
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
            swiftSettings: strict
        ),
        .testTarget(
            name: "OsteonScreenTests",
            dependencies: ["OsteonScreen", "OsteonFHIR", "OsteonDomain"],
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
