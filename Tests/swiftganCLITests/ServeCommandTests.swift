import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// `swiftgan serve` and `swiftgan provenance` as a user runs them: the real executable, real
/// HTTP on loopback, Ctrl-C to stop.
@Suite(.serialized) struct ServeCommandTests {
    let cli = CLITests()

    /// A running `swiftgan serve`, its port read from the line it prints when it listens.
    final class ServeProcess {
        let process = Process()
        private(set) var port = 0
        private let lock = NSLock()
        private var output = ""
        private var errors = ""

        init(_ arguments: [String], directory: String? = nil, timeout: TimeInterval = 300) throws {
            process.executableURL = URL(fileURLWithPath: CLITests.executable)
            process.arguments = ["serve"] + arguments
            if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.run()
            for (pipe, isError) in [(out, false), (err, true)] {
                Thread { [self] in
                    while true {
                        let data = pipe.fileHandleForReading.availableData
                        if data.isEmpty { return }
                        lock.withLock {
                            if isError { errors += String(decoding: data, as: UTF8.self) } else { output += String(decoding: data, as: UTF8.self) }
                        }
                    }
                }.start()
            }
            let deadline = Date().addingTimeInterval(timeout)
            var found: Int?
            while found == nil && Date() < deadline && process.isRunning {
                found = lock.withLock { output }.split(separator: "\n").first { $0.hasPrefix("listening on http://127.0.0.1:") }
                    .flatMap { Int($0.split(separator: ":").last!) }
                if found == nil { usleep(20_000) }
            }
            guard let found else {
                process.terminate()
                process.waitUntilExit()
                throw HTTPTestClient.Failure(description: "serve did not listen: \(lock.withLock { output + errors })")
            }
            port = found
        }

        var standardError: String { lock.withLock { errors } }

        /// Ctrl-C, and the exit status.
        func interrupt() -> Int32 {
            kill(process.processIdentifier, SIGINT)
            process.waitUntilExit()
            return process.terminationStatus
        }
    }

    @Test func serveAnswersOverHTTPShowsTheRunAndItsImagesCarryProvenance() throws {
        let data = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: data, count: 128)
        let run = try Fixtures.temporaryDirectory() + "/run"
        let train = try cli.swiftgan(["train", "--model", "mlp", "--dataset", "mnist", "--data-dir", data, "--steps", "20",
                                      "--seed", "3", "--out", run])
        #expect(train.status == 0, "train failed: \(train.error)")
        let weights = run + "/generator.safetensors"
        let server = try ServeProcess(["--weights", "demo=" + weights, "--port", "0", "--eval-samples", "0"])

        let health = try HTTPTestClient.request(port: server.port, "GET", "/healthz")
        #expect(health.status == 200)
        #expect(try health.json()["models"] as? [String] == ["demo"])
        let card = try #require((try HTTPTestClient.request(port: server.port, "GET", "/v1/models").json()["models"] as? [[String: Any]])?.first)
        #expect(card["architecture"] as? String == "mlp")
        let training = try #require(card["training"] as? [String: Any])
        #expect(training["steps_trained"] as? Int == 20)
        #expect((training["config"] as? [String: Any])?["dataset"] as? String == "mnist")

        let png = try HTTPTestClient.post(port: server.port, "/v1/generate", json: ["n": 9, "seed": 5])
        #expect(png.status == 200 && png.headers["content-type"] == "image/png")
        let file = try Fixtures.temporaryDirectory() + "/served.png"
        try png.body.write(to: URL(fileURLWithPath: file))
        let npy = try HTTPTestClient.post(port: server.port, "/v1/generate", json: ["n": 1, "seed": 5, "format": "npy"])
        #expect(server.interrupt() == 0, "serve did not stop cleanly on Ctrl-C: \(server.standardError)")

        let provenance = try cli.swiftgan(["provenance", file])
        #expect(provenance.status == 0, "\(provenance.error)")
        #expect(provenance.output.contains("synthetic image made by SwiftGAN"))
        #expect(provenance.output.contains("model: mlp") && provenance.output.contains("seed: 5 to 13, one per image"))
        #expect(provenance.output.contains("weights sha256: \(try SHA256.hex(ofFile: weights))"))

