import Foundation
import SwiftGANData
import SwiftGANEngine
import SwiftGANImages

/// How the watermark fares on real images: how often clean images are falsely detected, and how
/// often marked ones are still detected after JPEG re-encoding (quality 90) and small crops, for
/// single 28×28 images and for 4×4 grids of them (what `sample` and `serve` write).
public enum WatermarkRobustness {
    public struct Row {
        /// What was checked, e.g. "single, marked, JPEG 90, cropped 2 px".
        public var condition: String
        public var images: Int
        public var detected: Int
        public var medianScore: Double
        public var rate: Double { images == 0 ? 0 : Double(detected) / Double(images) }
    }

    /// The rows for `images` ([n, C, H, W] in [-1, 1]) under `watermark`.
    public static func evaluate(_ images: Tensor, watermark: Watermark) throws -> [Row] {
        let n = images.shape[0]
        let one = Array(images.shape.dropFirst())
        let singles = (0..<n).map { images.slice(axis: 0, $0..<($0 + 1)).reshaped([1] + one) }
        let grids = stride(from: 0, to: n - 15, by: 16).map { images.slice(axis: 0, $0..<($0 + 16)) }
        var rows = [Row]()
        // Singles as they are (no padding), cropped 2 px; grids as `sample` draws them, cropped 8 px.
        for (kind, group, padding, crop) in [("single \(one[1])×\(one[2])", singles, 0, 2), ("4×4 grid", grids, 2, 8)] {
            let clean = try group.map { try decode(ImageGrid.png($0, padding: padding)) }
            let marked = try group.map { try decode(ImageGrid.png($0, padding: padding, watermark: watermark)) }
            let jpeg = try marked.map { try reencode($0) }
            rows.append(row("\(kind), clean (false positives)", clean, watermark))
            rows.append(row("\(kind), marked", marked, watermark))
            rows.append(row("\(kind), marked, JPEG 90", jpeg, watermark))
            rows.append(row("\(kind), marked, cropped \(crop) px each side", marked.map { cropped($0, crop) }, watermark))
            rows.append(row("\(kind), marked, JPEG 90 then cropped \(crop) px", jpeg.map { cropped($0, crop) }, watermark))
        }
        return rows
    }

    private static func row(_ condition: String, _ images: [DecodedImage], _ watermark: Watermark) -> Row {
        let scores = images.map { watermark.score($0.pixels, width: $0.width, height: $0.height, channels: $0.channels) }.sorted()
        return Row(condition: condition, images: scores.count, detected: scores.filter { $0 >= Watermark.threshold }.count,
                   medianScore: scores.isEmpty ? 0 : scores[scores.count / 2])
    }

    private static func decode(_ png: Data) throws -> DecodedImage { try ImageFile.decode(png, path: "<png>") }

    private static func reencode(_ image: DecodedImage) throws -> DecodedImage {
        let jpeg = try JPEG.encode(width: image.width, height: image.height, channels: image.channels, pixels: image.pixels, quality: 90)
        return try ImageFile.decode(jpeg, path: "<jpeg>")
    }

    private static func cropped(_ image: DecodedImage, _ k: Int) -> DecodedImage {
        let w = image.width - 2 * k, h = image.height - 2 * k, c = image.channels
        var pixels = [UInt8]()
        pixels.reserveCapacity(w * h * c)
        for y in k..<(k + h) { pixels += image.pixels[((y * image.width + k) * c)..<((y * image.width + k + w) * c)] }
        return DecodedImage(width: w, height: h, channels: c, pixels: pixels)
    }
}
