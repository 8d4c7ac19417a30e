using System.Diagnostics;
using System.Globalization;
using Spinodoid.Microstructure;
using Spinodoid.Transport;

namespace Spinodoid.Benchmarks;

/// <summary>The solver benchmark: η along x, y, z of θ₁ structures at N = 192 (paper: 12.7 h of one core).</summary>
internal static class DiffusivityTiming
{
    private static readonly SpinodoidParameters Theta1 = new(0.092, 0.135, 0.245, 0.666);

    public static int Run(string[] args)
    {
        int n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 192;
        int seeds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        double tolerance = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 1e-5;
        var discretization = args.Length > 3 ? Enum.Parse<Discretization>(args[3], ignoreCase: true) : Discretization.Subvoxel;
        var theta = args.Length > 4 ? SpinodoidParameters.Parse(args[4]) : Theta1;
        var options = new DiffusivityOptions(Tolerance: tolerance, Discretization: discretization);
        Console.WriteLine($"θ = {theta}, N = {n}, {seeds} seeds, paper convention, periodic sides, tolerance {tolerance:G2}, {discretization} discretisation");
        var totals = new List<double>();
        var etas = new List<double[]>();
        for (int seed = 0; seed < seeds; seed++)
        {
            var generation = Stopwatch.StartNew();
            var structure = discretization == Discretization.Voxel
                ? SpinodoidGenerator.Generate(theta, (ulong)seed, n)
                : SpinodoidGenerator.GenerateContinuous(theta, (ulong)seed, n);
            Console.WriteLine($"  generated in {generation.Elapsed.TotalSeconds:F2} s");
            var watch = Stopwatch.StartNew();
            var results = DiffusivitySolver.SolveAll(structure, options);
            double seconds = watch.Elapsed.TotalSeconds;
            totals.Add(seconds);
            etas.Add(results.Select(r => r.Diffusivity).ToArray());
            Console.WriteLine($"  seed {seed}: η = ({string.Join(", ", results.Select(r => r.Diffusivity.ToString("F4", CultureInfo.InvariantCulture)))}), " +
                              $"iterations ({string.Join(", ", results.Select(r => r.Iterations))}), {seconds:F2} s");
        }
        totals.Sort();
        var mean = Enumerable.Range(0, 3).Select(d => etas.Average(e => e[d])).ToArray();
        Console.WriteLine($"  mean η = ({string.Join(", ", mean.Select(v => v.ToString("F4", CultureInfo.InvariantCulture)))}); " +
                          $"median time for all three directions {totals[totals.Count / 2]:F2} s");
        var std = Enumerable.Range(0, 3).Select(d => Math.Sqrt(etas.Sum(e => (e[d] - mean[d]) * (e[d] - mean[d])) / Math.Max(1, etas.Count - 1) / etas.Count)).ToArray();
        Console.WriteLine($"  standard error of the mean ({string.Join(", ", std.Select(v => v.ToString("F4", CultureInfo.InvariantCulture)))})");
        return 0;
    }
}
