// The umbrella module: `import SwiftGAN` brings the whole library.
@_exported import SwiftGANCore
@_exported import SwiftGANData
@_exported import SwiftGANEngine
@_exported import SwiftGANEvaluation
@_exported import SwiftGANExport
@_exported import SwiftGANImages
@_exported import SwiftGANNN
@_exported import SwiftGANPractice
@_exported import SwiftGANServing
