import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A reply read off the wire: status, headers (lowercased names) and body.
public struct HTTPReply {
    public let status: Int
    public let headers: [String: String]
    public let body: Data

    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as a JSON object.
    public func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw CocoaError(.coderReadCorrupt, userInfo: [NSDebugDescriptionErrorKey: "not a JSON object: \(text.prefix(200))"])
        }
        return object
    }
}

/// A minimal HTTP/1.1 client over a plain socket, so tests can send exactly the bytes they
/// mean (malformed requests included) to a server on loopback.
public enum HTTPTestClient {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    /// Sends `raw` to 127.0.0.1:`port` and returns everything the server sends until it closes.
    public static func exchange(port: Int, raw: Data, timeout: TimeInterval = 60) throws -> Data {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        defer { close(fd) }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "connect to port \(port): errno \(errno)") }
        var sent = 0
        try raw.withUnsafeBytes { bytes in
            while sent < bytes.count {
                let n = send(fd, bytes.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
                guard n > 0 else { throw Failure(description: "send: errno \(errno)") }
                sent += n
            }
        }
        var reply = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n == 0 { break }
            guard n > 0 else {
                if errno == EAGAIN || errno == EWOULDBLOCK { throw Failure(description: "no reply within \(timeout) s") }
                if errno == ECONNRESET { break }
                throw Failure(description: "recv: errno \(errno)")
            }
            reply.append(contentsOf: buffer[0..<n])
        }
        return reply
    }

    /// Sends one request (asking the server to close afterwards) and parses the reply.
    public static func request(port: Int, _ method: String, _ path: String, body: Data? = nil,
                               contentType: String = "application/json") throws -> HTTPReply {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if let body { head += "Content-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n" }
        var raw = Data((head + "\r\n").utf8)
        if let body { raw.append(body) }
        return try parse(exchange(port: port, raw: raw))
    }

    /// POSTs `object` as JSON.
    public static func post(port: Int, _ path: String, json object: [String: Any]) throws -> HTTPReply {
        try request(port: port, "POST", path, body: try JSONSerialization.data(withJSONObject: object))
    }

    /// A reply's status line, headers and body (de-chunked).
    public static func parse(_ reply: Data) throws -> HTTPReply {
        let separator = Data("\r\n\r\n".utf8)
        guard let end = reply.range(of: separator) else { throw Failure(description: "no complete header in \(reply.count) bytes") }
        let lines = String(decoding: reply[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw Failure(description: "bad status line '\(lines[0])'") }
        var headers = [String: String]()
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Data(reply[end.upperBound...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" {
            var decoded = Data(), rest = body
            while let lineEnd = rest.range(of: Data("\r\n".utf8)) {
                let size = Int(String(decoding: rest[..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";")[0], radix: 16) ?? 0
                if size == 0 { break }
                let start = lineEnd.upperBound
                decoded.append(rest[start..<(start + size)])
                rest = Data(rest[(start + size + 2)...])
            }
            body = decoded
        }
        return HTTPReply(status: status, headers: headers, body: body)
    }
}
