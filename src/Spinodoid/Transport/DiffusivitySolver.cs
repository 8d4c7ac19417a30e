using System.Diagnostics;
using Spinodoid.Microstructure;
using Spinodoid.Runtime;

namespace Spinodoid.Transport;

/// <summary>Progress of one solve: direction, iteration, current η and its last relative change.</summary>
public readonly record struct SolverProgress(Axis Axis, int Iteration, double Diffusivity, double RelativeChange);

/// <summary>
/// Effective diffusivity η = D_eff/D of a structure (paper eq. 4–7): steady diffusion in the pore space,
/// 7-point finite volumes, no flux into the solid, fixed concentrations 1 at the inlet and 0 at the outlet.
/// A face conducts when both voxels are pore (<see cref="Discretization.Voxel"/>), or in proportion to its
/// pore fraction on the continuous structure (<see cref="Discretization.Subvoxel"/>).
/// </summary>
/// <remarks>
/// Pore clusters that do not join inlet and outlet carry no flux and are removed first; if none is left,
/// η = 0. The linear system is solved matrix-free by conjugate gradients preconditioned with an aggregation
/// multigrid W-cycle (<see cref="AggregationMultigrid"/>), in single precision with double-precision sums.
/// η is the dissipation Σ g (Δc)² of the iterate (equal to the flux for the exact solution, and above it by the
/// squared energy-norm error otherwise, so twice as many digits as the inlet or outlet flux of the same iterate);
/// the solve stops when its fall has settled to <see cref="DiffusivityOptions.Tolerance"/>, checked on the true
/// residual.
/// </remarks>
public static class DiffusivitySolver
{
    /// <summary>η along x, y and z.</summary>
    public static IReadOnlyList<DiffusivityResult> SolveAll(VoxelStructure structure, DiffusivityOptions? options = null,
        IProgress<SolverProgress>? progress = null, CancellationToken cancellation = default)
    {
        // One labelling of the pore space serves all three voxel solves, one coarse structure all three extrapolations.
        var labels = DiscretizationFor(structure, options) == Discretization.Voxel ? RunLabels.Build(structure.Pore, structure.Shape, 1) : null;
        var coarse = CoarseFor(structure, options);
        return [.. new[] { Axis.X, Axis.Y, Axis.Z }.Select(a =>
            ToContinuum(structure, Solve(structure, a, options, progress, cancellation, labels, keepField: false).Result, coarse, options, cancellation))];
    }

    /// <summary>η along one axis.</summary>
    public static DiffusivityResult Solve(VoxelStructure structure, Axis axis, DiffusivityOptions? options = null,
        IProgress<SolverProgress>? progress = null, CancellationToken cancellation = default) =>
        ToContinuum(structure, Solve(structure, axis, options, progress, cancellation, labels: null, keepField: false).Result,
            CoarseFor(structure, options), options, cancellation);

    /// <summary>
    /// η along one axis and the concentration field (structure layout; solid and dead pores NaN). With
    /// <see cref="DiffusivityOptions.Extrapolate"/>, η is the continuum estimate and the field that of the solve at N.
    /// </summary>
    public static (DiffusivityResult Result, float[]? Concentration) SolveWithField(VoxelStructure structure, Axis axis,
        DiffusivityOptions? options = null, IProgress<SolverProgress>? progress = null, CancellationToken cancellation = default)
    {
        var (result, field) = Solve(structure, axis, options, progress, cancellation, labels: null, keepField: true);
        return (ToContinuum(structure, result, CoarseFor(structure, options), options, cancellation), field);
    }

    /// <summary>
    /// The structure again at the coarse size when the options ask for extrapolation (before the first solve, so a
    /// structure that cannot be made again fails at once); null otherwise.
    /// </summary>
    private static VoxelStructure? CoarseFor(VoxelStructure structure, DiffusivityOptions? options)
    {
        if (options?.Extrapolate != true) return null;
        if (DiscretizationFor(structure, options) != Discretization.Subvoxel)
            throw new ArgumentException("extrapolation to the continuum assumes the sub-voxel discretisation's second-order convergence; " +
                                        "the voxel staircase converges at first order: use --discretization subvoxel");
        return ContinuumExtrapolation.CoarseStructure(structure);
    }