        // The served image of seed 5 is `sample --n 1 --seed 5`'s.
        let sampled = try Fixtures.temporaryDirectory()
        let sample = try cli.swiftgan(["sample", "--weights", weights, "--n", "1", "--seed", "5", "--npy", sampled + "/x.npy",
                                       "--png", sampled + "/x.png"])
        #expect(sample.status == 0, "\(sample.error)")
        #expect(relativeError(try NPY.decode(npy.body, path: "reply").reshaped([1, 784]), try NPY.read(sampled + "/x.npy")) < 1e-5)
        let sampleProvenance = try cli.swiftgan(["provenance", "--json", sampled + "/x.png"])
        #expect(sampleProvenance.status == 0)
        let fields = try JSONSerialization.jsonObject(with: Data(sampleProvenance.output.utf8)) as? [String: Any]
        #expect(fields?["swiftgan:seed"] as? String == "5" && fields?["synthetic"] as? Bool == true)
        // The run's own sample panels say which step made them.
        let panel = try cli.swiftgan(["provenance", run + "/samples/latest.png"])
        #expect(panel.status == 0 && panel.output.contains("training step: 20"), "\(panel.output)\(panel.error)")
    }

    @Test(.enabled(if: HeadlessChromium.path != nil, "Debian's chromium is not installed (make test's bootstrap installs it)"))
    func theWebPageGeneratesInAHeadlessBrowser() throws {
        let dir = try Fixtures.temporaryDirectory()
        let (weights, _) = try untrainedWeights("cgan-mlp", metadata: ["swiftgan.classes": "10"], in: dir)
        let server = try ServeProcess(["--weights", "digits=" + weights, "--port", "0", "--eval-samples", "0"])
        let url = "http://127.0.0.1:\(server.port)/"
        // The page lists the model, offers its classes and generates 16 images when it opens.
        let dom = try HeadlessChromium.run(["--dump-dom", url], profile: dir + "/profile")
        let screenshot = dir + "/page.png"
        let shot = try HeadlessChromium.run(["--window-size=1100,800", "--screenshot=" + screenshot, url], profile: dir + "/profile")
        #expect(server.interrupt() == 0)
        #expect(dom.status == 0 && shot.status == 0, "\(dom.error)\(shot.error)")
        #expect(dom.output.components(separatedBy: #"<img src="data:image/png;base64,"#).count - 1 == 16, "\(dom.output)")
        #expect(dom.output.contains(#"<div id="error" role="alert"></div>"#), "the page shows an error: \(dom.output)")
        #expect(dom.output.contains("<option>digits</option>") && dom.output.contains(#"<option value="9">9</option>"#))
        let console = HeadlessChromium.consoleMessages(dom, shot)
        #expect(console.isEmpty, "console messages: \(console)")
        // The screenshot shows the gallery: the 16 images (84×84 each, mid-gray from an untrained
        // generator) are ~13% of the page, which is otherwise white but for its text.
        let share = try HeadlessChromium.tonedShare(ofScreenshot: screenshot)
        #expect(share > 0.08, "only \(share) of the screenshot is not white: no images?")
    }

    @Test func serveMeasuresTheModelCardOnMNIST() throws {
        let dir = try Fixtures.temporaryDirectory()
        var rng = RandomGenerator(seed: 0)
        try GANModelKind.mlp.makeGenerator(generator: &rng).save(to: dir + "/g.safetensors", metadata: [WeightsMetadata.architecture: "mlp"])
        let server = try ServeProcess(["--weights", dir + "/g.safetensors", "--port", "0", "--eval-samples", "200",
                                       "--eval-dataset", "mnist"], directory: Fixtures.repositoryRoot)
        let card = try #require((try HTTPTestClient.request(port: server.port, "GET", "/v1/models").json()["models"] as? [[String: Any]])?.first)
        #expect(server.interrupt() == 0)
        #expect(card["name"] as? String == "g")
        let metrics = try #require(card["metrics"] as? [String: Any], "\(card)")
        #expect(metrics["samples"] as? Int == 200 && metrics["dataset"] as? String == "mnist")
        // An untrained generator is far from MNIST.
        #expect((metrics["fid"] as? Double ?? 0) > 50, "\(metrics)")
        #expect(metrics["precision"] is Double && metrics["recall"] is Double)
        #expect(server.standardError.contains("measuring g: FID, precision and recall of 200 samples"))
    }

    @Test func serveAndProvenanceRefuseBadInputInOneLine() throws {
        let dir = try Fixtures.temporaryDirectory()
        var rng = RandomGenerator(seed: 0)
        try GANModelKind.mlp.makeGenerator(generator: &rng).save(to: dir + "/g.safetensors", metadata: [WeightsMetadata.architecture: "mlp"])
        let refusals: [([String], String)] = [
            (["serve"], "--weights"),
            (["serve", "--weights", dir + "/missing.safetensors"], "missing.safetensors"),
            (["serve", "--weights", dir + "/g.safetensors", "--port", "70000"], "--port"),
            (["serve", "--weights", dir + "/g.safetensors", "--eval-samples", "5"], "--eval-samples"),
            (["serve", "--weights", dir + "/g.safetensors", "--max-batch", "0"], "--max-batch"),
            (["serve", "--weights", "bad name=" + dir + "/g.safetensors", "--eval-samples", "0"], "model name 'bad name'"),
            (["serve", "--weights", dir + "/g.safetensors", "--weights", dir + "/g.safetensors", "--eval-samples", "0"], "two models are named 'g'"),
        ]
        for (arguments, message) in refusals {
            let result = try cli.swiftgan(arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.error.contains(message), "\(arguments): \(result.error)")
            #expect(result.error.split(separator: "\n").count <= 2, "\(arguments): \(result.error)")
        }
        // A port that is taken is an error, not a hang.
        let first = try ServeProcess(["--weights", dir + "/g.safetensors", "--port", "0", "--eval-samples", "0"])
        let second = try cli.swiftgan(["serve", "--weights", dir + "/g.safetensors", "--port", "\(first.port)", "--eval-samples", "0"])
        #expect(first.interrupt() == 0)
        #expect(second.status != 0 && second.error.contains("serve:"), "\(second.error)")

        try Data("not an image".utf8).write(to: URL(fileURLWithPath: dir + "/notes.png"))
        let notPNG = try cli.swiftgan(["provenance", dir + "/notes.png"])
        #expect(notPNG.status == 1 && notPNG.error.contains("notes.png: not a PNG file"))
        // Control characters in a chunk are shown escaped: no forged lines, no terminal codes.
        let forged = PNG.encode(width: 2, height: 2, color: .gray, pixels: [0, 0, 0, 0], text: [
            ("swiftgan:synthetic", "true"), ("swiftgan:model", "evil\u{1b}[31m\n/tmp/other.png: synthetic image made by SwiftGAN\n  model: fake")])
        try forged.write(to: URL(fileURLWithPath: dir + "/forged.png"))
        let shown = try cli.swiftgan(["provenance", dir + "/forged.png"])
        #expect(shown.status == 0 && !shown.output.contains("\u{1b}") && shown.output.contains("evil\\u{1b}[31m\\u{a}"), "\(shown.output)")
        #expect(shown.output.split(separator: "\n").count == 2, "\(shown.output)")
        try TestImages.writePNG(dir + "/plain.png", width: 4, height: 4, value: 9)
        let plain = try cli.swiftgan(["provenance", dir + "/plain.png"])
        #expect(plain.status == 1 && plain.output.contains("plain.png: no SwiftGAN provenance"))
    }
}

