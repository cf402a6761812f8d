import SwiftGANEngine
import SwiftGANNN

/// K generators of one family sampled as an equal mixture (`--ensemble K`, the "multiple GANs"
/// remedy for mode collapse): each latent picks its member by a hash of its values, so the
/// members are drawn equally often on average and a latent (a seed) always gives the same image,
/// however the samples are batched. Its weights are
/// the members' under `members.<k>.`, with the family's metadata and `swiftgan.ensemble` = K,
/// and `sample`, `eval` and `serve` take it as any generator (`export` takes one member's file
/// from the run's checkpoints). The latent tools work in one generator's latent space; for an
/// ensemble they use member 0's.
public final class GeneratorEnsemble: Module, SampleableGenerator {
    public let members: [any SampleableGenerator]
    /// The metadata key of the member count.
    public static let metadataKey = "swiftgan.ensemble"
    /// The most members an ensemble may have (`--ensemble`, and a file's member count).
    public static let maximumMembers = 16

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

    /// The member (of `count`) that makes each row of latents `z` ([n, …]): FNV-1a of the row's
    /// float bits, mod `count`.
    public static func members(for z: Tensor, count: Int) -> [Int] {
        let n = z.shape[0], width = n == 0 ? 0 : z.count / n
        let values = z.scalars
        return (0..<n).map { row in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for v in values[(row * width)..<((row + 1) * width)] { hash = (hash ^ UInt64(v.bitPattern)) &* 0x100_0000_01b3 }
            return Int(hash % UInt64(count))
        }
    }

    /// Each sample from the member its latent picks.
    public func generate(_ z: Tensor, labels: [Int]?) -> Tensor {
        let n = z.shape[0]
        let owner = Self.members(for: z, count: members.count)
        var parts: [Tensor] = [], order: [Int] = []
        for (index, member) in members.enumerated() {
            let rows = (0..<n).filter { owner[$0] == index }
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
