import Foundation

/// A live one-line progress display: step, rate, ETA and the latest losses. On a terminal it
/// redraws in place; in a log it prints a line every `every` steps.
public struct ProgressLine {
    public let total: Int
    /// The step the run started from (resumed runs start later).
    public let first: Int
    /// Where the line goes: standard output (`swiftgan train`) or standard error (when the
    /// output is a command's results, as `swiftgan practice`'s lines).
    public enum Stream: Sendable { case standardOutput, standardError }
    private let stream: Stream
    private let start = Date()
    private let interactive: Bool
    private let every: Int

    public init(total: Int, start first: Int = 0, to stream: Stream = .standardOutput) {
        self.total = total
        self.first = first
        self.stream = stream
        interactive = isatty(stream == .standardOutput ? STDOUT_FILENO : STDERR_FILENO) != 0
        every = max(1, (total - first) / 20)
    }

    public func update(step: Int, fields: [(String, Float)]) {
        guard interactive || step % every == 0 || step == total else { return }
        let elapsed = Date().timeIntervalSince(start)
        let rate = Double(step - first) / max(elapsed, 1e-9)
        let eta = rate > 0 ? Double(total - step) / rate : 0
        let values = fields.map { "\($0.0) \(String(format: "%.4f", $0.1))" }.joined(separator: "  ")
        let line = String(format: "step %d/%d  %.1f steps/s  ETA %@  ", step, total, rate, Self.duration(eta)) + values
        let text = interactive ? "\r\u{1B}[2K" + line + (step == total ? "\n" : "") : line + "\n"
        switch stream {
        case .standardOutput:
            print(text, terminator: "")
            fflush(stdout)
        case .standardError:
            FileHandle.standardError.write(Data(text.utf8))
        }
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
