import FuzzSupport
import SwiftGAN

// PNG files through libpng: the header alone, then the whole image.
fuzz(InputParsers.image)
