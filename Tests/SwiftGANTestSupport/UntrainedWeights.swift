import Foundation
import SwiftGAN

/// Weights of an untrained model of `family` (by its SwiftGAN name) with their metadata, and the
/// generator they hold: something to sample and serve without training first.
public func untrainedWeights(_ family: String, metadata: [String: String] = [:], in directory: String,
                             file: String = "generator.safetensors") throws -> (path: String, generator: any SampleableGenerator) {
    let all = [WeightsMetadata.architecture: family].merging(metadata) { $1 }
    let generator = try ModelRegistry.family(named: family).makeGenerator!(all)
    let path = directory + "/" + file
    try generator.save(to: path, metadata: all)
    return (path, generator)
}
