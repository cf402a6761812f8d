import FuzzSupport
import SwiftGAN

// Safetensors files: header length, JSON header, dtypes, shapes and data offsets.
fuzz(InputParsers.safetensors)
