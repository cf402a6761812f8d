/// The pixel conversions that bring decoded images to one shape: channel conversion, halves of
/// side-by-side pairs, and resizing with a center crop.
public enum ImageResampling {
    /// Converts gray to RGB by repeating the value, and RGB to gray by ITU-R BT.601 luma
    /// (0.299 R + 0.587 G + 0.114 B, rounded).
    public static func convert(_ image: DecodedImage, toChannels channels: Int) -> DecodedImage {
        guard image.channels != channels else { return image }
        let pixelCount = image.width * image.height
        var out = [UInt8](repeating: 0, count: pixelCount * channels)
        if channels == 3 {
            for p in 0..<pixelCount { let v = image.pixels[p]; out[3 * p] = v; out[3 * p + 1] = v; out[3 * p + 2] = v }
        } else {
            for p in 0..<pixelCount {
                let r = Float(image.pixels[3 * p]), g = Float(image.pixels[3 * p + 1]), b = Float(image.pixels[3 * p + 2])
                out[p] = UInt8(min(255, (0.299 * r + 0.587 * g + 0.114 * b).rounded()))
            }
        }
        return DecodedImage(width: image.width, height: image.height, channels: channels, pixels: out)
    }

    /// The columns `x..<x+width` of `image`.
    public static func columns(_ image: DecodedImage, from x: Int, width: Int) -> DecodedImage {
        var out = [UInt8]()
        out.reserveCapacity(width * image.height * image.channels)
        let c = image.channels
        for y in 0..<image.height {
            let row = (y * image.width + x) * c
            out.append(contentsOf: image.pixels[row..<(row + width * c)])
        }
        return DecodedImage(width: width, height: image.height, channels: c, pixels: out)
    }

    /// Scales `image` (keeping its aspect ratio) to the smallest size that covers
    /// `height`×`width` — for a square target, the shorter side becomes the target side — and
    /// cuts out the centre. Returns [channels, height, width] bytes (planar).
    ///
    /// The filter is a triangle (bilinear) kernel widened by the reduction factor when shrinking,
    /// so downscaling averages every source pixel (no aliasing) and an image already of the
    /// target size comes back unchanged.
    public static func resizeAndCrop(_ image: DecodedImage, height: Int, width: Int) -> [UInt8] {
        let c = image.channels, ih = image.height, iw = image.width
        let scale = max(Double(height) / Double(ih), Double(width) / Double(iw))
        let sh = max(height, Int((Double(ih) * scale).rounded()))
        let sw = max(width, Int((Double(iw) * scale).rounded()))
        let top = (sh - height) / 2, left = (sw - width) / 2
        var out = [UInt8](repeating: 0, count: c * height * width)
        let rowWeights = weights(from: ih, to: sh), columnWeights = weights(from: iw, to: sw)
        var plane = [Float](repeating: 0, count: ih * iw)
        var horizontal = [Float](repeating: 0, count: ih * width)
        for channel in 0..<c {
            for p in 0..<(ih * iw) { plane[p] = Float(image.pixels[p * c + channel]) }
            // Only the output columns and rows inside the crop are computed.
            for y in 0..<ih {
                for x in 0..<width {
                    let (start, w) = columnWeights[left + x]
                    var sum: Float = 0
                    for k in 0..<w.count { sum += w[k] * plane[y * iw + start + k] }
                    horizontal[y * width + x] = sum
                }
            }
            for y in 0..<height {
                let (start, w) = rowWeights[top + y]
                for x in 0..<width {
                    var sum: Float = 0
                    for k in 0..<w.count { sum += w[k] * horizontal[(start + k) * width + x] }
                    out[(channel * height + y) * width + x] = UInt8(max(0, min(255, sum.rounded())))
                }
            }
        }
        return out
    }

    /// For each output index, the first source index and the normalised weights from there on.
    private static func weights(from input: Int, to output: Int) -> [(Int, [Float])] {
        let scale = Double(input) / Double(output)
        let support = max(scale, 1)
        return (0..<output).map { i in
            let center = (Double(i) + 0.5) * scale
            let first = max(0, Int((center - support).rounded(.down)))
            let last = min(input - 1, Int((center + support).rounded(.up)))
            var w = (first...last).map { j in max(0, 1 - abs(Double(j) + 0.5 - center) / support) }
            let total = w.reduce(0, +)
            if total > 0 { w = w.map { $0 / total } } else { w = w.map { _ in 1 / Double(w.count) } }
            return (first, w.map(Float.init))
        }
    }
}
