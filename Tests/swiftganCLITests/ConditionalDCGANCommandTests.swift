import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// `--model cgan` from the command line: PyTorch's generator sampled with given latents and
/// labels, bad label files, and a short run trained and sampled end to end.
@Suite(.serialized) struct ConditionalDCGANCommandTests {
    let cli = CLITests()

    @Test func samplesPyTorchsGeneratorWithGivenLatentsAndLabels() throws {
        let dir = try Fixtures.temporaryDirectory()
        let result = try cli.swiftgan(["sample", "--model", "cgan", "--weights", Fixtures.path("torch_cgan_generator.safetensors"),
                                       "--z", Fixtures.path("cgan_parity_z.npy"), "--labels", Fixtures.path("cgan_parity_labels.npy"),
                                       "--npy", dir + "/x.npy", "--png", dir + "/x.png"])
        #expect(result.status == 0, "sample failed: \(result.error)")
        let expected = try Fixtures.load("cgan_parity.safetensors")["samples"]!
        #expect(relativeError(try NPY.read(dir + "/x.npy"), expected) < 1e-4, "PyTorch's eval-mode samples")
    }

    @Test func badLabelFilesAreOneLineErrors() throws {
        let dir = try Fixtures.temporaryDirectory()
        let weights = Fixtures.path("torch_cgan_generator.safetensors")
        var rng = RandomGenerator(seed: 0)
        try NPY.write(rng.normal([3, 100]), to: dir + "/z.npy")
        func sample(_ labels: String, _ extra: [String] = []) throws -> CLITests.Result {
            try cli.swiftgan(["sample", "--model", "cgan", "--weights", weights, "--z", dir + "/z.npy", "--labels", labels,
                              "--npy", dir + "/o.npy"] + extra)
        }
        try NPY.write(Tensor([1, 2, 3]), to: dir + "/float.npy")
        cli.expectOneLineError(try sample(dir + "/float.npy"), naming: "\(dir)/float.npy", "'<f4' is not an integer type")
        try Self.writeInt64([1, 2], to: dir + "/short.npy")
        cli.expectOneLineError(try sample(dir + "/short.npy"), naming: "\(dir)/short.npy: labels have shape [2]; the 3 latents need [3]")
        try Self.writeInt64([1, 10, 2], to: dir + "/range.npy")
        cli.expectOneLineError(try sample(dir + "/range.npy"), naming: "\(dir)/range.npy: label 10 at index 1 is outside the model's classes 0...9")
        try Self.writeInt64([1, 0, 2], to: dir + "/ok.npy")
        cli.expectOneLineError(try cli.swiftgan(["sample", "--model", "cgan", "--weights", weights, "--n", "2", "--labels", dir + "/ok.npy",
                                                 "--npy", dir + "/o.npy"]), naming: "--labels goes with --z")
        let ok = try sample(dir + "/ok.npy")
        #expect(ok.status == 0, "int64 labels: \(ok.error)")
        // int32 labels give the same images as int64 ones.
        try Self.writeInt32([1, 0, 2], to: dir + "/ok32.npy")
        let ok32 = try cli.swiftgan(["sample", "--model", "cgan", "--weights", weights, "--z", dir + "/z.npy", "--labels", dir + "/ok32.npy",
                                     "--npy", dir + "/o32.npy"])
        #expect(ok32.status == 0, "int32 labels: \(ok32.error)")
        #expect(relativeError(try NPY.read(dir + "/o32.npy"), try NPY.read(dir + "/o.npy")) == 0)
    }

    @Test func trainsAndSamplesEndToEnd() throws {
        let data = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: data, count: 64)
        for discriminator in ["projection", "concat"] {
            let run = try Fixtures.temporaryDirectory() + "/cgan"
            let train = try cli.swiftgan(["train", "--model", "cgan", "--discriminator", discriminator, "--data-dir", data, "--steps", "3",
                                          "--batch", "16", "--sample-every", "3", "--out", run])
            #expect(train.status == 0, "train --discriminator \(discriminator) failed: \(train.error)")
            let g = run + "/generator.safetensors"
            let all = try cli.swiftgan(["sample", "--weights", g, "--n", "1", "--npy", run + "/all.npy", "--png", run + "/all.png"])
            #expect(all.status == 0, "sample failed: \(all.error)")
            #expect(try NPY.read(run + "/all.npy").shape == [10, 1, 28, 28], "one sample of each class")
            let keys = try Safetensors.read(run + "/discriminator.safetensors").keys
            #expect(keys.contains("linear.weight_orig") && keys.contains("net.0.weight_u"), "spectral norm's PyTorch keys")
            #expect(keys.contains("embed.weight_orig") == (discriminator == "projection"))
        }
        let bad = try cli.swiftgan(["train", "--model", "cgan", "--discriminator", "patch", "--data-dir", data, "--steps", "1",
                                    "--out", data + "/bad"])
        cli.expectOneLineError(bad, naming: "discriminator")
    }

    /// `--mode-seeking λ` reaches the run: kept in config.json, logged as `loss_mode_seeking`,
    /// and refused when negative or for a family without it.
    @Test func trainsWithModeSeeking() throws {
        let data = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: data, count: 32)
        let run = try Fixtures.temporaryDirectory() + "/ms"
        let train = try cli.swiftgan(["train", "--model", "cgan", "--mode-seeking", "0.1", "--data-dir", data, "--steps", "2",
                                      "--batch", "8", "--log-every", "1", "--out", run])
        #expect(train.status == 0, "train --mode-seeking failed: \(train.error)")
        #expect(try TrainingConfig.load(run + "/config.json").modeSeeking.weight == 0.1)
        let log = try String(contentsOfFile: run + "/log.jsonl", encoding: .utf8)
        #expect(log.contains("\"loss_mode_seeking\""), "the penalty is logged")
        let negative = try cli.swiftgan(["train", "--model", "cgan", "--mode-seeking", "-1", "--data-dir", data, "--steps", "1",
                                         "--out", data + "/neg"])
        cli.expectOneLineError(negative, naming: "--mode-seeking")
        let dcgan = try cli.swiftgan(["train", "--model", "dcgan", "--mode-seeking", "0.1", "--steps", "1", "--out", data + "/dcgan"])
        cli.expectOneLineError(dcgan, naming: "--mode-seeking")
    }

    static func writeInt64(_ values: [Int64], to path: String) throws {
        try writeIntegers(values.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) }, descr: "<i8", count: values.count, to: path)
    }

    static func writeInt32(_ values: [Int32], to path: String) throws {
        try writeIntegers(values.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) }, descr: "<i4", count: values.count, to: path)
    }

    /// A .npy file as `np.save` writes a 1-D integer array.
    static func writeIntegers(_ bytes: [UInt8], descr: String, count: Int, to path: String) throws {
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(count),), }"
        header += String(repeating: " ", count: (64 - (10 + header.utf8.count + 1) % 64) % 64) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
        data.append(contentsOf: Array(header.utf8) + bytes)
        try data.write(to: URL(fileURLWithPath: path))
    }
}
