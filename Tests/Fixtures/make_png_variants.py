#!/usr/bin/env python3
"""Writes the 4x4 PNG fixtures in png-variants/ that exercise the decoder's conversions:
16-bit gray, gray with alpha, RGBA, an 8-bit palette and 1-bit gray. Standard library only."""
import os
import struct
import zlib

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "png-variants")


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(name, color_type, depth, rows, extra=b""):
    raw = b"".join(b"\x00" + row for row in rows)
    header = struct.pack(">IIBBBBB", 4, 4, depth, color_type, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + extra + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


os.makedirs(OUT, exist_ok=True)
png("gray16.png", 0, 16, [struct.pack(">H", 0x1234) * 4] * 4)                 # decodes to gray 0x12
png("gray-alpha.png", 4, 8, [bytes([77, a]) * 4 for a in (0, 85, 170, 255)])  # gray 77, alpha dropped
png("rgba.png", 6, 8, [bytes([10, 20, 30, 128]) * 4] * 4)                     # RGB (10, 20, 30)
png("palette.png", 3, 8, [bytes([0, 1, 0, 1])] * 4,
    extra=chunk(b"PLTE", bytes([255, 0, 0, 0, 0, 255])))                     # red, blue, red, blue
png("gray1.png", 0, 1, [bytes([0b10100000])] * 4)                              # 255, 0, 255, 0
