import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// The sampling server over real HTTP on loopback, in its own process (`swiftgan serve`): the
/// API, its limits, batching and metrics. (In the test process the server's handlers would share
/// Swift's cooperative threads with every other suite's synchronous work and could wait minutes.)
@Suite(.serialized) struct ServeAPITests {
    /// The outputs of a generator for per-seed latents, computed here without the server.
    func expected(_ generator: any SampleableGenerator, seeds: [UInt64], labels: [Int]? = nil) throws -> Tensor {
        try generator.generateAll(Latents.forSeeds(seeds, dimension: generator.latentDimension, truncation: nil), labels: labels)
    }

    @Test func generatesEachFormatAndASeedNamesTheSameImageAloneOrInABatch() throws {
        let dir = try Fixtures.temporaryDirectory()
        let (path, generator) = try untrainedWeights("dcgan", in: dir)
        let server = try ServeCommandTests.ServeProcess(["--weights", "g=" + path, "--port", "0", "--eval-samples", "0"])

        let npy = try server.post("/v1/generate", ["n": 4, "seed": 10, "format": "npy"])
        #expect(npy.status == 200, "\(npy.text)")
        #expect(npy.headers["x-swiftgan-seeds"] == "10,11,12,13")
        let batch = try NPY.decode(npy.body, path: "reply")
        #expect(batch.shape == [4, 1, 28, 28])
        #expect(relativeError(batch, try expected(generator, seeds: [10, 11, 12, 13]).reshaped([4, 1, 28, 28])) < 1e-5)
        let alone = try NPY.decode(try server.post("/v1/generate", ["n": 1, "seed": 12, "format": "npy"]).body, path: "reply")
        #expect(relativeError(alone, batch.slice(axis: 0, 2..<3)) < 1e-5)

        // One grid PNG with the provenance of the whole request.
        let png = try server.post("/v1/generate", ["n": 4, "seed": 10])
        #expect(png.status == 200 && png.headers["content-type"] == "image/png")
        let provenance = try #require(Provenance(textChunks: try PNGText.read(png.body, path: "reply")))
        #expect(provenance.model == "dcgan" && provenance.seed == "10 to 13, one per image")
        #expect(try provenance.modelSHA256 == SHA256.hex(ofFile: path))

        // JSON: a PNG per image, each naming its own seed.
        let json = try server.post("/v1/generate", ["n": 2, "seed": 7, "format": "json"]).json()
        #expect(json["seeds"] as? [Int] == [7, 8] && json["model"] as? String == "g")
        let images = try #require(json["images"] as? [String])
        #expect(images.count == 2)
        let second = try #require(Data(base64Encoded: images[1]))
        #expect(Provenance(textChunks: try PNGText.read(second, path: "image 1"))?.seed == "8")

        // Without a seed the server picks one and says which.
        let random = try server.post("/v1/generate", ["format": "json"]).json()
        #expect((random["seeds"] as? [Int])?.count == 1)
        server.stop()
    }

