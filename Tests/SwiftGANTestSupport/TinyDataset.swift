import Foundation
import SwiftGAN

/// Writes a small MNIST-shaped dataset (gzip IDX files) for tests that must not depend on the
/// real data: `count` 28×28 images of bright bars whose position follows the label.
public enum TinyDataset {
    @discardableResult
    public static func write(to directory: String, count: Int = 256, split: String = "train") throws -> (images: [UInt8], labels: [UInt8]) {
        var images = [UInt8](repeating: 0, count: count * 784)
        var labels = [UInt8](repeating: 0, count: count)
        for i in 0..<count {
            let label = i % 10
            labels[i] = UInt8(label)
            for y in 0..<28 { for x in (2 + 2 * label)..<(4 + 2 * label) { images[i * 784 + y * 28 + x] = UInt8(200 + (i % 50)) } }
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let stem = split == "train" ? "train" : "t10k"
        try Data(Gzip.compress(IDXFile(shape: [count, 28, 28], bytes: images).encoded()))
            .write(to: URL(fileURLWithPath: "\(directory)/\(stem)-images-idx3-ubyte.gz"))
        try Data(Gzip.compress(IDXFile(shape: [count], bytes: labels).encoded()))
            .write(to: URL(fileURLWithPath: "\(directory)/\(stem)-labels-idx1-ubyte.gz"))
        return (images, labels)
    }
}
