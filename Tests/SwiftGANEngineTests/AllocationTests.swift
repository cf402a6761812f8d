import SwiftGAN
import SwiftGANTestSupport
import Testing

@Suite struct AllocationTests {
    /// Sizes from user input go through the checked path: an impossible one is an error.
    @Test func checkedAllocationThrowsInsteadOfStopping() throws {
        #expect(throws: TensorAllocationError.self) { try Tensor(checkedUninitializedShape: [1 << 62, 8]) }
        #expect(throws: TensorAllocationError.self) { try Tensor(checkedUninitializedShape: [3, -1]) }
        #expect(throws: TensorAllocationError.self) { try Tensor(checkedUninitializedShape: [1 << 40, 1 << 10]) }
        let small = try Tensor(checkedUninitializedShape: [3, 4])
        #expect(small.shape == [3, 4] && small.count == 12)
    }
}
