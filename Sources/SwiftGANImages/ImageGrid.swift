import Foundation
import SwiftGANEngine

/// Tiles a batch of images into one picture, like `torchvision.utils.make_grid`.
public enum ImageGrid {
    /// A grid PNG of `images` ([n, c, h, w] or [n, h·w] for square gray images) with values in
    /// [-1, 1], `columns` per row (a square layout by default) and `padding` pixels between;
    /// generated images carry their `provenance` (tEXt chunks) and, with a `watermark`, its
    /// invisible mark (the provenance then says the image is marked).
    public static func png(_ images: Tensor, columns: Int? = nil, padding: Int = 2, provenance: Provenance? = nil,
                           watermark: Watermark? = nil) -> Data {
        let (n, c, h, w) = dimensions(of: images)
        let cols = columns ?? max(1, Int(Double(n).squareRoot().rounded(.up)))
        let rows = (n + cols - 1) / cols
        let width = cols * (w + padding) + padding, height = rows * (h + padding) + padding
        let channels = c == 1 ? 1 : 3
        var pixels = [UInt8](repeating: 0, count: width * height * channels)
        let values = images.storage.buffer
        for i in 0..<n {
            let ox = padding + (i % cols) * (w + padding), oy = padding + (i / cols) * (h + padding)
            for y in 0..<h {
                for x in 0..<w {
                    for ch in 0..<channels {
                        pixels[((oy + y) * width + ox + x) * channels + ch] = byte(values[((i * c + min(ch, c - 1)) * h + y) * w + x])
                    }
                }
            }
        }
        var text = provenance?.textChunks ?? []
        if let watermark {
            watermark.embed(&pixels, width: width, height: height, channels: channels)
            text.append((Provenance.Keyword.watermark, Watermark.scheme))
        }
        return PNG.encode(width: width, height: height, color: channels == 1 ? .gray : .rgb, pixels: pixels, text: text)
    }

    /// Each image of `images` as PNG bytes (gray, or RGB for 3 channels), scaled up `scale`
    /// times by nearest neighbour: the frames of an animation.
    public static func frames(_ images: Tensor, scale: Int = 1) -> (width: Int, height: Int, color: PNG.ColorType, frames: [[UInt8]]) {
        precondition(scale >= 1, "scale must be at least 1")
        let (n, c, h, w) = dimensions(of: images)
        let channels = c == 1 ? 1 : 3
        let (width, height) = (w * scale, h * scale)
        let values = images.storage.buffer
        let frames = (0..<n).map { i -> [UInt8] in
            var pixels = [UInt8](repeating: 0, count: width * height * channels)
            for y in 0..<height {
                for x in 0..<width {
                    for ch in 0..<channels {
                        pixels[(y * width + x) * channels + ch] = byte(values[((i * c + min(ch, c - 1)) * h + y / scale) * w + x / scale])
                    }
                }
            }
            return pixels
        }
        return (width, height, channels == 1 ? .gray : .rgb, frames)
    }

    /// An animated PNG showing `images` in turn, `delay` seconds each, scaled `scale` times.
    public static func animatedPNG(_ images: Tensor, scale: Int = 1, delay: Double = 0.25, provenance: Provenance? = nil) -> Data {
        let (width, height, color, frames) = frames(images, scale: scale)
        return AnimatedPNG.encode(width: width, height: height, color: color, frames: frames, delay: delay,
                                  text: provenance?.textChunks ?? [])
    }

    /// A value in [-1, 1] as a byte (0 for a non-finite value).
    static func byte(_ v: Float) -> UInt8 {
        v.isFinite ? UInt8(max(0, min(255, ((v + 1) * 127.5).rounded()))) : 0
    }

    private static func dimensions(of images: Tensor) -> (Int, Int, Int, Int) {
        switch images.rank {
        case 4: return (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
        case 2:
            let side = Int(Double(images.shape[1]).squareRoot())
            precondition(side * side == images.shape[1], "flat images of \(images.shape[1]) pixels are not square")
            return (images.shape[0], 1, side, side)
        default: preconditionFailure("image grid needs [n, c, h, w] or [n, pixels], got \(images.shape)")
        }
    }
}
