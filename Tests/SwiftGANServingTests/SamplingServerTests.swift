import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// What the server refuses before it listens, and how it reads requests.
@Suite struct SamplingServerTests {
    @Test func refusesWhatCannotBeServed() throws {
        let dir = try Fixtures.temporaryDirectory()
        let (path, _) = try untrainedWeights("mlp", in: dir)
        #expect(throws: (any Error).self) { try ServedModel(name: "bad name!", weights: path) }
        let model = try ServedModel(name: "m", weights: path)
        #expect(throws: (any Error).self) { try SamplingServer(models: [model, model], configuration: .init()) }
        #expect(throws: (any Error).self) { try SamplingServer(models: [], configuration: .init()) }
        let (toy, _) = try untrainedWeights("toy", in: dir, file: "toy.safetensors")
        let refusal = #expect(throws: (any Error).self) { try ServedModel(name: "t", weights: toy) }
        #expect("\(refusal!)".contains("2-D points"))
    }

    @Test func parsesRequestsFieldByField() throws {
        let full = try GenerationRequest.generate(json: Data(#"{"model": "a", "n": 3, "seed": 9, "class": 2, "truncation": 0.5, "format": "json"}"#.utf8))
        #expect(full == GenerationRequest(model: "a", count: 3, seed: 9, classIndex: 2, truncation: 0.5, format: .json))
        #expect(try GenerationRequest.generate(json: Data("  ".utf8)) == GenerationRequest())
        #expect(try GenerationRequest.generate(json: Data(#"{"n": 4.0, "class": null}"#.utf8)).count == 4)
        let path = try GenerationRequest.interpolate(json: Data(#"{"from": 1, "to": 2, "slerp": true}"#.utf8))
        #expect(path.count == 8 && path.interpolation?.spherical == true && path.interpolation?.to == 2)
        for bad in [#"{"n": true}"#, #"{"seed": 1.5}"#, #"{"slerp": 1}"#, #"{"format": null}"#, "null", #""n""#] {
            let body = Data(bad.utf8)
            #expect(throws: ServingError.self, "\(bad)") {
                _ = bad.contains("slerp") ? try GenerationRequest.interpolate(json: Data(#"{"from": 1, "to": 2, "slerp": 1}"#.utf8))
                                          : try GenerationRequest.generate(json: body)
            }
        }
    }
}