    private static DiffusivityResult ToContinuum(VoxelStructure structure, DiffusivityResult fine, VoxelStructure? coarseStructure,
        DiffusivityOptions? options, CancellationToken cancellation)
    {
        if (coarseStructure is null) return fine;
        var coarseResult = Solve(coarseStructure, fine.Axis, options! with { Extrapolate = false }, null, cancellation, labels: null, keepField: false).Result;
        int size = structure.Shape.Nx, coarseSize = coarseStructure.Shape.Nx;
        return fine with
        {
            Diffusivity = ContinuumExtrapolation.Extrapolate(fine.Diffusivity, size, coarseResult.Diffusivity, coarseSize),
            Seconds = fine.Seconds + coarseResult.Seconds,
            Converged = fine.Converged && coarseResult.Converged,
            Continuum = new ContinuumEstimate(size, fine.Diffusivity, coarseSize, coarseResult.Diffusivity),
        };
    }

    /// <summary>
    /// The discretisation a solve of <paramref name="structure"/> with <paramref name="options"/> uses: the
    /// one asked for, or (none asked) sub-voxel where the structure carries its continuous geometry.
    /// </summary>
    public static Discretization DiscretizationFor(VoxelStructure structure, DiffusivityOptions? options)
    {
        var asked = options?.Discretization;
        bool continuous = structure.Apertures is not null || structure.LevelSet is not null;
        if (asked == Discretization.Subvoxel && !continuous)
            throw new ArgumentException("the sub-voxel discretisation needs the continuous structure (a generated structure, " +
                                        "or a float image read as a level set); this one is binary: use the voxel discretisation");
        return asked ?? (continuous ? Discretization.Subvoxel : Discretization.Voxel);
    }

    private static (DiffusivityResult Result, float[]? Concentration) Solve(VoxelStructure structure, Axis axis,
        DiffusivityOptions? options, IProgress<SolverProgress>? progress, CancellationToken cancellation,
        RunLabels? labels, bool keepField)
    {
        options = (options ?? new DiffusivityOptions()).Validated();
        var discretization = DiscretizationFor(structure, options);
        var watch = Stopwatch.StartNew();
        var shape = structure.Shape;
        int length = shape[axis];
        var convention = options.Convention;
        if (length < convention.MinimumLength())
            throw new ArgumentException($"the structure is {length} voxel(s) long along {axis}; the {convention} convention needs at least {convention.MinimumLength()}");
        double porosity = structure.Porosity;

        if (shape.Count >= LargeGrid) ReleaseGarbage();
        MemoryBudget.Require(EstimatePeakBytes(shape.Count, discretization), $"the {discretization.ToString().ToLowerInvariant()} solve of a {shape} structure");
        TransportProblem problem;
        if (discretization == Discretization.Voxel)
        {
            labels ??= RunLabels.Build(structure.Pore, shape, 1);
            problem = TransportProblem.BuildVoxel(labels.PercolatingMask(axis, options.Sides), shape, axis, options);
        }
        else
        {
            var apertures = structure.SubvoxelApertures(options.Sides == LateralBoundary.Periodic);
            problem = TransportProblem.BuildSubvoxel(apertures, structure.Pore, axis, options);
        }
        double percolatingPorosity = (double)problem.PercolatingPores / shape.Count;
        double transportLength = convention.TransportLength(length);
        double area = (double)shape.Count / length;
        DiffusivityResult Result(double eta, int iterations, double change, double imbalance, bool converged) =>
            new(axis, eta, porosity, percolatingPorosity, iterations, change, imbalance, converged,
                watch.Elapsed.TotalSeconds, convention, options.Sides, discretization);
        try
        {
            if (problem.Unknowns == 0)
            {
                var blocked = Result(0, 0, 0, 0, true) with { PercolatingPorosity = 0 };
                return (blocked, keepField ? problem.ConcentrationField(null, structure.Shape) : null);
            }

            var solution = problem.SolvePcg(options, cancellation,
                (it, q, dq) => progress?.Report(new SolverProgress(axis, it, q * transportLength / area, dq)));
            var result = Result(solution.Flux * transportLength / area, solution.Iterations, solution.RelativeChange,
                solution.FluxImbalance, solution.Converged);
            var field = keepField ? problem.ConcentrationField(solution.Concentration, structure.Shape) : null;
            BufferPool<double>.Return(solution.Concentration);
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
    public static long EstimatePeakBytes(long voxels, Discretization discretization = Discretization.Voxel) =>
        discretization == Discretization.Voxel
            ? voxels * 2                                  // structure + percolating mask
              + voxels                                    // permuted mask while building
              + AggregationMultigrid.EstimateBytes(voxels) // operator hierarchy
              + voxels * (8 + 4 * 4)                      // solution (double) and four PCG vectors (float)
            : voxels * (1 + 4 + 12)                       // structure, level set, apertures
              + voxels * (5 * 4 + 4)                      // fine conductances, diagonal, inverse, residual scratch
              + voxels * 4 / 7 * 5                        // coarse levels (conductance form, 1/8 per level)
              + voxels * (8 + 4 * 4);                     // solution (double) and four PCG vectors (float)
}
