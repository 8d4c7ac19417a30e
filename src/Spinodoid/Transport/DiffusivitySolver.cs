using System.Diagnostics;
using Spinodoid.Microstructure;
using Spinodoid.Runtime;

namespace Spinodoid.Transport;

/// <summary>Progress of one solve: direction, iteration, current η and its last relative change.</summary>
public readonly record struct SolverProgress(Axis Axis, int Iteration, double Diffusivity, double RelativeChange);

/// <summary>
/// Effective diffusivity η = D_eff/D of a voxel structure (paper eq. 4–7): steady diffusion on the pore
/// voxels, 7-point finite volumes (a face conducts when both voxels are pore), no flux into the solid, fixed
/// concentrations 1 at the inlet and 0 at the outlet.
/// </summary>
/// <remarks>
/// Pore clusters that do not join inlet and outlet carry no flux and are removed first; if none is left,
/// η = 0. The linear system is solved matrix-free by conjugate gradients preconditioned with an aggregation
/// multigrid V-cycle (<see cref="AggregationMultigrid"/>), in single precision with double-precision sums.
/// Convergence is judged on what is reported: the relative change of η between iterations and the balance of
/// inlet and outlet fluxes, both below <see cref="DiffusivityOptions.Tolerance"/>.
/// </remarks>
public static class DiffusivitySolver
{
    /// <summary>η along x, y and z.</summary>
    public static IReadOnlyList<DiffusivityResult> SolveAll(VoxelStructure structure, DiffusivityOptions? options = null,
        IProgress<SolverProgress>? progress = null, CancellationToken cancellation = default)
    {
        // One labelling of the pore space serves all three directions.
        var labels = RunLabels.Build(structure.Pore, structure.Shape, 1);
        return [.. new[] { Axis.X, Axis.Y, Axis.Z }.Select(a => Solve(structure, a, options, progress, cancellation, labels, keepField: false).Result)];
    }

    /// <summary>η along one axis.</summary>
    public static DiffusivityResult Solve(VoxelStructure structure, Axis axis, DiffusivityOptions? options = null,
        IProgress<SolverProgress>? progress = null, CancellationToken cancellation = default) =>
        Solve(structure, axis, options, progress, cancellation, labels: null, keepField: false).Result;

    /// <summary>η along one axis and the concentration field (structure layout; solid and dead pores NaN).</summary>
    public static (DiffusivityResult Result, float[]? Concentration) SolveWithField(VoxelStructure structure, Axis axis,
        DiffusivityOptions? options = null, IProgress<SolverProgress>? progress = null, CancellationToken cancellation = default) =>
        Solve(structure, axis, options, progress, cancellation, labels: null, keepField: true);

    private static (DiffusivityResult Result, float[]? Concentration) Solve(VoxelStructure structure, Axis axis,
        DiffusivityOptions? options, IProgress<SolverProgress>? progress, CancellationToken cancellation,
        RunLabels? labels, bool keepField)
    {
        options = (options ?? new DiffusivityOptions()).Validated();
        var watch = Stopwatch.StartNew();
        var shape = structure.Shape;
        int length = shape[axis];
        int minimum = options.Convention == BoundaryConvention.Paper ? 3 : 1;
        if (length < minimum)
            throw new ArgumentException($"the structure is {length} voxel(s) long along {axis}; the {options.Convention} convention needs at least {minimum}");
        double porosity = structure.Porosity;

        if (shape.Count >= LargeGrid) ReleaseGarbage();
        labels ??= RunLabels.Build(structure.Pore, shape, 1);
        var percolating = labels.PercolatingMask(axis, options.Sides);
        long percolatingCount = VoxelStructure.SumBytes(percolating);
        double percolatingPorosity = (double)percolatingCount / shape.Count;
        double transportLength = options.Convention == BoundaryConvention.Paper ? length - 1 : length;
        double area = (double)shape.Count / length;

        var problem = TransportProblem.Build(percolating, shape, axis, options);
        percolating = null!;
        try
        {
            if (percolatingCount == 0 || problem.Unknowns == 0)
            {
                var blocked = new DiffusivityResult(axis, 0, porosity, percolatingPorosity, 0, 0, 0, true,
                    watch.Elapsed.TotalSeconds, options.Convention, options.Sides);
                return (blocked, keepField ? problem.ConcentrationField(null, structure.Shape) : null);
            }

            var (x, iterations, change, imbalance, converged, flux) = problem.SolvePcg(options, cancellation,
                (it, q, dq) => progress?.Report(new SolverProgress(axis, it, q * transportLength / area, dq)));
            double eta = flux * transportLength / area;
            var result = new DiffusivityResult(axis, eta, porosity, percolatingPorosity, iterations, change, imbalance,
                converged, watch.Elapsed.TotalSeconds, options.Convention, options.Sides);
            var field = keepField ? problem.ConcentrationField(x, structure.Shape) : null;
            BufferPool<double>.Return(x);
            return (result, field);
        }
        finally
        {
            problem.Release();
            if (shape.Count >= LargeGrid) ReleaseGarbage();
        }
    }

    /// <summary>
    /// Large solves allocate and drop arrays of hundreds of megabytes (masks, the setup of the multigrid); a
    /// full collection at the phase boundaries keeps the peak near one solve's working set instead of letting
    /// the heap grow by several solves' worth before the collector runs on its own.
    /// </summary>
    internal static void ReleaseGarbage() => GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);

    private const long LargeGrid = 64L * 64 * 64;

    /// <summary>Approximate peak memory of one solve on a grid of <paramref name="voxels"/> voxels.</summary>
    public static long EstimatePeakBytes(long voxels) =>
        voxels * 2                                        // structure + percolating mask
        + voxels                                          // permuted mask while building
        + AggregationMultigrid.EstimateBytes(voxels)      // operator hierarchy
        + voxels * (8 + 4 * 4);                           // solution (double) and four PCG vectors (float)
}
