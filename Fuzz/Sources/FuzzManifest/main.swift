import FuzzSupport
import SwiftGAN

// Checkpoint manifests (manifest.json), as --resume reads them.
fuzz(InputParsers.checkpointManifest)
