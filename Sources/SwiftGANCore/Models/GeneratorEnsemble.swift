import SwiftGANEngine
import SwiftGANNN

/// K generators of one family sampled as an equal mixture (`--ensemble K`, the "multiple GANs"
/// remedy for mode collapse): sample i of a batch comes from member i mod K, so every batch
/// draws the members equally often and a seed always gives the same images. Its weights are
/// the members' under `members.<k>.`, with the family's metadata and `swiftgan.ensemble` = K,
/// and `sample`, `eval` and `serve` take it as any generator (`export` takes one member's file
/// from the run's checkpoints). The latent tools work in one generator's latent space; for an
/// ensemble they use member 0's.
public final class GeneratorEnsemble: Module, SampleableGenerator {
    public let members: [any SampleableGenerator]
    /// The metadata key of the member count.
    public static let metadataKey = "swiftgan.ensemble"

    public init(_ members: [any SampleableGenerator]) {
        precondition(members.count > 1, "an ensemble needs at least two generators")
        self.members = members
        super.init()
    }

    override public func namedChildren() -> [(String, Module)] {
        members.enumerated().map { ("members.\($0.offset)", $0.element as Module) }
    }

    public var latentDimension: Int { members[0].latentDimension }
    public var classCount: Int { members[0].classCount }
    public var sampleShape: [Int] { members[0].sampleShape }
    public var imageShape: [Int]? { members[0].imageShape }
    public var latentSpace: any SampleableGenerator { members[0].latentSpace }
    public func latents(fromZ z: Tensor) -> Tensor { members[0].latents(fromZ: z) }
    public var latentSpaceName: String { members[0].latentSpaceName }
    public var zDimension: Int { members[0].zDimension }

    /// The rows of a batch of `n` that member `k` of `count` makes: k, k + count, …
    public static func rows(member k: Int, of count: Int, batch n: Int) -> [Int] { Array(stride(from: k, to: n, by: count)) }

    /// Sample i from member i mod K.
    public func generate(_ z: Tensor, labels: [Int]?) -> Tensor {
        let n = z.shape[0], k = members.count
        var parts: [Tensor] = [], order: [Int] = []
        for (index, member) in members.enumerated() {
            let rows = Self.rows(member: index, of: k, batch: n)
            guard !rows.isEmpty else { continue }
            parts.append(member.generate(z.rows(rows), labels: labels.map { all in rows.map { all[$0] } }))
            order += rows
        }
        // Row j of the concatenation is sample order[j]; put each back in its place.
        var position = [Int](repeating: 0, count: n)
        for (j, i) in order.enumerated() { position[i] = j }
        return Tensor.concat(parts, axis: 0).rows(position)
    }
}
