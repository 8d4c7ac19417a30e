using System.Diagnostics;
using System.Globalization;
using Spinodoid.Microstructure;
using Spinodoid.Transport;

namespace Spinodoid.Benchmarks;

/// <summary>
/// What the PCG stopping tolerance buys: for each tolerance, the median time and iterations of all three directions and
/// the largest relative error of η against a solve to 1e-8 (both discretisations, seeds 1–S, seed 0 warms up). The
/// solver stops when the dissipation estimate of η has fallen by less than the tolerance (relative) over its last three iterations.
/// </summary>
internal static class ToleranceStudy
{
    public static int Run(string[] args)
    {
        int n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 128;
        int seeds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        var theta = args.Length > 2 ? SpinodoidParameters.Parse(args[2]) : new SpinodoidParameters(0.0378, 0.0657, 0.0562, 0.30);
        // Configurations: "/"-separated, each "key=value,…" over tol, cycle, fine, coarse, scale (defaults otherwise).
        string[] configurations = (args.Length > 3 ? args[3] : "tol=1e-5/tol=3e-5/tol=1e-4/tol=3e-4").Split('/');
        Console.WriteLine($"θ = {theta}, N = {n}, seeds 1–{seeds} (seed 0 warms up), {Environment.ProcessorCount} cores; error against tolerance 1e-8");
        foreach (var d in new[] { Discretization.Subvoxel, Discretization.Voxel })
        {
            var structures = Enumerable.Range(0, seeds + 1).Select(s => SpinodoidGenerator.Generate(theta, (ulong)s, n, d)).ToArray();
            var reference = structures.Select(s => DiffusivitySolver.SolveAll(s, new DiffusivityOptions(Discretization: d, Tolerance: 1e-8, MaxIterations: 2000))
                .Select(r => r.Diffusivity).ToArray()).ToArray();
            foreach (string configuration in configurations)
            {
                var options = Configure(new DiffusivityOptions(Discretization: d), configuration);
                var times = new List<double>();
                var iterations = new List<int>();
                double error = 0, imbalance = 0;
                for (int s = 0; s <= seeds; s++)
                {
                    var watch = Stopwatch.StartNew();
                    var results = DiffusivitySolver.SolveAll(structures[s], options);
                    if (s == 0) continue;
                    times.Add(watch.Elapsed.TotalSeconds);
                    iterations.Add(results.Sum(r => r.Iterations));
                    imbalance = Math.Max(imbalance, results.Max(r => r.FluxImbalance));
                    for (int a = 0; a < 3; a++)
                        if (reference[s][a] > 0) error = Math.Max(error, Math.Abs(results[a].Diffusivity - reference[s][a]) / reference[s][a]);
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {d,-8} {configuration,-32}: median {Timing.Median(times),6:F2} s, iterations (3 directions) {string.Join(" ", iterations)}, max |Δη|/η {error:0.0e0}, max flux imbalance {imbalance:0.0e0}"));
            }
        }
        return 0;
    }

    private static DiffusivityOptions Configure(DiffusivityOptions options, string configuration)
    {
        foreach (var pair in configuration.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, value) = (pair.Split('=')[0], double.Parse(pair.Split('=')[1], CultureInfo.InvariantCulture));
            options = key switch
            {
                "tol" => options with { Tolerance = value },
                "cycle" => options with { CycleIndex = (int)value },
                "fine" => options with { FineSmoothingSweeps = (int)value },
                "coarse" => options with { SmoothingSweeps = (int)value },
                "scale" => options with { CoarseCorrectionScale = value },
                _ => throw new ArgumentException($"unknown setting '{key}' (tol, cycle, fine, coarse, scale)"),
            };
        }
        return options;
    }
}
