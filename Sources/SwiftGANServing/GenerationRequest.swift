import Foundation
import SwiftGANCore

/// What a client asks `POST /v1/generate` (and, with two seeds and a step count,
/// `POST /v1/interpolate`) for, parsed from a flat JSON object and checked field by field, so
/// every mistake is a 400 that names the field.
public struct GenerationRequest: Equatable, Sendable {
    public enum Format: String, CaseIterable, Sendable {
        /// One grid image (image/png).
        case png
        /// The float32 outputs [n, C, H, W] as a NumPy file.
        case npy
        /// `{"model", "seeds": [...], "classes": [...], "images": [base64 PNG, ...]}`.
        case json
    }

    /// The most images one request may ask for.
    public static let maximumCount = 256
    /// The most frames an interpolation may have.
    public static let maximumSteps = 64
    /// Seeds stay below 2^53 so that a browser's JavaScript numbers hold them exactly.
    public static let maximumSeed: UInt64 = (1 << 53) - 1

    /// The served model's name; nil picks the only (or first) one.
    public var model: String?
    /// The number of images (`n`); 1 by default.
    public var count: Int = 1
    /// The first image's seed; image i has seed `seed + i`. Nil: the server picks one.
    public var seed: UInt64?
    /// Conditional models: the class of every image; nil gives the image of seed s class s mod K
    /// (so a seed names one image of a conditional model too).
    public var classIndex: Int?
    /// Draw latents from N(0, 1) truncated to [-T, T] (the truncation trick); nil: untruncated.
    public var truncation: Float?
    public var format: Format = .png
    /// `/v1/interpolate`: the two end seeds (`from`, `to`), the frame count and the path.
    public var interpolation: (from: UInt64, to: UInt64, steps: Int, spherical: Bool)?

    public init(model: String? = nil, count: Int = 1, seed: UInt64? = nil, classIndex: Int? = nil, truncation: Float? = nil,
                format: Format = .png) {
        self.model = model
        self.count = count
        self.seed = seed
        self.classIndex = classIndex
        self.truncation = truncation
        self.format = format
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.model == b.model && a.count == b.count && a.seed == b.seed && a.classIndex == b.classIndex && a.truncation == b.truncation
            && a.format == b.format && a.interpolation.map { [$0.from, $0.to, UInt64($0.steps), $0.spherical ? 1 : 0] }
            == b.interpolation.map { [$0.from, $0.to, UInt64($0.steps), $0.spherical ? 1 : 0] }
    }

    static let generateFields: Set<String> = ["model", "n", "seed", "class", "truncation", "format"]
    static let interpolateFields: Set<String> = ["model", "from", "to", "steps", "slerp", "class", "truncation", "format"]

    /// A `/v1/generate` request from its JSON body.
    public static func generate(json body: Data) throws -> GenerationRequest {
        let fields = try object(body, allowed: generateFields)
        var request = try common(fields)
        if let n = fields["n"] { request.count = try integer(n, "n", in: 1...maximumCount) }
        if let seed = fields["seed"] { request.seed = UInt64(try integer(seed, "seed", in: 0...Int(maximumSeed))) }
        if let seed = request.seed, seed + UInt64(request.count) - 1 > maximumSeed {
            throw ServingError.badRequest("seed + n - 1 must be at most \(maximumSeed) (each image's seed is seed + i)")
        }
        return request
    }

    /// A `/v1/interpolate` request: `from` and `to` seeds, `steps` frames (8 by default, both
    /// ends included), `slerp` for the spherical path.
    public static func interpolate(json body: Data) throws -> GenerationRequest {
        let fields = try object(body, allowed: interpolateFields)
        var request = try common(fields)
        guard let from = fields["from"], let to = fields["to"] else {
            throw ServingError.badRequest("interpolation needs the seeds \"from\" and \"to\"")
        }
        let steps = try fields["steps"].map { try integer($0, "steps", in: 2...maximumSteps) } ?? 8
        var spherical = false
        if let slerp = fields["slerp"] {
            guard case .bool(let value) = slerp else { throw ServingError.badRequest("slerp must be true or false") }
            spherical = value
        }
        request.interpolation = (UInt64(try integer(from, "from", in: 0...Int(maximumSeed))),
                                 UInt64(try integer(to, "to", in: 0...Int(maximumSeed))), steps, spherical)
        request.count = steps
        return request
    }

    private static func common(_ fields: [String: JSONValue]) throws -> GenerationRequest {
        var request = GenerationRequest()
        if let model = fields["model"] {
            guard case .string(let name) = model else { throw ServingError.badRequest("model must be a string (a name from GET /v1/models)") }
            request.model = name
        }
        if let k = fields["class"], k != .null { request.classIndex = try integer(k, "class", in: 0...Int(Int32.max)) }
        if let t = fields["truncation"], t != .null {
            let value: Double
            switch t {
            case .int(let i): value = Double(i)
            case .double(let d): value = d
            default: throw ServingError.badRequest("truncation must be a number")
            }
            guard value >= 1e-3, value <= 1e3 else {
                throw ServingError.badRequest("truncation must be a number from 0.001 to 1000 (the threshold T of N(0, 1) truncated to [-T, T])")
            }
            request.truncation = Float(value)
        }
        if let f = fields["format"] {
            guard case .string(let name) = f, let format = Format(rawValue: name) else {
                throw ServingError.badRequest("format must be one of \(Format.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))")
            }
            request.format = format
        }
        return request
    }

    /// The body as a flat JSON object whose keys are all in `allowed`.
    private static func object(_ body: Data, allowed: Set<String>) throws -> [String: JSONValue] {
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return [:] }
        let fields: [String: JSONValue]
        do { fields = try JSONDecoder().decode([String: JSONValue].self, from: body) } catch {
            throw ServingError.badRequest("the body must be a JSON object of numbers, strings and booleans")
        }
        if let unknown = fields.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw ServingError.badRequest("unknown field \"\(unknown)\" (known: \(allowed.sorted().joined(separator: ", ")))")
        }
        return fields
    }

    private static func integer(_ value: JSONValue, _ name: String, in range: ClosedRange<Int>) throws -> Int {
        let number: Int?
        switch value {
        case .int(let i): number = i
        case .double(let d) where d.rounded() == d && abs(d) < 9e15: number = Int(d)
        default: number = nil
        }
        guard let number, range.contains(number) else {
            throw ServingError.badRequest("\(name) must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }
}
