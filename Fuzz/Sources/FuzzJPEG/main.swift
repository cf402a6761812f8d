import FuzzSupport
import SwiftGAN

// JPEG files through libjpeg-turbo: the header alone, then the whole image.
fuzz(InputParsers.image)