    @Test func refusesBadRequestsWithAJSONErrorAndKeepsServing() throws {
        let dir = try Fixtures.temporaryDirectory()
        let (path, _) = try untrainedWeights("mlp", in: dir)
        let server = try ServeCommandTests.ServeProcess(["--weights", "mlp=" + path, "--port", "0", "--eval-samples", "0"])

        let refusals: [(String, Int, String)] = [
            ("{not json", 400, "JSON object"),
            ("[1, 2]", 400, "JSON object"),
            (#"{"n": 0}"#, 400, "n must be an integer from 1 to 256"),
            (#"{"n": 257}"#, 400, "n must be an integer from 1 to 256"),
            (#"{"n": 2.5}"#, 400, "n must be"),
            (#"{"n": "3"}"#, 400, "n must be"),
            (#"{"seed": -1}"#, 400, "seed must be"),
            (#"{"seed": 9007199254740991, "n": 2}"#, 400, "seed + n - 1"),
            (#"{"nn": 3}"#, 400, "unknown field \"nn\""),
            (#"{"format": "gif"}"#, 400, "format must be one of"),
            (#"{"truncation": 0}"#, 400, "truncation must be a number from 0.001 to 1000"),
            (#"{"truncation": 1e-46}"#, 400, "truncation must be a number from 0.001 to 1000"),
            (#"{"truncation": 1e7}"#, 400, "truncation must be a number from 0.001 to 1000"),
            (#"{"truncation": "high"}"#, 400, "truncation must be a number"),
            (#"{"class": 3}"#, 400, "not conditional"),
            (#"{"model": "other"}"#, 404, "no model named 'other'"),
            (#"{"model": 5}"#, 400, "model must be a string"),
            (#"{"n": {"a": 1}}"#, 400, "JSON object"),
        ]
        for (body, status, message) in refusals {
            let reply = try server.post("/v1/generate", body: Data(body.utf8))
            #expect(reply.status == status, "\(body): \(reply.status) \(reply.text)")
            #expect(reply.headers["content-type"] == "application/json", "\(body)")
            #expect((try? reply.json())?["error"].map { "\($0)" }?.contains(message) == true, "\(body): \(reply.text)")
        }
        let interpolation = try server.post("/v1/interpolate", ["from": 1])
        #expect(interpolation.status == 400 && interpolation.text.contains("\\\"from\\\" and \\\"to\\\""))
        let steps = try server.post("/v1/interpolate", ["from": 1, "to": 2, "steps": 65])
        #expect(steps.status == 400 && steps.text.contains("steps must be an integer from 2 to 64"))

        let big = try server.post("/v1/generate", body: Data(repeating: 0x20, count: 65 * 1024))
        #expect(big.status == 413 && big.text.contains("over 64 KiB"))
        let missing = try server.get("/v2/nothing")
        #expect(missing.status == 404)
        #expect(try missing.json()["error"] as? String == "no route GET /v2/nothing")

        // Bytes that are not HTTP, and a connection dropped mid-body, do not take the server down.
        _ = try? HTTPTestClient.exchange(port: server.port, raw: Data("\u{1}\u{2}GARBAGE\r\n\r\n".utf8), timeout: 10)
        _ = try? HTTPTestClient.exchange(port: server.port, raw: Data("POST /v1/generate HTTP/1.1\r\nContent-Length: 500\r\n\r\n{\"n\":".utf8), timeout: 1)
        // A declared body over the limit is refused before it is sent; a malformed chunked body is
        // the client's error, not the server's.
        let declared = try HTTPTestClient.parse(HTTPTestClient.exchange(port: server.port, raw: Data(
            "POST /v1/generate HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\nConnection: close\r\n\r\n".utf8), timeout: 20))
        #expect(declared.status == 413, "\(declared.text)")
        let chunked = try HTTPTestClient.parse(HTTPTestClient.exchange(port: server.port, raw: Data(
            "POST /v1/generate HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n".utf8), timeout: 20))
        #expect(chunked.status == 400, "\(chunked.text)")
        let health = try server.get("/healthz")
        #expect(health.status == 200)
        #expect(try health.json()["models"] as? [String] == ["mlp"])
        // An empty body asks for the defaults: one PNG.
        let empty = try server.post("/v1/generate", body: Data())
        #expect(empty.status == 200 && empty.headers["content-type"] == "image/png")
        server.stop()
    }

    @Test func concurrentRequestsShareGeneratorCalls() throws {
        let dir = try Fixtures.temporaryDirectory()
        let (path, generator) = try untrainedWeights("dcgan", in: dir)
        // A long wait, so the eight requests below surely meet in the first batch.
        let server = try ServeCommandTests.ServeProcess(["--weights", "g=" + path, "--max-batch", "64", "--max-wait-ms", "500", "--port", "0", "--eval-samples", "0"])
        let port = server.port, collected = LockedReplies()
        let threads = (0..<8).map { i in
            Thread {
                let body = try! JSONSerialization.data(withJSONObject: ["n": 2, "seed": 100 + 2 * i, "format": "npy"])
                collected.set(i, try? HTTPTestClient.request(port: port, "POST", "/v1/generate", body: body))
            }
        }
        threads.forEach { $0.start() }
        while collected.count < 8 { usleep(10_000) }
        let replies = collected.all
        let all = try expected(generator, seeds: (100..<116).map(UInt64.init)).reshaped([16, 1, 28, 28])
        for i in 0..<8 {
            let reply = try #require(replies[i])
            #expect(reply.status == 200)
            #expect(relativeError(try NPY.decode(reply.body, path: "reply \(i)"), all.slice(axis: 0, (2 * i)..<(2 * i + 2))) < 1e-5)
        }
        let metrics = try server.get("/metrics").text
        let calls = try #require(Self.value(in: metrics, #"swiftgan_generator_batch_images_count{model="g"}"#))
        let images = try #require(Self.value(in: metrics, #"swiftgan_generator_batch_images_sum{model="g"}"#))
        #expect(images == 16)
        #expect(calls <= 2, "8 concurrent requests took \(calls) generator calls")
        server.stop()
    }

    @Test func aFullQueueAnswers503AndLargeRequestsComeOutWhole() throws {
        let dir = try Fixtures.temporaryDirectory()
        let (path, generator) = try untrainedWeights("mlp", in: dir)
        // The first request waits two seconds for company; the queue holds 4 images.
        let server = try ServeCommandTests.ServeProcess(["--weights", "g=" + path, "--max-wait-ms", "2000", "--max-queue", "4",
                                                         "--port", "0", "--eval-samples", "0"])
        let port = server.port, first = LockedReplies()
        let thread = Thread { first.set(0, try? HTTPTestClient.post(port: port, "/v1/generate", json: ["n": 4, "format": "npy"])) }
        thread.start()
        usleep(500_000)
        let refused = try server.post("/v1/generate", ["n": 1])
        #expect(refused.status == 503 && refused.text.contains("busy: 4 images are waiting"), "\(refused.status) \(refused.text)")
        while first.count < 1 { usleep(10_000) }
        #expect(first.all[0]?.status == 200)
        // 100 images are made in pieces of 64, 32 and 4 (bounded shapes) and come out in order.
        let hundred = try NPY.decode(try server.post("/v1/generate", ["n": 100, "seed": 3, "format": "npy"]).body, path: "reply")
        #expect(relativeError(hundred, try expected(generator, seeds: (3..<103).map(UInt64.init)).reshaped([100, 1, 28, 28])) < 1e-5)
        server.stop()
    }

    @Test func metricsCountRequestsByRouteAndStatusInPrometheusFormat() throws {
        let dir = try Fixtures.temporaryDirectory()
        let (path, _) = try untrainedWeights("mlp", in: dir)
        let server = try ServeCommandTests.ServeProcess(["--weights", "m=" + path, "--port", "0", "--eval-samples", "0"])
        for _ in 0..<3 { _ = try server.post("/v1/generate", ["n": 1]) }
        _ = try server.post("/v1/generate", ["n": 0])
        _ = try server.get("/no/such/route")
        let reply = try server.get("/metrics")
        #expect(reply.status == 200 && reply.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        let text = reply.text
        #expect(text.contains("# TYPE swiftgan_http_requests_total counter"))
        #expect(Self.value(in: text, #"swiftgan_http_requests_total{route="/v1/generate",status="200"}"#) == 3)
        #expect(Self.value(in: text, #"swiftgan_http_requests_total{route="/v1/generate",status="400"}"#) == 1)
        #expect(Self.value(in: text, #"swiftgan_http_requests_total{route="other",status="404"}"#) == 1)
        #expect(text.contains(#"swiftgan_http_request_duration_seconds_bucket{route="/v1/generate",le="0.05"}"#))
        #expect(Self.value(in: text, #"swiftgan_generated_images_total{model="m"}"#) == 3)
        #expect(text.contains("swiftgan_queued_images 0"))
        server.stop()
    }

    @Test func servesTwoModelsSideBySideWithCardsClassesAndInterpolation() throws {
        let dir = try Fixtures.temporaryDirectory()
        let (a, _) = try untrainedWeights("mlp", in: dir, file: "a.safetensors")
        let (b, conditional) = try untrainedWeights("cgan-mlp", metadata: ["swiftgan.classes": "10"], in: dir, file: "b.safetensors")
        let server = try ServeCommandTests.ServeProcess(["--weights", "a=" + a, "--weights", "b=" + b, "--port", "0", "--eval-samples", "0"])

        let cards = try #require((try server.get("/v1/models").json())["models"] as? [[String: Any]])
        #expect(cards.map { $0["name"] as? String } == ["a", "b"])
        #expect(cards.map { $0["architecture"] as? String } == ["mlp", "cgan-mlp"])
        #expect(cards[1]["classes"] as? Int == 10 && cards[1]["image_shape"] as? [Int] == [1, 28, 28])
        #expect(try cards[0]["weights_sha256"] as? String == SHA256.hex(ofFile: a))
        #expect(cards[0]["training"] is NSNull && cards[0]["metrics"] is NSNull)

        let classed = try server.post("/v1/generate", ["model": "b", "n": 3, "seed": 5, "class": 7, "format": "json"]).json()
        #expect(classed["classes"] as? [Int] == [7, 7, 7])
        // Without a class, seed s has class s mod 10, so one image of a request comes back alone.
        let cycled = try server.post("/v1/generate", ["model": "b", "n": 12, "seed": 5, "format": "npy"])
        let labels = (5..<17).map { $0 % 10 }
        let want = try expected(conditional, seeds: (5..<17).map(UInt64.init), labels: labels)
        #expect(relativeError(try NPY.decode(cycled.body, path: "reply"), want.reshaped([12, 1, 28, 28])) < 1e-5)
        let eighth = try NPY.decode(try server.post("/v1/generate", ["model": "b", "n": 1, "seed": 12, "format": "npy"]).body, path: "reply")
        #expect(relativeError(eighth, try NPY.decode(cycled.body, path: "reply").slice(axis: 0, 7..<8)) < 1e-5)
        let tooHigh = try server.post("/v1/generate", ["model": "b", "class": 10])
        #expect(tooHigh.status == 400 && tooHigh.text.contains("classes 0 to 9"))

        // Interpolation: frame 0 is seed `from` alone, the last frame seed `to`.
        for slerp in [false, true] {
            let frames = try NPY.decode(try server.post("/v1/interpolate", ["model": "a", "from": 3, "to": 4, "steps": 5,
                                                                                  "slerp": slerp, "format": "npy"]).body, path: "frames")
            #expect(frames.shape == [5, 1, 28, 28])
            let ends = try NPY.decode(try server.post("/v1/generate", ["model": "a", "n": 2, "seed": 3, "format": "npy"]).body, path: "ends")
            #expect(relativeError(frames.slice(axis: 0, 0..<1), ends.slice(axis: 0, 0..<1)) < 1e-5)
            #expect(relativeError(frames.slice(axis: 0, 4..<5), ends.slice(axis: 0, 1..<2)) < 1e-5)
        }
        let page = try server.get("/")
        #expect(page.status == 200 && page.headers["content-type"]?.hasPrefix("text/html") == true)
        #expect(page.text.contains("/v1/generate") && page.text.contains("/v1/interpolate") && page.text.contains("truncation"))
        server.stop()
    }

    @Test func aWatermarkingServerMarksEveryPNG() throws {
        let dir = try Fixtures.temporaryDirectory()
        let (path, _) = try untrainedWeights("dcgan", in: dir)
        let mark = Watermark(key: "served")
        let server = try ServeCommandTests.ServeProcess(["--weights", "g=" + path, "--watermark", "served", "--port", "0", "--eval-samples", "0"])
        let grid = try ImageFile.decode(try server.post("/v1/generate", ["n": 16, "seed": 1]).body, path: "grid")
        #expect(mark.detect(grid.pixels, width: grid.width, height: grid.height, channels: grid.channels))
        let json = try server.post("/v1/generate", ["n": 1, "format": "json"]).json()
        let encoded = try #require((json["images"] as? [String])?.first)
        let single = try ImageFile.decode(try #require(Data(base64Encoded: encoded)), path: "single")
        #expect(mark.detect(single.pixels, width: single.width, height: single.height, channels: single.channels))
        server.stop()
    }

    final class LockedReplies: @unchecked Sendable {
        private let lock = NSLock()
        private var replies = [Int: HTTPReply?]()
        func set(_ i: Int, _ reply: HTTPReply?) { lock.withLock { replies[i] = reply } }
        var count: Int { lock.withLock { replies.count } }
        var all: [Int: HTTPReply] { lock.withLock { replies.compactMapValues { $0 } } }
    }

    /// The value of the sample line that starts with `name` (labels included).
    static func value(in metrics: String, _ name: String) -> Double? {
        metrics.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ").last!) }
    }
}
