import FuzzSupport
import SwiftGAN

// YAML configuration files (--config run.yaml): parsing, field types, then validation.
fuzz(InputParsers.configYAML)
