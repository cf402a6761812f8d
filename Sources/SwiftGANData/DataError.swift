/// A data file that is missing, truncated or corrupt, named with the problem in one line.
public struct DataError: Error, CustomStringConvertible {
    public let path: String
    public let problem: String

    public init(path: String, _ problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(path): \(problem)" }
}
