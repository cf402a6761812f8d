import Foundation
import Prometheus

/// The server's Prometheus metrics: requests by route and status, request latency, and the
/// batches the generator ran (images and requests per call). `GET /metrics` prints them in
/// Prometheus's text format.
final class ServingMetrics: @unchecked Sendable {
    let registry = PrometheusCollectorRegistry()
    /// The routes metrics are labeled with; any other path counts as "other", so a client
    /// cannot grow the label set.
    static let routes: Set<String> = ["/", "/healthz", "/metrics", "/v1/models", "/v1/generate", "/v1/interpolate"]
    private static let latencyBuckets: [Duration] = [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 10000]
        .map { Duration.microseconds(Int64($0 * 1000)) }
    private static let batchBuckets: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]

    private static let requests = descriptor("http_requests", "total", "HTTP requests by route and status")
    private static let latency = descriptor("http_request_duration", "seconds", "Time from request to response")
    private static let batchImages = descriptor("generator_batch", "images", "Images per generator call")
    private static let batchRequests = descriptor("generator_batch", "requests", "Requests served by one generator call")
    private static let generated = descriptor("generated_images", "total", "Images generated")
    private static let queuedImages = descriptor("queued", "images", "Images waiting for the generator")

    private static func descriptor(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "swiftgan", metricName: name, unitName: unit, helpText: help)
    }

    private let queued: Gauge

    init() {
        queued = registry.makeGauge(descriptor: Self.queuedImages)
    }

    static func route(_ path: String) -> String { routes.contains(path) ? path : "other" }

    func request(route: String, status: Int, duration: Duration) {
        registry.makeCounter(descriptor: Self.requests, labels: [("route", route), ("status", String(status))]).increment()
        registry.makeDurationHistogram(descriptor: Self.latency, labels: [("route", route)], buckets: Self.latencyBuckets).record(duration)
    }

    func batch(model: String, images: Int, requests: Int) {
        registry.makeValueHistogram(descriptor: Self.batchImages, labels: [("model", model)], buckets: Self.batchBuckets)
            .record(Double(images))
        registry.makeValueHistogram(descriptor: Self.batchRequests, labels: [("model", model)], buckets: Self.batchBuckets)
            .record(Double(requests))
        registry.makeCounter(descriptor: Self.generated, labels: [("model", model)]).increment(by: Int64(images))
    }

    /// The metrics in Prometheus's text exposition format, with the queue length as of now.
    func text(queuedImages: Int) -> [UInt8] {
        queued.set(Double(queuedImages))
        return registry.emitToBuffer()
    }
}
