import ArgumentParser
import SwiftGAN

extension NoiseMode: ExpressibleByArgument {}

/// `--truncation` and `--noise`: the sampling controls of style-based generators (StyleGAN),
/// refused in one line for other models.
struct StyleOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp("StyleGAN: truncation ψ, pulling w towards its average (1: none; 0.7 is common).", valueName: "psi"))
    var truncation: Float?
    @Option(help: ArgumentHelp("StyleGAN: per-pixel noise: const (each layer's stored noise, so a seed always gives the same image), random, or none.", valueName: "mode"))
    var noise: NoiseMode?

    func validate() throws {
        if let truncation, !truncation.isFinite { throw ValidationErrorLine(message: "--truncation must be a finite number, got \(truncation)") }
    }

    /// Whether either control was given.
    var isSet: Bool { truncation != nil || noise != nil }

    /// Sets the controls on `generator` (on every member of an ensemble); random noise draws
    /// from `seed` (member k's from `seed + k`). Throws for a generator without them.
    func apply(to generator: any SampleableGenerator, family: ModelFamily, seed: UInt64) throws {
        guard isSet else { return }
        let targets = (generator as? GeneratorEnsemble)?.members ?? [generator]
        let styled = targets.compactMap { $0 as? any StyleBasedGenerator }
        guard styled.count == targets.count else {
            throw ValidationErrorLine(message: (truncation != nil ? "--truncation" : "--noise")
                                      + ": model \(family.name) has no mapping network or noise inputs (StyleGAN has)"
                                      + (truncation != nil ? "; its truncation trick is in how z is drawn (sample --truncate-z T)" : ""))
        }
        for (k, member) in styled.enumerated() { set(member, seed: seed &+ UInt64(k)) }
    }

    private func set<G: StyleBasedGenerator>(_ generator: G, seed: UInt64) {
        let g = generator
        if let truncation { g.truncation = truncation }
        if let noise { g.noise = SynthesisNoise(noise, generator: RandomGenerator(seed: seed &+ 0x4E015E)) }
    }

    /// Words for a picture's provenance ("ψ 0.7, noise random"), or "".
    var provenance: String {
        [truncation.map { "ψ \($0)" }, noise.map { "noise \($0.rawValue)" }].compactMap { $0 }.map { ", " + $0 }.joined()
    }
}
