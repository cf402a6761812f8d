import Foundation
import SwiftGAN
import SwiftGANTestSupport

/// Debian's Chromium, headless, for the tests of pages a user opens (the server's page, the
/// practice lab's report): the DOM after the page's scripts ran, its console messages, and
/// screenshots. `make test`'s bootstrap installs it; the tests that need it are skipped without.
enum HeadlessChromium {
    static let path = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs Chromium on `arguments` with its own profile (as root: without the sandbox), console
    /// messages logged to its standard error.
    static func run(_ arguments: [String], profile: String) throws -> CLITests.Result {
        try CLITests.run(path!, ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + profile,
                                 "--enable-logging=stderr", "--v=0", "--virtual-time-budget=15000"] + arguments)
    }

    /// The console messages in runs' standard error.
    static func consoleMessages(_ results: CLITests.Result...) -> [Substring] {
        results.flatMap { $0.error.split(separator: "\n").filter { $0.contains(":CONSOLE") } }
    }

    /// The share of a screenshot's pixels that are not near white.
    static func tonedShare(ofScreenshot path: String) throws -> Double {
        let image = try ImageFile.decode(path)
        let toned = stride(from: 0, to: image.pixels.count, by: image.channels).filter { image.pixels[$0] < 200 }.count
        return Double(toned) / Double(image.width * image.height)
    }
}
