using System.Diagnostics;
using System.Globalization;
using Spinodoid.Microstructure;
using Spinodoid.Transport;

namespace Spinodoid.Benchmarks;

/// <summary>
/// Where the time of one sub-voxel label goes (issue #11's speed): generation with the continuous geometry, then per
/// direction the problem set-up (apertures permuted, percolation, diagonal), the multigrid set-up, one V-cycle, one
/// operator application and the whole PCG solve. Medians over seeds; compare with the voxel solve of the same structure.
/// </summary>
public static class SubvoxelProfile
{
    private static readonly SpinodoidParameters Design = new(0.07246, 0.106684, 0.189774, 0.672009);

    public static int Run(string[] args)
    {
        int n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 128;
        int seeds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        var theta = args.Length > 2 ? SpinodoidParameters.Parse(args[2]) : Design;
        var options = new DiffusivityOptions(Discretization: Discretization.Subvoxel).Validated();
        var rows = new List<double[]>();
        Console.WriteLine($"θ = {theta}, N = {n}, seeds 1–{seeds}, {Environment.ProcessorCount} cores; seconds");
        for (int seed = 0; seed <= seeds; seed++)
        {
            // Seed 0 warms up (JIT, buffer pool) and is not counted.
            var watch = Stopwatch.StartNew();
            var structure = SpinodoidGenerator.GenerateContinuous(theta, (ulong)seed, n);
            double generate = watch.Elapsed.TotalSeconds;
            double setup = 0, multigrid = 0, cycle = 0, apply = 0, solve = 0, iterations = 0;
            foreach (var axis in new[] { Axis.X, Axis.Y, Axis.Z })
            {
                watch.Restart();
                var problem = TransportProblem.BuildSubvoxel(structure.SubvoxelApertures(true), structure.Pore, axis, options);
                setup += watch.Elapsed.TotalSeconds;
                var level = problem.Level;
                watch.Restart();
                var mg = new AggregationMultigrid(level, options.CoarseCorrectionScale, options.FineSmoothingSweeps, options.SmoothingSweeps, options.CycleIndex);
                multigrid += watch.Elapsed.TotalSeconds;
                var r = new float[level.Count];
                var z = new float[level.Count];
                for (long i = 0; i < r.Length; i++) r[i] = level.IsUnknown(i) ? 1 : 0;
                watch.Restart();
                mg.Apply(r, z);
                cycle += watch.Elapsed.TotalSeconds;
                watch.Restart();
                level.ApplyDot(z, r);
                apply += watch.Elapsed.TotalSeconds;
                watch.Restart();
                var result = problem.SolvePcg(options, CancellationToken.None, (_, _, _) => { });
                solve += watch.Elapsed.TotalSeconds;
                iterations += result.Iterations;
                problem.Release();
            }
            watch.Restart();
            var voxels = new VoxelStructure(structure.Shape, structure.Pore);
            DiffusivitySolver.SolveAll(voxels, options with { Discretization = Discretization.Voxel });
            double voxel = watch.Elapsed.TotalSeconds;
            if (seed > 0) rows.Add([generate, setup, multigrid, cycle, apply, solve, iterations, voxel]);
        }
        string[] names = ["generate (continuous)", "set-up, 3 directions", "multigrid set-up (inside the solve too)", "one V-cycle ×3", "one A·p ×3", "PCG solve ×3 (incl. multigrid set-up)", "iterations, 3 directions", "voxel: all 3 directions"];
        for (int c = 0; c < names.Length; c++)
        {
            var v = rows.Select(r => r[c]).OrderBy(x => x).ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {names[c],-42} {v[v.Length / 2],8:0.000}"));
        }
        return 0;
    }
}
