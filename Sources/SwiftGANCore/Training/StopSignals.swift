import Dispatch
import Foundation
import Synchronization

/// Turns SIGINT and SIGTERM into a request to stop: training finishes the step it is in,
/// writes a checkpoint and returns (`TrainingRun.run(stoppingWhen:)`). A second signal of the
/// same kind ends the process at once, as it would have without this.
///
/// ```swift
/// let signals = StopSignals.install()
/// let summary = try run.run(stoppingWhen: { signals.received != nil })
/// ```
// Unchecked: both properties are set once, in `init`, and the flag is atomic.
public final class StopSignals: @unchecked Sendable {
    private let signal = Atomic<Int32>(0)
    private let sources: [any DispatchSourceSignal]

    private init(_ numbers: [Int32], message: String?) {
        let queue = DispatchQueue(label: "swiftgan.stop-signals")
        sources = numbers.map { number in
            // The default action is what a second signal gets.
            Foundation.signal(number, SIG_IGN)
            return DispatchSource.makeSignalSource(signal: number, queue: queue)
        }
        for (source, number) in zip(sources, numbers) {
            source.setEventHandler { [unowned self] in
                guard self.signal.compareExchange(expected: 0, desired: number, ordering: .sequentiallyConsistent).exchanged else { return }
                if let message { FileHandle.standardError.write(Data("\n\(Self.name(number)): \(message)\n".utf8)) }
                for n in numbers { Foundation.signal(n, SIG_DFL) }
            }
            source.resume()
        }
    }

    /// Starts catching `signals` (SIGINT and SIGTERM by default); `message` is printed on the
    /// first one.
    public static func install(_ signals: [Int32] = [SIGINT, SIGTERM],
                               message: String? = "stopping after this step with a checkpoint (signal again to quit at once)") -> StopSignals {
        StopSignals(signals, message: message)
    }

    /// The first signal caught, if any.
    public var received: Int32? {
        let value = signal.load(ordering: .sequentiallyConsistent)
        return value == 0 ? nil : value
    }

    /// "SIGINT", "SIGTERM", or the number.
    public static func name(_ number: Int32) -> String {
        switch number {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        default: "signal \(number)"
        }
    }
}
