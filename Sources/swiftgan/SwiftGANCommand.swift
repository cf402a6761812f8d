import ArgumentParser
import Foundation
import SwiftGAN

@main
struct SwiftGANCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swiftgan",
        abstract: "Train, sample and benchmark Generative Adversarial Networks.",
        version: SwiftGANVersion.current,
        subcommands: [Train.self, Sample.self, Translate.self, Serve.self, ProvenanceCommand.self, Bench.self, Metrics.self, Eval.self,
                      MemorizationCommand.self, WatermarkCommand.self, ExportCommand.self, DoctorCommand.self, LatentCommand.self, Evaluator.self,
                      Practice.self])

    static func main() {
        // A write past the file-size limit (`ulimit -f`) then fails with EFBIG, which the
        // writers report as an error, instead of killing the process mid-write.
        signal(SIGXFSZ, SIG_IGN)
        main(nil)
    }
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
