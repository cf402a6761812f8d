import Foundation
import SwiftGAN
import SwiftGANTestSupport
import Testing

@Suite struct ScatterPlotTests {
    /// A diverged generator's NaN and huge outputs must not stop the program: non-finite points
    /// are counted and left out, finite ones far off the square are clipped.
    @Test func nonFiniteAndHugePointsAreSkippedNotFatal() {
        let points: [(Float, Float)] = [(0.5, 0.5), (.nan, 0), (0, .infinity), (1e30, -1e30), (-Float.greatestFiniteMagnitude, 0)]
        let plot = ScatterPlot.render([.init(points: points, color: (255, 0, 0))], extent: 2)
        #expect(plot.skipped == 2, "NaN and infinity are the skipped ones, got \(plot.skipped)")
        #expect(plot.png.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
        #expect(plot.png == ScatterPlot.png([.init(points: [(0.5, 0.5)], color: (255, 0, 0))], extent: 2),
                "only the finite point on the square is drawn")
        // An extent that is itself not finite falls back to the finite points' range.
        #expect(ScatterPlot.render([.init(points: points, color: (255, 0, 0))], extent: .nan).skipped == 2)
    }
}
