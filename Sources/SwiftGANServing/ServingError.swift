import Foundation
import Hummingbird

/// A request the server refuses: an HTTP status and a one-line message, sent as
/// `{"error": "message"}`.
public struct ServingError: Error, CustomStringConvertible, Equatable {
    public let status: HTTPResponse.Status
    public let message: String

    public init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    public static func badRequest(_ message: String) -> ServingError { ServingError(.badRequest, message) }

    public var description: String { "\(status.code) \(message)" }

    /// The JSON body of the refusal.
    var body: Data {
        (try? JSONSerialization.data(withJSONObject: ["error": message], options: [.sortedKeys])) ?? Data(#"{"error":"?"}"#.utf8)
    }
}
