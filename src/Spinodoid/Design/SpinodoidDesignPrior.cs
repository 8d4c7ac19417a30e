using Spinodoid.Microstructure;
using Spinodoid.Runtime;
using Spinodoid.Design.Abc;

namespace Spinodoid.Design;

/// <summary>
/// The spinodoid prior as an ABC prior over θ = (a_x, a_y, a_z, ε), optionally restricted to a porosity range
/// (ε is independent of the length scales in the prior, so the restriction is again uniform in ε).
/// </summary>
public sealed class SpinodoidDesignPrior : IPrior, IPolytopeSupport
{
    /// <summary>The prior restricted to porosities in [<paramref name="porosityMin"/>, <paramref name="porosityMax"/>] (null = the prior's own range).</summary>
    public SpinodoidDesignPrior(SpinodoidPrior prior, double? porosityMin = null, double? porosityMax = null)
    {
        double lo = Math.Max(prior.PorosityMin, porosityMin ?? prior.PorosityMin), hi = Math.Min(prior.PorosityMax, porosityMax ?? prior.PorosityMax);
        if (!(lo < hi))
            throw new ArgumentException($"porosity range [{porosityMin}, {porosityMax}] does not overlap the prior's [{prior.PorosityMin}, {prior.PorosityMax}]");
        Prior = (prior with { PorosityMin = lo, PorosityMax = hi }).Validated();
    }

    /// <summary>The (restricted) spinodoid prior.</summary>
    public SpinodoidPrior Prior { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> ParameterNames => SpinodoidParameters.Names;

    /// <inheritdoc />
    public double[] Sample(SeededRandom random) => Prior.Sample(random).ToVector();

    /// <inheritdoc />
    public double Density(ReadOnlySpan<double> theta) => Prior.Density(new SpinodoidParameters(theta[0], theta[1], theta[2], theta[3]));

    /// <summary>
    /// The support as linear bounds: a_i ≤ β_max·a_j for i ≠ j (largest / smallest length scale at most β_max), the mean
    /// length scale in [m_min, m_max] and ε in [ε_min, ε_max]. A β_min above 1 (a lower bound on anisotropy) is not convex
    /// and is left out; the refinement then falls back to shortening steps.
    /// </summary>
    public IReadOnlyList<LinearBound> Bounds => _bounds ??= LinearBounds(Prior);

    private IReadOnlyList<LinearBound>? _bounds;

    private static List<LinearBound> LinearBounds(SpinodoidPrior prior)
    {
        var bounds = new List<LinearBound>();
        for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
        {
            if (i == j) continue;
            var ratio = new double[4];
            ratio[i] = 1;
            ratio[j] = -prior.BetaMax;
            bounds.Add(new LinearBound(ratio, 0));
        }
        const double third = 1.0 / 3;
        bounds.Add(new LinearBound([third, third, third, 0], prior.MeanMax));
        bounds.Add(new LinearBound([-third, -third, -third, 0], -prior.MeanMin));
        bounds.Add(new LinearBound([0, 0, 0, 1], prior.PorosityMax));
        bounds.Add(new LinearBound([0, 0, 0, -1], -prior.PorosityMin));
        return bounds;
    }
}
