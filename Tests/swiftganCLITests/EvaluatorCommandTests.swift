import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// `swiftgan evaluator train` and `swiftgan eval --evaluator` on a labeled image folder.
@Suite(.serialized) struct EvaluatorCommandTests {
    let cli = CLITests()

    /// `DIR/<class>/*.png`: a red, a green and a blue class of 12×12 RGB images, 16 of each,
    /// each a lit square at a different place over a little noise.
    static func writeColorFolder(_ directory: String) throws {
        for (c, name) in ["red", "green", "blue"].enumerated() {
            for i in 0..<16 {
                let (dx, dy) = (i % 5, (i * 3) % 5)
                try TestImages.writePNG("\(directory)/\(name)/\(i).png", width: 12, height: 12, rgb: true) { x, y in
                    let lit = (dx..<dx + 6).contains(x) && (dy..<dy + 6).contains(y)
                    let noise = UInt8((x * 7 + y * 13 + i * 5) % 20)
                    return (0..<3).map { $0 == c && lit ? 220 + noise : noise }
                }
            }
        }
    }

    @Test func trainsAnEvaluatorOnAFolderAndEvaluatesTheFolderWithIt() throws {
        let dir = try Fixtures.temporaryDirectory()
        let data = dir + "/colors"
        try Self.writeColorFolder(data)
        let environment = ["SWIFTGAN_CACHE_DIR": dir + "/cache"]
        let file = dir + "/colors-evaluator.safetensors"
        let train = try cli.swiftgan(["evaluator", "train", "--data-dir", data, "--epochs", "2", "--out", file], environment: environment)
        #expect(train.status == 0, "evaluator train failed: \(train.error)")
        #expect(train.output.contains("epoch 1/2: test accuracy") && train.output.contains("epoch 2/2: test accuracy"), "\(train.output)")
        #expect(train.output.contains("wrote \(file) (3×12×12 images, 3 classes"), "\(train.output)")
        let metadata = try Safetensors.readWithMetadata(file).metadata
        #expect(metadata["swiftgan.evaluator.shape"] == "3,12,12" && metadata["swiftgan.evaluator.classes"] == #"["blue","green","red"]"#)
        #expect(metadata["dataset"] == "colors" && metadata["epochs"] == "2")

        let eval = try cli.swiftgan(["eval", "--evaluator", file, "--data-dir", data, "--real-vs-real", "--json"], environment: environment)
        #expect(eval.status == 0, "eval failed: \(eval.error)")
        let json = try JSONSerialization.jsonObject(with: Data(eval.output.utf8)) as? [String: Any]
        for key in ["fid", "precision", "recall", "kid_mean"] {
            #expect((json?[key] as? Double)?.isFinite == true, "\(key) in \(eval.output)")
        }
        #expect(json?["n_real"] as? Int == 24 && json?["n_fake"] as? Int == 24 && json?["n_classes"] as? Int == 3)
        let text = try cli.swiftgan(["eval", "--evaluator", file, "--data-dir", data, "--real-vs-real"], environment: environment)
        #expect(text.output.contains("samples: 24 even train images (real), 24 odd train images (real)"), "\(text.output)")
        #expect(text.output.contains(" of 3\n"), "\(text.output)")

        // The folder converted on the way in, and the evaluator's shape enforced on the way out.
        let small = dir + "/gray8.safetensors"
        let gray = try cli.swiftgan(["evaluator", "train", "--data-dir", data, "--channels", "1", "--resolution", "8", "--epochs", "1",
                                     "--out", small], environment: environment)
        #expect(gray.status == 0, "evaluator train failed: \(gray.error)")
        #expect(try Safetensors.readWithMetadata(small).metadata["swiftgan.evaluator.shape"] == "1,8,8")
        var rng = RandomGenerator(seed: 0)
        try MLPGenerator(generator: &rng).save(to: dir + "/g.safetensors")
        let mismatch = try cli.swiftgan(["eval", "--model", "mlp", "--weights", dir + "/g.safetensors", "--evaluator", file,
                                         "--data-dir", data, "--n", "20"], environment: environment)
        cli.expectOneLineError(mismatch, naming: file, "3×12×12", "1×28×28")
    }

    @Test func unlabeledOrSingleClassFoldersAndMisplacedFlagsAreOneLineErrors() throws {
        let dir = try Fixtures.temporaryDirectory()
        let environment = ["SWIFTGAN_CACHE_DIR": dir + "/cache"]
        for i in 0..<6 {
            try TestImages.writePNG("\(dir)/plain/\(i).png", width: 8, height: 8, value: UInt8(i * 40))
            try TestImages.writePNG("\(dir)/single/only/\(i).png", width: 8, height: 8, value: UInt8(i * 40))
        }
        let plain = try cli.swiftgan(["evaluator", "train", "--data-dir", dir + "/plain", "--epochs", "1", "--out", dir + "/p.safetensors"],
                                     environment: environment)
        cli.expectOneLineError(plain, naming: "\(dir)/plain", "unlabeled")
        let single = try cli.swiftgan(["evaluator", "train", "--data-dir", dir + "/single", "--epochs", "1", "--out", dir + "/s.safetensors"],
                                      environment: environment)
        cli.expectOneLineError(single, naming: "\(dir)/single", "only one class")
        #expect(!FileManager.default.fileExists(atPath: dir + "/p.safetensors") && !FileManager.default.fileExists(atPath: dir + "/s.safetensors"))
        cli.expectOneLineError(try cli.swiftgan(["evaluator", "train", "--dataset", "mnist", "--channels", "3"]), naming: "--channels")
        cli.expectOneLineError(try cli.swiftgan(["evaluator", "train", "--data-dir", dir, "--resolution", "0"]), naming: "--resolution")
        try Safetensors.write([:], to: dir + "/empty.safetensors")
        let noMetadata = try cli.swiftgan(["eval", "--evaluator", dir + "/empty.safetensors", "--data-dir", dir + "/single", "--real-vs-real"],
                                          environment: environment)
        cli.expectOneLineError(noMetadata, naming: "\(dir)/empty.safetensors", "swiftgan.evaluator.shape")
    }
}
