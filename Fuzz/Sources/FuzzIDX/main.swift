import FuzzSupport
import SwiftGAN

// IDX files (MNIST), raw or gzip-compressed: header, overflow-checked dimensions, inflating bounded by the header.
fuzz(InputParsers.idx)
