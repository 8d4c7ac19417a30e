using System.Globalization;
using Spinodoid.Microstructure;
using Spinodoid.Surrogate;
using Spinodoid.Transport;

namespace Spinodoid.Design;

/// <summary>
/// A target diffusivity η* = (η_x, η_y, η_z); a null component is free (not part of the distance).
/// </summary>
public sealed record DiffusivityTarget(double? X, double? Y, double? Z)
{
    /// <summary>The components as an array (null = free).</summary>
    public double?[] Components => [X, Y, Z];

    /// <summary>Parses "0.40,0.50,0.60"; "-" or "*" leaves a direction free.</summary>
    public static DiffusivityTarget Parse(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 3) throw new ArgumentException($"target '{text}' must have three comma-separated values η_x,η_y,η_z (use - for a free direction)");
        var values = parts.Select(p => p is "-" or "*" or "" ? (double?)null
            : double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
            : throw new ArgumentException($"target value '{p}' is not a number (use - for a free direction)")).ToArray();
        return new DiffusivityTarget(values[0], values[1], values[2]).Validated();
    }

    /// <summary>Throws unless every given component is in (0, 1) and at least one is given.</summary>
    public DiffusivityTarget Validated()
    {
        if (Components.All(c => c is null)) throw new ArgumentException("the target leaves every direction free; give at least one η");
        foreach (var c in Components)
            if (c is double v && !(v > 0 && v < 1)) throw new ArgumentException($"target η = {v} must be in (0, 1)");
        return this;
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Join(",", Components.Select(c => c is double v ? v.ToString("G4", CultureInfo.InvariantCulture) : "-"));
}

/// <summary>The paper's discrepancy (eq. 10): mean absolute relative error over the targeted directions.</summary>
public sealed class MeanAbsolutePercentageDistance(DiffusivityTarget target) : IDistance
{
    private readonly double?[] _target = target.Validated().Components;

    /// <inheritdoc />
    public double Measure(ReadOnlySpan<double> eta)
    {
        double sum = 0;
        int count = 0;
        for (int i = 0; i < 3; i++)
        {
            if (_target[i] is not double t) continue;
            sum += Math.Abs(eta[i] - t) / t;
            count++;
        }
        return sum / count;
    }
}

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
    public IReadOnlyList<string> ParameterNames => InverseDesign.ParameterNames;

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

/// <summary>
/// η from the CNN surrogate: structures generated at the model's size in parallel, the pore phase checked for
/// inlet→outlet connectivity per direction (η = 0 where it does not percolate, as in the paper), one network pass per batch.
/// </summary>
public sealed class SurrogateSimulator(SurrogateModel model, LateralBoundary sides = LateralBoundary.Periodic, int? workers = null) : ISimulator
{
    /// <inheritdoc />
    public IReadOnlyList<double[]> Simulate(IReadOnlyList<Proposal> proposals, CancellationToken cancellation = default)
    {
        int n = model.StructureSize;
        var inputs = new byte[proposals.Count][];
        var percolates = new PhaseConnectivity[proposals.Count];
        Parallel.For(0, proposals.Count, new ParallelOptions { MaxDegreeOfParallelism = workers ?? Environment.ProcessorCount, CancellationToken = cancellation }, i =>
        {
            var structure = SpinodoidGenerator.Generate(SpinodoidParameters.FromVector(proposals[i].Theta), proposals[i].Seed, n);
            percolates[i] = Connectivity.OfPhase(structure.Pore, structure.Shape, 1, sides);
            inputs[i] = Downsampling.SolidCounts2x(structure);
        });
        var eta = model.Predict(inputs);
        return eta.Select((e, i) => ZeroWhereBlocked(e, percolates[i])).ToArray();
    }

    /// <summary>CNN η with 0 in each direction where the pore phase does not join inlet and outlet (the paper's rule).</summary>
    public static double[] ZeroWhereBlocked((double X, double Y, double Z) eta, PhaseConnectivity pores) =>
        [pores.X ? eta.X : 0, pores.Y ? eta.Y : 0, pores.Z ? eta.Z : 0];
}

/// <summary>η from the numerical solver at size <paramref name="size"/> (exact for the voxel structure; slow).</summary>
public sealed class SolverSimulator(int size, DiffusivityOptions? options = null) : ISimulator
{
    /// <inheritdoc />
    public IReadOnlyList<double[]> Simulate(IReadOnlyList<Proposal> proposals, CancellationToken cancellation = default)
    {
        // The solver is parallel inside, so structures go one after another.
        var results = new double[proposals.Count][];
        for (int i = 0; i < proposals.Count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var structure = SpinodoidGenerator.Generate(SpinodoidParameters.FromVector(proposals[i].Theta), proposals[i].Seed, size,
                options?.Discretization ?? Discretization.Voxel);
            results[i] = DiffusivitySolver.SolveAll(structure, options, cancellation: cancellation).Select(r => r.Diffusivity).ToArray();
        }
        return results;
    }
}
