import FuzzSupport
import SwiftGAN

// .npy files: magic, version, header dictionary, dtype, shape and data size; as floats and as integers.
fuzz(InputParsers.npy)
