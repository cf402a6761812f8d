import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// The manifest that lets `--resume` tell a whole checkpoint from a damaged one.
@Suite struct CheckpointManifestTests {
    @Test func crc32IsZlibs() {
        #expect(CRC32.checksum(Data("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum(Data()) == 0)
    }

    @Test func verifiesSizesAndChecksums() throws {
        let dir = try Fixtures.temporaryDirectory()
        try Data("weights".utf8).write(to: URL(fileURLWithPath: dir + "/a.safetensors"))
        try Data("{\"step\": 3}".utf8).write(to: URL(fileURLWithPath: dir + "/state.json"))
        try CheckpointManifest.write(describing: dir, step: 3)
        #expect(try CheckpointManifest.verify(dir, step: 3))
        #expect(throws: ConfigError.self) { try CheckpointManifest.verify(dir, step: 4) }

        // Same size, one bit flipped: only the checksum can tell.
        try Data("weighta".utf8).write(to: URL(fileURLWithPath: dir + "/a.safetensors"))
        let flipped = #expect(throws: ConfigError.self) { try CheckpointManifest.verify(dir, step: 3) }
        #expect(flipped?.description.contains("a.safetensors fails its checksum") == true)
        try Data("weigh".utf8).write(to: URL(fileURLWithPath: dir + "/a.safetensors"))
        let cut = #expect(throws: ConfigError.self) { try CheckpointManifest.verify(dir, step: 3) }
        #expect(cut?.description.contains("a.safetensors has 5 bytes, the manifest says 7") == true)
        try FileManager.default.removeItem(atPath: dir + "/a.safetensors")
        let missing = #expect(throws: ConfigError.self) { try CheckpointManifest.verify(dir, step: 3) }
        #expect(missing?.description.contains("a.safetensors is missing") == true)

        // No manifest at all: an earlier SwiftGAN's checkpoint, reported as unverified.
        try FileManager.default.removeItem(atPath: dir + "/" + CheckpointManifest.fileName)
        #expect(try CheckpointManifest.verify(dir, step: 3) == false)
    }

    @Test(arguments: [
        "", "[]", "{\"format\": 1}", "{\"format\": 2, \"step\": 1, \"files\": {}}",
        "{\"format\": 1, \"step\": -1, \"files\": {}}",
        "{\"format\": 1, \"step\": 1, \"files\": {\"../x\": {\"bytes\": 1, \"crc32\": \"00000000\"}}}",
        "{\"format\": 1, \"step\": 1, \"files\": {\"x\": {\"bytes\": -1, \"crc32\": \"00000000\"}}}",
        "{\"format\": 1, \"step\": 1, \"files\": {\"x\": {\"bytes\": 1, \"crc32\": \"xyz\"}}}",
        "{\"format\": 1, \"step\": 1e99, \"files\": {}}",
    ])
    func rejectsMalformedManifests(_ text: String) {
        #expect(throws: ConfigError.self) { try CheckpointManifest(decoding: Data(text.utf8)) }
    }
}
