import FuzzSupport
import SwiftGAN

// PNG text chunks (provenance): lengths, CRCs, tEXt and iTXt.
fuzz(InputParsers.pngText)
