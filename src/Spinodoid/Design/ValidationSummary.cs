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
