using Spinodoid.Microstructure;
using Spinodoid.Surrogate;
using Spinodoid.Transport;

namespace Spinodoid.Design;

/// <summary>Validation of designs with the solver, and upscaling (paper, "Case study" and "Upscaling").</summary>
public static class DesignValidation
{
    /// <summary>
    /// The discretisation designs are checked with unless told otherwise: sub-voxel, the η of the continuous structure
    /// the generator defines (the voxel staircase is 3.5–6 % below it at N = 128; see docs/solver.md).
    /// </summary>
    public const Discretization DefaultDiscretization = Discretization.Subvoxel;

    /// <summary>
    /// The solver's stopping tolerance for checks (validation, refinement, upscaling) unless told otherwise: η is then
    /// within 6·10⁻⁵ of a converged solve (measured at porosity 0.30, N = 128, where it is hardest, 12 solves; 10⁻⁶
    /// at porosity 0.67; docs/solver.md), under a hundredth of the seed scatter of a 20-structure mean, and the solve
    /// takes 20 % fewer iterations there than at 10⁻⁴ and 45 % fewer than at the labels' 10⁻⁵.
    /// </summary>
    public const double CheckTolerance = 1e-3;

    /// <summary>
    /// The solver options of a check: <paramref name="options"/> with the discretisation filled in; without options,
    /// <see cref="DefaultDiscretization"/> and <see cref="CheckTolerance"/>.
    /// </summary>
    public static DiffusivityOptions SolverOptions(DiffusivityOptions? options) =>
        (options ?? new DiffusivityOptions(Tolerance: CheckTolerance)) with { Discretization = options?.Discretization ?? DefaultDiscretization };

    /// <summary>Largest N whose structures <see cref="Validate"/> solves several at a time (one per core).</summary>
    public const int ConcurrentSizeLimit = 192;

    /// <summary>
    /// <paramref name="count"/> structures at θ (seeds <paramref name="firstSeed"/>, +1, …) of size <paramref name="size"/>:
    /// η by the solver (<see cref="DefaultDiscretization"/> unless <paramref name="options"/> say otherwise) and, when
    /// <paramref name="model"/> is given (and of that size), by the CNN.
    /// </summary>
    public static ValidationSummary Validate(SpinodoidParameters theta, int count, int size, SurrogateModel? model = null,
        ulong firstSeed = 1, DiffusivityOptions? options = null, IProgress<int>? progress = null, CancellationToken cancellation = default)
    {
        theta.Validated();
        SpinodoidGenerator.ValidateSize(size);
        if (count < 1) throw new ArgumentException($"count {count} must be at least 1");
        if (model is not null && model.StructureSize != size)
            throw new ArgumentException($"the model predicts N = {model.StructureSize} structures; validate at --size {model.StructureSize} or without the CNN");
        options = SolverOptions(options);
        var discretization = options.Discretization!.Value;
        var samples = new ValidationSample[count];
        int done = 0;
        var network = new object();
        // Small structures are solved side by side (at most 8): the solver's own parallel loops keep only part of the
        // cores busy at N = 128 (two at a time on 2 cores: 1.4 times the throughput), and each η is the same either way
        // (its reductions run in a fixed order). Large ones (upscaling) go one at a time, for memory.
        int concurrent = size <= ConcurrentSizeLimit ? Math.Clamp(Math.Min(count, Environment.ProcessorCount), 1, 8) : 1;
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = concurrent, CancellationToken = cancellation }, k =>
        {
            ulong seed = firstSeed + (ulong)k;
            var structure = SpinodoidGenerator.Generate(theta, seed, size, discretization);
            var solver = DiffusivitySolver.SolveAll(structure, options, cancellation: cancellation).Select(r => r.Diffusivity).ToArray();
            double[]? cnn = null;
            if (model is not null)
            {
                var pores = Connectivity.OfPhase(structure.Pore, structure.Shape, 1, options.Sides);
                // One network pass at a time: a libtorch module is not shared across threads here.
                lock (network) cnn = SurrogateSimulator.ZeroWhereBlocked(model.Predict(structure), pores);
            }
            samples[k] = new ValidationSample(seed, solver, cnn);
            lock (samples) progress?.Report(++done);
        });
        return new ValidationSummary(theta, size, samples) { Discretization = discretization, SolverTolerance = options.Tolerance, ExtrapolatedToContinuum = options.Extrapolate };
    }

    /// <summary>
    /// The paper's upscaling: length scales divided by <paramref name="factor"/> on a grid <paramref name="factor"/>
    /// times larger (same physical structure statistics, finer resolution relative to the domain), η by the solver.
    /// </summary>
    public static ValidationSummary Upscale(SpinodoidParameters theta, int factor, int count, int size,
        ulong firstSeed = 1, DiffusivityOptions? options = null, IProgress<int>? progress = null, CancellationToken cancellation = default)
    {
        if (factor < 1) throw new ArgumentException($"factor {factor} must be at least 1");
        var scaled = theta with { LengthScales = theta.LengthScales.DividedBy(factor) };
        return Validate(scaled, count, size * factor, null, firstSeed, options, progress, cancellation);
    }
}
