import SwiftGAN
import SwiftGANTestSupport
import Testing

/// Reflection padding against PyTorch's `F.pad(mode="reflect")` (fixtures from
/// `make_translation_fixtures.py`): forward, gradient and second order, equal and unequal sides.
@Suite struct ReflectionPaddingTests {
    static let fixture = try! Fixtures.load("translation_ops.safetensors")

    @Test(arguments: [("reflection_pad_1", [1, 1, 1, 1]), ("reflection_pad_3", [3, 3, 3, 3]), ("reflection_pad_asym", [2, 1, 0, 3])])
    func matchesPyTorch(_ name: String, _ pad: [Int]) {
        let failures = OpFixtureCase.check(name, in: Self.fixture) {
            $0[0].reflectionPadded(left: pad[0], right: pad[1], top: pad[2], bottom: pad[3])
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test func mirrorsWithoutRepeatingTheEdge() {
        let x = Tensor([1, 2, 3, 4], shape: [1, 1, 1, 4])
        #expect(x.reflectionPadded(left: 2, right: 1, top: 0, bottom: 0).scalars == [3, 2, 1, 2, 3, 4, 3])
    }
}
