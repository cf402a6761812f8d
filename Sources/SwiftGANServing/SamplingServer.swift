import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SwiftGANCore
import SwiftGANEngine
import SwiftGANImages
import SwiftGANNN

/// How the server listens and batches.
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    /// 0 picks a free port (the listening line says which).
    public var port = 8080
    /// The most images one generator call makes.
    public var maxBatch = 64
    /// How long the first request of a batch waits for others, in seconds.
    public var maxWait: TimeInterval = 0.002
    /// Marks every PNG served (not the raw `npy` outputs).
    public var watermark: Watermark?
    /// The most images that may wait for the generator; requests beyond get 503.
    public var maxQueuedImages = 1024

    public init(host: String = "127.0.0.1", port: Int = 8080, maxBatch: Int = 64, maxWait: TimeInterval = 0.002,
                watermark: Watermark? = nil, maxQueuedImages: Int = 1024) {
        self.host = host
        self.port = port
        self.maxBatch = maxBatch
        self.maxWait = maxWait
        self.watermark = watermark
        self.maxQueuedImages = maxQueuedImages
    }
}

/// The sampling server (`swiftgan serve`): a web page at `/`, `POST /v1/generate`,
/// `POST /v1/interpolate`, `GET /v1/models`, `GET /healthz` and `GET /metrics` (Prometheus).
/// Concurrent requests for a model are batched into one generator call on a worker thread;
/// bodies are limited to 64 KiB and requests to 256 images, and every refusal is a JSON error.
///
/// ```swift
/// let model = try ServedModel(name: "dcgan", weights: "runs/demo/generator.safetensors")
/// let server = try SamplingServer(models: [model], configuration: .init(port: 0))
/// try await server.run { url in print("listening on \(url)") }
/// ```
public final class SamplingServer: @unchecked Sendable {
    public static let maximumBodyBytes = 64 * 1024
    /// The response header that lists the seeds of the images.
    static let seedsHeader = HTTPField.Name("X-SwiftGAN-Seeds")!
    public let models: [ServedModel]
    public let configuration: ServerConfiguration
    let metrics = ServingMetrics()
    let batcher: GenerationBatcher

    public init(models: [ServedModel], configuration: ServerConfiguration) throws {
        guard !models.isEmpty else { throw ConfigError("give at least one generator to serve (--weights)") }
        var seen = Set<String>()
        for model in models where !seen.insert(model.name).inserted {
            throw ConfigError("two models are named '\(model.name)'; name them with --weights NAME=PATH")
        }
        guard (1...4096).contains(configuration.maxBatch) else { throw ConfigError("--max-batch must be from 1 to 4096") }
        guard configuration.maxWait >= 0 && configuration.maxWait <= 10 else { throw ConfigError("--max-wait-ms must be from 0 to 10000") }
        guard configuration.maxQueuedImages >= 1 else { throw ConfigError("--max-queue must be at least 1") }
        guard (0...65535).contains(configuration.port) else { throw ConfigError("--port must be from 0 to 65535") }
        self.models = models
        self.configuration = configuration
        let metrics = self.metrics
        batcher = GenerationBatcher(models: models, maxBatch: configuration.maxBatch, maxWait: configuration.maxWait,
                                    maxQueued: configuration.maxQueuedImages) { model, images, requests in
            metrics.batch(model: model.name, images: images, requests: requests)
        }
    }

