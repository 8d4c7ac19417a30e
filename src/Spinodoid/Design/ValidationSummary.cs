using Spinodoid.Microstructure;
using Spinodoid.Surrogate;
using Spinodoid.Transport;

namespace Spinodoid.Design;

/// <summary>One validated structure: its seed, the solver's η and (when a model is given) the CNN's η.</summary>
public sealed record ValidationSample(ulong Seed, double[] Solver, double[]? Surrogate);

/// <summary>Structures at one θ with fresh seeds, η by the solver and the CNN (the paper's Figures 8–9).</summary>
/// <param name="Theta">Parameters.</param>
/// <param name="Size">N of the structures.</param>
/// <param name="Samples">One entry per structure.</param>
public sealed record ValidationSummary(SpinodoidParameters Theta, int Size, IReadOnlyList<ValidationSample> Samples)
{
    /// <summary>How the solver discretised the structures (voxel staircase or sub-voxel).</summary>
    public Discretization Discretization { get; init; } = Discretization.Voxel;

    /// <summary>The solver's stopping tolerance (relative accuracy of each η); null where not recorded (older files).</summary>
    public double? SolverTolerance { get; init; }

    /// <summary>Whether each solver η is the continuum estimate (<see cref="ContinuumExtrapolation"/>) rather than one solve at <see cref="Size"/>.</summary>
    public bool ExtrapolatedToContinuum { get; init; }

    /// <summary>Mean solver η per direction.</summary>
    public double[] SolverMean => Mean(Samples.Select(s => s.Solver));

    /// <summary>Standard deviation of the solver η per direction.</summary>
    public double[] SolverStd => Std(Samples.Select(s => s.Solver));

    /// <summary>Mean CNN η per direction (null without a model).</summary>
    public double[]? SurrogateMean => Samples.All(s => s.Surrogate is not null) && Samples.Count > 0 ? Mean(Samples.Select(s => s.Surrogate!)) : null;

    /// <summary>Standard deviation of the CNN η per direction (null without a model).</summary>
    public double[]? SurrogateStd => Samples.All(s => s.Surrogate is not null) && Samples.Count > 0 ? Std(Samples.Select(s => s.Surrogate!)) : null;

    /// <summary>Relative deviation of the mean solver η from a target, per direction (null where the target is free).</summary>
    public double?[] RelativeError(DiffusivityTarget target)
    {
        var mean = SolverMean;
        return target.Components.Select((t, i) => t is double v ? (mean[i] - v) / v : (double?)null).ToArray();
    }

    /// <summary>
    /// Joins validations of one θ made in parts (e.g. one structure per cluster task) into one, samples ordered by
    /// seed: the same summary a single run over all the seeds gives. Parts must agree on θ, N, discretisation,
    /// solver tolerance and extrapolation, and no seed may appear twice.
    /// </summary>
    public static ValidationSummary Merge(IReadOnlyList<ValidationSummary> parts)
    {
        if (parts.Count == 0) throw new ArgumentException("no validation parts to merge");
        var first = parts[0];
        foreach (var part in parts.Skip(1))
        {
            if (part.Theta != first.Theta || part.Size != first.Size || part.Discretization != first.Discretization || part.SolverTolerance != first.SolverTolerance
                || part.ExtrapolatedToContinuum != first.ExtrapolatedToContinuum)
                throw new ArgumentException($"validation parts differ: θ = {first.Theta}, N = {first.Size}, {first.Discretization}, solver tolerance {Describe(first.SolverTolerance)}{(first.ExtrapolatedToContinuum ? ", extrapolated to the continuum" : "")} " +
                                            $"and θ = {part.Theta}, N = {part.Size}, {part.Discretization}, solver tolerance {Describe(part.SolverTolerance)}{(part.ExtrapolatedToContinuum ? ", extrapolated to the continuum" : "")}");
            if ((part.SurrogateMean is null) != (first.SurrogateMean is null))
                throw new ArgumentException("validation parts differ: some hold CNN predictions and some do not");
        }
        var samples = parts.SelectMany(p => p.Samples).OrderBy(s => s.Seed).ToList();
        for (int i = 1; i < samples.Count; i++)
            if (samples[i].Seed == samples[i - 1].Seed) throw new ArgumentException($"seed {samples[i].Seed} is in two validation parts");
        return new ValidationSummary(first.Theta, first.Size, samples) { Discretization = first.Discretization, SolverTolerance = first.SolverTolerance, ExtrapolatedToContinuum = first.ExtrapolatedToContinuum };
    }

    private static string Describe(double? tolerance) =>
        tolerance?.ToString("G3", System.Globalization.CultureInfo.InvariantCulture) ?? "unrecorded";

    private static double[] Mean(IEnumerable<double[]> rows)
    {
        var list = rows.ToList();
        return Enumerable.Range(0, 3).Select(d => list.Average(r => r[d])).ToArray();
    }

    private static double[] Std(IEnumerable<double[]> rows)
    {
        var list = rows.ToList();
        return Enumerable.Range(0, 3).Select(d =>
        {
            double m = list.Average(r => r[d]);
            return list.Count > 1 ? Math.Sqrt(list.Sum(r => (r[d] - m) * (r[d] - m)) / (list.Count - 1)) : 0;
        }).ToArray();
    }
}
