import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// The fuzz targets' committed inputs, replayed on every test run (without the sanitizer):
/// each seed of `Fuzz/Corpus/<target>/` parses, each input of `Fuzz/Regressions/<target>/` (hand-made
/// attacks and whatever the fuzzers once found) is refused with an error.
@Suite struct FuzzInputsTests {
    static let fuzz = Fixtures.repositoryRoot + "/Fuzz"

    static func files(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted().map { "\(folder)/\($0)" }
    }

    @Test func everyFuzzTargetHasAParserSeedsAndRegressions() throws {
        let manifest = try String(contentsOfFile: Self.fuzz + "/Package.swift", encoding: .utf8)
        for target in InputParsers.byFuzzTarget.keys.sorted() {
            #expect(manifest.contains("\"\(target)\""), "\(target) is not built by Fuzz/Package.swift")
            #expect(!Self.files("\(Self.fuzz)/Corpus/\(target)").isEmpty, "\(target) has no seed corpus")
            #expect(!Self.files("\(Self.fuzz)/Regressions/\(target)").isEmpty, "\(target) has no regression inputs")
        }
    }

    @Test(arguments: InputParsers.byFuzzTarget.keys.sorted())
    func seedsParseAndRegressionsAreRefused(_ target: String) throws {
        let parse = try #require(InputParsers.byFuzzTarget[target])
        for seed in Self.files("\(Self.fuzz)/Corpus/\(target)") {
            #expect(throws: Never.self, "\(seed)") { try parse(AtomicFile.read(seed)) }
        }
        for input in Self.files("\(Self.fuzz)/Regressions/\(target)") {
            let data = try AtomicFile.read(input)
            #expect(throws: (any Error).self, "\(input) was accepted") { try parse(data) }
        }
    }
}