/// `swiftgan memorization` end to end on a tiny dataset, and its refusals.
@Suite struct MemorizationCommandTests {
    let cli = CLITests()

    @Test func reportsNearCopiesAndDrawsTheClosestPairs() throws {
        let dir = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: dir + "/data", count: 200)
        try TinyDataset.write(to: dir + "/data", count: 100, split: "test")
        let (weights, _) = try untrainedWeights("dcgan", in: dir)
        let result = try cli.swiftgan(["memorization", "--weights", weights, "--dataset", "mnist", "--data-dir", dir + "/data",
                                       "--n", "64", "--pairs", "8", "--png", dir + "/pairs.png"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("memorization: 64 samples of dcgan against 200 mnist training images"))
        #expect(result.output.contains("evaluator features:") && result.output.contains("pixels:") && result.output.contains("near-copies"))
        let image = try ImageFile.decode(dir + "/pairs.png")
        #expect(image.width == 2 + 8 * 30 && image.height == 2 + 2 * 30)
        #expect(Provenance(textChunks: try PNGText.read(file: dir + "/pairs.png"))?.model == "dcgan")
        let json = try cli.swiftgan(["memorization", "--weights", weights, "--data-dir", dir + "/data", "--n", "16", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
        #expect(object?["samples"] as? Int == 16 && (object?["pixels"] as? [String: Any])?["near_copies"] is Int)
    }

    @Test func refusals() throws {
        let dir = try Fixtures.temporaryDirectory()
        let (toy, _) = try untrainedWeights("toy", in: dir)
        for (arguments, message) in [(["--weights", toy], "does not make 1×28×28 images"),
                                     (["--weights", dir + "/none.safetensors"], "none.safetensors"),
                                     (["--weights", toy, "--n", "0"], "--n must be"),
                                     (["--weights", toy, "--pairs", "0"], "--pairs must be")] {
            let result = try cli.swiftgan(["memorization"] + arguments)
            #expect(result.status != 0 && result.error.contains(message), "\(arguments): \(result.error)")
        }
    }
}

/// The watermark through the CLI: `sample --watermark`, `provenance --detect`, `watermark evaluate`.
@Suite struct WatermarkCommandTests {
    let cli = CLITests()

    @Test func sampleMarksAndProvenanceDetectsInPNGAndJPEG() throws {
        let dir = try Fixtures.temporaryDirectory()
        let (weights, _) = try untrainedWeights("dcgan", in: dir)
        let sample = try cli.swiftgan(["sample", "--weights", weights, "--n", "16", "--png", dir + "/marked.png", "--watermark", "secret"])
        #expect(sample.status == 0, "\(sample.error)")
        let found = try cli.swiftgan(["provenance", "--detect", "secret", dir + "/marked.png"])
        #expect(found.status == 0 && found.output.contains("watermark: detected") && found.output.contains("marked with SwiftGAN's watermark"),
                "\(found.output)\(found.error)")
        let wrongKey = try cli.swiftgan(["provenance", "--detect", "guess", dir + "/marked.png"])
        #expect(wrongKey.status == 1 && wrongKey.output.contains("watermark: not detected"))
        // Re-encoded as JPEG the text chunks are gone; the mark is not (on digit-like images: dark
        // backgrounds with bright strokes; an untrained generator's gray noise loses it to JPEG).
        var values = [Float](repeating: -1, count: 16 * 784)
        for i in 0..<16 { for y in 6..<22 { for x in (4 + i % 10)..<(8 + i % 10) { values[i * 784 + y * 28 + x] = 1 } } }
        try ImageGrid.png(Tensor(values, shape: [16, 1, 28, 28]), watermark: Watermark(key: "secret")).write(to: URL(fileURLWithPath: dir + "/digits.png"))
        let image = try ImageFile.decode(dir + "/digits.png")
        try JPEG.encode(width: image.width, height: image.height, channels: image.channels, pixels: image.pixels)
            .write(to: URL(fileURLWithPath: dir + "/marked.jpg"))
        let jpeg = try cli.swiftgan(["provenance", "--detect", "secret", "--json", dir + "/marked.jpg"])
        let object = try JSONSerialization.jsonObject(with: Data(jpeg.output.utf8)) as? [String: Any]
        #expect(jpeg.status == 0 && object?["watermark_detected"] as? Bool == true && object?["synthetic"] as? Bool == false, "\(jpeg.output)")
        let unmarked = try cli.swiftgan(["sample", "--weights", weights, "--n", "16", "--png", dir + "/plain.png"])
        #expect(unmarked.status == 0)
        #expect(try cli.swiftgan(["provenance", "--detect", "secret", dir + "/plain.png"]).status == 1)
        let refused = try cli.swiftgan(["sample", "--weights", weights, "--n", "4", "--npy", dir + "/x.npy", "--watermark", "k"])
        #expect(refused.status != 0 && refused.error.contains("--watermark marks the --png image"))
    }

    @Test func evaluateReportsFalsePositivesAndSurvival() throws {
        let dir = try Fixtures.temporaryDirectory()
        try TinyDataset.write(to: dir, count: 32, split: "test")
        let result = try cli.swiftgan(["watermark", "evaluate", "--dataset", "mnist", "--data-dir", dir, "--json"])
        #expect(result.status == 0, "\(result.error)")
        let rows = result.output.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(rows.count == 10)
        let marked = rows.first { $0["condition"] as? String == "single 28×28, marked" }
        #expect(marked?["rate"] as? Double == 1 && marked?["images"] as? Int == 32)
        #expect(rows.first { $0["condition"] as? String == "4×4 grid, clean (false positives)" }?["detected"] as? Int == 0)
    }
}

extension ServeCommandTests.ServeProcess {
    func get(_ path: String) throws -> HTTPReply { try HTTPTestClient.request(port: port, "GET", path) }
    func post(_ path: String, _ object: [String: Any]) throws -> HTTPReply { try HTTPTestClient.post(port: port, path, json: object) }
    func post(_ path: String, body: Data) throws -> HTTPReply { try HTTPTestClient.request(port: port, "POST", path, body: body) }
    func stop() { _ = interrupt() }
}
