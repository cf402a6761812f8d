import CFuzzDriver
import Foundation

nonisolated(unsafe) private var parse: ((Data) throws -> Void)?

/// Runs libFuzzer over `body`, which parses one input: an error thrown is a rejection (what a
/// parser must do with bad input); a trap, a sanitizer report or a leak is a finding. Takes
/// libFuzzer's own flags (`-runs=N`, `-max_total_time=S`, a corpus directory).
public func fuzz(_ body: @escaping (Data) throws -> Void) -> Never {
    parse = body
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        let input = size == 0 ? Data() : Data(bytes: data!, count: size)
        _ = try? parse!(input)
        return 0
    }
    exit(status)
}
