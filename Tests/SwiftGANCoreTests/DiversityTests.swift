import Testing
import SwiftGAN

/// The diversity the collapse alarm watches, across a panel and within its classes.
@Suite struct DiversityTests {
    /// Two distinct images, each repeated: diverse across the batch, not at all within a class.
    private let collapsed = Tensor([0, 0, 0, 0, 3, 4, 3, 4], shape: [4, 2])

    @Test func meanPairwiseDistanceIsTheAverageOverPairs() {
        // Pairs (0,1) 0, (0,2) 5, (0,3) 5, (1,2) 5, (1,3) 5, (2,3) 0: mean 20 / 6.
        #expect(abs(Diversity.meanPairwiseDistance(collapsed) - 20.0 / 6.0) < 1e-5)
    }

    @Test func withinClassDiversityShowsACollapsedConditionalGenerator() {
        #expect(Diversity.meanPairwiseDistance(collapsed, groups: [0, 0, 1, 1]) == 0)
        // Classes that mix the two images are diverse again: (0,2) and (1,3) are 5 apart.
        #expect(abs(Diversity.meanPairwiseDistance(collapsed, groups: [0, 1, 0, 1]) - 5) < 1e-5)
    }

    @Test func groupsOfOneSampleAreLeftOut() {
        // Class 2 has one sample and no pairs; the mean is over classes 0 and 1 only.
        let samples = Tensor([0, 0, 0, 6, 3, 4, 9, 9], shape: [4, 2])
        #expect(abs(Diversity.meanPairwiseDistance(samples, groups: [0, 0, 1, 2]) - 6) < 1e-5)
    }

    @Test func aConditionalPanelIsMeasuredWithinClasses() {
        let panel = Panel(images: collapsed, generated: collapsed, groups: [0, 0, 1, 1])
        #expect(panel.diversity == 0)
        #expect(Panel(images: collapsed, generated: collapsed).diversity > 3)
    }
}
