/// The version of SwiftGAN this build is: what `swiftgan --version` prints and what the images
/// it generates name as their software.
public enum SwiftGANVersion {
    public static let current = "0.1.0"
}
