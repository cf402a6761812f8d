import Foundation
import SwiftGAN

/// Test helpers shared by every test target: fixture files and comparisons.
public enum Fixtures {
    /// The directory of committed fixtures (`Tests/Fixtures`).
    public static let directory: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures").path
    }()

    /// The repository root.
    public static let repositoryRoot: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }()

    public static func path(_ name: String) -> String { "\(directory)/\(name)" }

    /// Every tensor in a fixture file.
    public static func load(_ name: String) throws -> [String: Tensor] {
        try Safetensors.read(path(name))
    }

    /// The shared MNIST directory beside the repository.
    public static var mnistDirectory: String { "\(repositoryRoot)/../shared/data/mnist" }

    /// A fresh temporary directory, inside this test process's own root, which is removed when
    /// the process exits (test runs used to leave their runs and checkpoints in /tmp: 70 GB
    /// over a few days of `make test`, until the disk was full).
    public static func temporaryDirectory() throws -> String {
        let dir = temporaryRoot + "/swiftgan-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    private static let temporaryRoot: String = {
        atexit { try? FileManager.default.removeItem(atPath: Fixtures.processTemporaryRoot) }
        return processTemporaryRoot
    }()

    private static var processTemporaryRoot: String { NSTemporaryDirectory() + "swiftgan-tests-\(getpid())" }
}

/// max |a - b| / max |b| (with a floor for all-zero references): the relative error used to
/// compare with PyTorch.
public func relativeError(_ actual: Tensor, _ expected: Tensor) -> Float {
    precondition(actual.shape == expected.shape, "shape \(actual.shape) vs expected \(expected.shape)")
    let a = actual.scalars, b = expected.scalars
    var diff: Float = 0, scale: Float = 0
    for i in 0..<a.count {
        diff = max(diff, abs(a[i] - b[i]))
        scale = max(scale, abs(b[i]))
    }
    if diff.isNaN || a.contains(where: { $0.isNaN }) { return .infinity }
    return diff / max(scale, 1e-6)
}
