import FuzzSupport
import SwiftGAN

// JSON configuration files (--config run.json): parsing, field types, then validation.
fuzz(InputParsers.configJSON)