    /// Serves until SIGINT or SIGTERM (or the task is cancelled). `onListening` gets the
    /// server's address, `http://HOST:PORT`, once it accepts connections.
    public func run(onListening: @escaping @Sendable (String) -> Void) async throws {
        batcher.start()
        defer { batcher.stop() }
        var logger = Logger(label: "swiftgan-serve")
        logger.logLevel = .error
        let host = configuration.host
        // Connections idle for 30 s (a client that stops sending mid-request) are closed.
        let app = Application(router: router(), server: .http1(configuration: .init(idleTimeout: .seconds(30))),
                              configuration: .init(address: .hostname(host, port: configuration.port), serverName: "SwiftGAN"),
                              onServerRunning: { channel in
                                  let port = channel.localAddress?.port ?? 0
                                  onListening("http://\(host.contains(":") ? "[\(host)]" : host):\(port)")
                              }, logger: logger)
        try await app.runService()
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: ObservingMiddleware(metrics: metrics))
        router.get("/") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: WebPage.html)))
        }
        router.get("/healthz") { [models] _, _ in
            try Self.json(["status": "ok", "models": models.map(\.name)])
        }
        router.get("/v1/models") { [models] _, _ in
            try Self.json(["models": models.map(\.card.json)])
        }
        router.get("/metrics") { [metrics, batcher] _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: metrics.text(queuedImages: batcher.waitingImages))))
        }
        router.post("/v1/generate") { [self] request, _ in
            try await respond(to: GenerationRequest.generate(json: try await Self.body(of: request)))
        }
        router.post("/v1/interpolate") { [self] request, _ in
            try await respond(to: GenerationRequest.interpolate(json: try await Self.body(of: request)))
        }
        return router
    }

    /// Generates what `request` asks for and encodes it in its format.
    func respond(to request: GenerationRequest) async throws -> Response {
        let index: Int
        if let name = request.model {
            guard let i = models.firstIndex(where: { $0.name == name }) else {
                throw ServingError(.notFound, "no model named '\(name)' (serving: \(models.map(\.name).joined(separator: ", ")))")
            }
            index = i
        } else {
            index = 0
        }
        let model = models[index]
        let classes = model.card.classCount
        if let k = request.classIndex {
            guard classes > 0 else { throw ServingError.badRequest("class: model '\(model.name)' is not conditional") }
            guard k < classes else { throw ServingError.badRequest("class \(k): model '\(model.name)' has classes 0 to \(classes - 1)") }
        }
        let count = request.count
        let dimension = model.card.latentDimension
        let latents: Tensor, seeds: [UInt64], description: String
        if let path = request.interpolation {
            let ends = [path.from, path.to].map { Latents.forSeeds([$0], dimension: dimension, truncation: request.truncation) }
            latents = Latents.interpolate(ends[0], ends[1], steps: path.steps, spherical: path.spherical)
            seeds = [path.from, path.to]
            description = "\(path.spherical ? "slerp" : "lerp") from seed \(path.from) to seed \(path.to), \(path.steps) frames"
        } else {
            let first = request.seed ?? UInt64.random(in: 0..<(1 << 32))
            seeds = (0..<UInt64(count)).map { first + $0 }
            latents = Latents.forSeeds(seeds, dimension: dimension, truncation: request.truncation)
            description = count == 1 ? "\(first)" : "\(first) to \(first + UInt64(count) - 1), one per image"
        }
        // Without a class, a seed picks its own (seed mod K), so {"n": 1, "seed": s} gives image s
        // of any request back; an interpolation keeps the class of its first seed.
        let classSeeds = request.interpolation.map { Array(repeating: $0.from, count: count) } ?? seeds
        let labels = classes > 0 ? classSeeds.map { request.classIndex ?? Int($0 % UInt64(classes)) } : nil
        let outputs = try await batcher.generate(model: index, latents: latents, labels: labels)
        let images = outputs.reshaped([count] + model.imageShape)
        let truncation = (request.classIndex.map { ", class \($0)" } ?? (classes > 0 ? ", class seed mod \(classes)" : ""))
            + (request.truncation.map { ", truncation \($0)" } ?? "")
        var headers: HTTPFields = [Self.seedsHeader: seeds.map(String.init).joined(separator: ",")]
        switch request.format {
        case .png:
            headers[.contentType] = "image/png"
            let png = ImageGrid.png(images, provenance: model.provenance(seeds: description + truncation), watermark: configuration.watermark)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: png)))
        case .npy:
            headers[.contentType] = "application/octet-stream"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: NPY.encode(images))))
        case .json:
            let pngs = (0..<count).map { i -> String in
                let image = images.slice(axis: 0, i..<(i + 1))
                let seed = request.interpolation == nil ? "\(seeds[i])" : "\(description), frame \(i)"
                return ImageGrid.png(image, columns: 1, padding: 0, provenance: model.provenance(seeds: seed + truncation),
                                     watermark: configuration.watermark).base64EncodedString()
            }
            var object: [String: Any] = ["model": model.name, "seeds": seeds, "images": pngs]
            if let labels { object["classes"] = labels }
            if let path = request.interpolation {
                object["t"] = (0..<path.steps).map { Double($0) / Double(path.steps - 1) }
                object["slerp"] = path.spherical
            }
            var response = try Self.json(object)
            response.headers[Self.seedsHeader] = headers[Self.seedsHeader]
            return response
        }
    }

    /// The request's body, refused past 64 KiB.
    static func body(of request: Request) async throws -> Data {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > maximumBodyBytes {
            throw ServingError(.contentTooLarge, "the body is over \(maximumBodyBytes / 1024) KiB")
        }
        do {
            return Data(try await request.body.collect(upTo: maximumBodyBytes).readableBytesView)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw ServingError(.contentTooLarge, "the body is over \(maximumBodyBytes / 1024) KiB")
        } catch is NIOTooManyBytesError {
            throw ServingError(.contentTooLarge, "the body is over \(maximumBodyBytes / 1024) KiB")
        } catch {
            throw ServingError.badRequest("the request body could not be read (\(error))")
        }
    }

    static func json(_ object: Any) throws -> Response {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Counts and times every request, and turns every refusal (ours, or the router's own 404 and
/// 413) into `{"error": "..."}` with its status.
struct ObservingMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let metrics: ServingMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as ServingError {
            response = Self.refusal(error)
        } catch let error as HTTPError {
            let message = error.status == .notFound ? "no route \(request.method) \(request.uri.path)"
                : error.body ?? error.status.reasonPhrase
            response = Self.refusal(ServingError(error.status, message))
        } catch {
            response = Self.refusal(ServingError(.internalServerError, "\(error)"))
        }
        metrics.request(route: ServingMetrics.route(request.uri.path), status: response.status.code, duration: ContinuousClock.now - start)
        return response
    }

    static func refusal(_ error: ServingError) -> Response {
        Response(status: error.status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: error.body)))
    }
}
