import Foundation

/// Animated PNG (APNG): frames of one size shown in turn, looping. Viewers without APNG support
/// show the first frame, which is the file's ordinary image.
///
/// ```swift
/// let data = AnimatedPNG.encode(width: 28, height: 28, color: .gray, frames: frames, delay: 0.25)
/// ```
public enum AnimatedPNG {
    /// An APNG of `frames` (each row-major bytes as `PNG.encode` takes them), each shown for
    /// `delay` seconds (to the nearest millisecond), looping forever, carrying `text` as tEXt.
    public static func encode(width: Int, height: Int, color: PNG.ColorType, frames: [[UInt8]], delay: Double,
                              text: [(String, String)] = []) -> Data {
        precondition(!frames.isEmpty, "an animated PNG needs a frame")
        var png = PNG.start(width: width, height: height, color: color, text: text)
        png.append(PNG.chunk("acTL", PNG.bigEndian(UInt32(frames.count)) + PNG.bigEndian(0)))   // frames; 0 plays: forever
        let milliseconds = UInt16(clamping: Int((delay * 1000).rounded()))
        var sequence: UInt32 = 0
        for (index, frame) in frames.enumerated() {
            // fcTL: sequence, size, offset (0, 0), delay as a fraction (ms / 1000), dispose none, blend source.
            var control = PNG.bigEndian(sequence) + PNG.bigEndian(UInt32(width)) + PNG.bigEndian(UInt32(height))
            control += PNG.bigEndian(0) + PNG.bigEndian(0)
            control += [UInt8(milliseconds >> 8), UInt8(milliseconds & 0xff), 0x03, 0xE8, 0, 0]
            png.append(PNG.chunk("fcTL", control))
            sequence += 1
            let data = PNG.compressedScanlines(width: width, height: height, color: color, pixels: frame)
            if index == 0 {
                png.append(PNG.chunk("IDAT", data))
            } else {
                png.append(PNG.chunk("fdAT", PNG.bigEndian(sequence) + data))
                sequence += 1
            }
        }
        png.append(PNG.chunk("IEND", []))
        return png
    }
}
