import FuzzSupport
import SwiftGAN

// gzip streams (concatenated members too), inflated with a size limit as every caller does.
fuzz(InputParsers.gzip)
