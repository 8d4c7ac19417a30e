using System.Diagnostics;
using System.Globalization;
using Spinodoid.Microstructure;
using Spinodoid.Transport;

namespace Spinodoid.Benchmarks;

/// <summary>
/// The multigrid preconditioner's cycle, chosen by measurement: V-cycle (the previous default, 2 coarse sweeps)
/// against W-cycles with 2 or 1 coarse sweeps, all three directions of θ₁ structures, both discretisations.
/// Seed 0 warms up; the median over the other seeds is reported with the PCG iterations and the largest
/// relative difference of η from the first configuration.
/// </summary>
internal static class MultigridCycles
{
    private static readonly (string Name, int CycleIndex, int CoarseSweeps)[] Configurations =
    [
        ("V-cycle, 2 coarse sweeps", 1, 2),
        ("W-cycle, 2 coarse sweeps", 2, 2),
        ("W-cycle, 1 coarse sweep (default)", 2, 1),
    ];

    public static int Run(string[] args)
    {
        int n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 192;
        int seeds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 4;
        // Optional: coarse-correction scales to try with the default cycle instead of the three configurations.
        double[] scales = args.Length > 2 ? args[2].Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray() : [];
        var configurations = scales.Length == 0
            ? Configurations.Select(c => (c.Name, c.CycleIndex, c.CoarseSweeps, Scale: 1.6)).ToArray()
            : scales.Select(v => ($"W-cycle, 1 coarse sweep, scale {v}", 2, 1, Scale: v)).ToArray();
        var theta = new SpinodoidParameters(0.092, 0.135, 0.245, 0.666);
        Console.WriteLine($"θ₁ = {theta}, N = {n}, seeds 1–{seeds} (seed 0 warms up), tolerance 1e-5, {Environment.ProcessorCount} cores");
        foreach (var d in new[] { Discretization.Subvoxel, Discretization.Voxel })
        {
            var structures = Enumerable.Range(0, seeds + 1).Select(s => SpinodoidGenerator.Generate(theta, (ulong)s, n, d)).ToArray();
            double[][]? reference = null;
            foreach (var (name, cycle, sweeps, scale) in configurations)
            {
                var options = new DiffusivityOptions(Discretization: d, CycleIndex: cycle, SmoothingSweeps: sweeps, CoarseCorrectionScale: scale);
                var times = new List<double>();
                var iterations = new List<int>();
                var etas = new double[seeds + 1][];
                for (int s = 0; s <= seeds; s++)
                {
                    var watch = Stopwatch.StartNew();
                    var results = DiffusivitySolver.SolveAll(structures[s], options);
                    if (s > 0) { times.Add(watch.Elapsed.TotalSeconds); iterations.Add(results.Sum(r => r.Iterations)); }
                    etas[s] = results.Select(r => r.Diffusivity).ToArray();
                }
                reference ??= etas;
                double difference = etas.Zip(reference, (e, r) => e.Zip(r, (a, b) => Math.Abs(a - b) / b).Max()).Max();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {d,-8} {name,-34} median {Timing.Median(times),6:F2} s, iterations (3 directions) {string.Join(" ", iterations)}, max |Δη|/η {difference:0.0e0}"));
            }
        }
        return 0;
    }
}
