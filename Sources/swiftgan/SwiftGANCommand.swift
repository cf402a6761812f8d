import ArgumentParser
import SwiftGAN

@main
struct SwiftGANCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swiftgan",
        abstract: "Train, sample and benchmark Generative Adversarial Networks.",
        subcommands: [Train.self, Sample.self, Translate.self, Bench.self, Metrics.self, Eval.self, Evaluator.self])
}


/// Runs library code and turns its errors into one-line messages with a non-zero exit.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ValidationError {
        throw error
    } catch {
        throw ValidationErrorLine(message: "\(error)")
    }
}

/// An error printed as `Error: <message>` with exit code 1.
struct ValidationErrorLine: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
