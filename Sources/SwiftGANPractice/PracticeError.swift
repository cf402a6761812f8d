/// A one-line error of the practice lab.
public struct PracticeError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
