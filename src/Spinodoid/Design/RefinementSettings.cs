using Spinodoid.Microstructure;

namespace Spinodoid.Design;

/// <summary>How a design is calibrated against the solver after ABC (see <see cref="DesignRefinement"/>).</summary>
/// <param name="Rounds">Most correction steps after the first validation (0 = validate only).</param>
/// <param name="Tolerance">Stop once every targeted direction's validated mean η is within this relative error of the target.</param>
/// <param name="JacobianSeeds">Structures per finite-difference point of the surrogate Jacobian (common seeds at every point).</param>
/// <param name="StepFraction">Finite-difference step as a fraction of each parameter's posterior standard deviation.</param>
/// <param name="FirstSeed">Seed of the first Jacobian structure; validation seeds (<see cref="ValidationSeed"/>) lie far below it.</param>
/// <param name="ProjectionSteps">For an emulator design: most Gauss–Newton steps that move the posterior mean onto the emulator's target set before round 0 (0 = validate the posterior mean itself).</param>
/// <param name="AnisotropyMax">The largest anisotropy β (largest over smallest length scale) the refinement may move the
/// design to; null = the prior's (the paper's 3). Above 3 the surrogate's Jacobian extrapolates beyond its training data;
/// the solver still judges every round (<see cref="DesignRequest.RefinementPrior"/>).</param>
public sealed record RefinementSettings(int Rounds = 2, double Tolerance = 0.01, int JacobianSeeds = 64, double StepFraction = 0.5,
    ulong FirstSeed = 900_000_001, int ProjectionSteps = 10, double? AnisotropyMax = null)
{
    /// <summary>The largest <see cref="AnisotropyMax"/> accepted: a tenfold ratio of length scales already needs N ≳ 256 to resolve the smallest one.</summary>
    public const double LargestAnisotropyMax = 10;

    /// <summary>
    /// First structure seed of round <paramref name="round"/>'s validation: 1,000,001 + 10⁶·round, so every round gets
    /// fresh structures, round 0 keeps the seeds of a plain validation, and none meets the Jacobian's seeds.
    /// </summary>
    public ulong ValidationSeed(int round) => 1_000_001 + 1_000_000 * (ulong)round;

    /// <summary>Throws on out-of-range settings, naming the value and the allowed range.</summary>
    public RefinementSettings Validated()
    {
        if (Rounds is < 0 or > 10) throw new ArgumentException($"refinement rounds {Rounds} must be in 0..10");
        if (!(Tolerance > 0 && Tolerance < 1)) throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"refinement tolerance {100 * Tolerance:G6} % must be in (0, 100) %"));
        if (FirstSeed < ValidationSeed(Rounds + 1)) throw new ArgumentException($"Jacobian seed {FirstSeed} must be at least {ValidationSeed(Rounds + 1)} (above the validation seeds)");
        if (ProjectionSteps is < 0 or > 50) throw new ArgumentException($"projection steps {ProjectionSteps} must be in 0..50");
        if (AnisotropyMax is double beta && !(beta >= SpinodoidPrior.Paper.BetaMax && beta <= LargestAnisotropyMax))
            throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"refinement anisotropy bound {beta:G6} must be in {SpinodoidPrior.Paper.BetaMax:G3}..{LargestAnisotropyMax:G3} (largest over smallest length scale; the paper's prior has {SpinodoidPrior.Paper.BetaMax:G3})"));
        if (JacobianSeeds < 2) throw new ArgumentException($"Jacobian structures per point {JacobianSeeds} must be at least 2");
        if (!(StepFraction > 0 && StepFraction <= 2)) throw new ArgumentException($"finite-difference step {StepFraction} must be in (0, 2] posterior standard deviations");
        return this;
    }
}
