import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

/// SHA-256 against FIPS 180-4's examples, fed whole and in odd pieces.
@Suite struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func knownDigests(message: String, digest: String) {
        #expect(SHA256.hex(Data(message.utf8)) == digest)
    }

    @Test func aMillionAsInPiecesAndFromAFile() throws {
        let message = Data(repeating: UInt8(ascii: "a"), count: 1_000_000)
        var hash = SHA256()
        var offset = 0, piece = 1
        while offset < message.count {
            let end = min(message.count, offset + piece)
            hash.update(message[offset..<end])
            offset = end
            piece = piece * 3 % 1000 + 1
        }
        let digest = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        #expect(hash.finalizeHex() == digest)
        let path = try Fixtures.temporaryDirectory() + "/a.bin"
        try message.write(to: URL(fileURLWithPath: path))
        #expect(try SHA256.hex(ofFile: path) == digest)
        #expect(throws: (any Error).self) { try SHA256.hex(ofFile: path + ".missing") }
    }
}
