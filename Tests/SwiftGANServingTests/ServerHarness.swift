import Foundation
import SwiftGAN
import SwiftGANTestSupport

/// A `SamplingServer` running in this process on a free port, stopped by `stop()`.
final class RunningServer: @unchecked Sendable {
    let port: Int
    private let task: Task<Void, Error>

    private init(port: Int, task: Task<Void, Error>) {
        self.port = port
        self.task = task
    }

    static func start(_ server: SamplingServer) async throws -> RunningServer {
        let (addresses, continuation) = AsyncStream<String>.makeStream()
        let task = Task.detached {
            defer { continuation.finish() }
            try await server.run { url in continuation.yield(url) }
        }
        var iterator = addresses.makeAsyncIterator()
        guard let url = await iterator.next(), let port = url.split(separator: ":").last.flatMap({ Int($0) }) else {
            _ = await task.result
            throw HTTPTestClient.Failure(description: "the server did not start")
        }
        return RunningServer(port: port, task: task)
    }

    func stop() async {
        task.cancel()
        _ = await task.result
    }

    func get(_ path: String) async throws -> HTTPReply {
        try await blocking { [port] in try HTTPTestClient.request(port: port, "GET", path) }
    }

    func post(_ path: String, _ object: [String: Any]) async throws -> HTTPReply {
        let body = try JSONSerialization.data(withJSONObject: object)
        return try await post(path, body: body)
    }

    func post(_ path: String, body: Data) async throws -> HTTPReply {
        try await blocking { [port] in try HTTPTestClient.request(port: port, "POST", path, body: body) }
    }
}

/// Runs blocking socket work on its own thread, so the tests never block Swift's cooperative
/// threads (which the server's handlers need).
func blocking<T>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

