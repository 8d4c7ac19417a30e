using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using Spinodoid.IO;
using Spinodoid.Microstructure;
using Spinodoid.Transport;

namespace Spinodoid.Benchmarks;

/// <summary>
/// The public TauFactor 500³ volume (../shared/benchmarks/taufactor-500): τ along the three axes under
/// TauFactor's conventions, against the published values, with time and peak memory.
/// </summary>
internal static class TauFactorBenchmark
{
    // Published τ (TauFactor 2) along axis 0 (pages = our z), axis 1 (rows = y), axis 2 (columns = x).
    private static readonly Dictionary<Axis, double> Published = new() { [Axis.Z] = 4.2431, [Axis.Y] = 1.1513, [Axis.X] = 1.3905 };

    public static int Run(string[] args)
    {
        string path = args.Length > 0 ? args[0] : Path.Combine("..", "shared", "benchmarks", "taufactor-500", "TF-500x500x500-1x2x6-v3.tiff.zip");
        double tolerance = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 1e-5;
        Axis[] axes = [Axis.X, Axis.Y, Axis.Z];
        string tiff = path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) ? Extract(path) : path;
        var watch = Stopwatch.StartNew();
        var structure = StructureIO.Read(tiff, new StructureReadOptions(PoreValue: 255));
        Console.WriteLine($"read {structure.Shape} in {watch.Elapsed.TotalSeconds:F1} s, porosity {structure.Porosity:F5}; " +
                          $"estimated solver memory {DiffusivitySolver.EstimatePeakBytes(structure.Shape.Count) / 1e9:F1} GB");
        var options = DiffusivityOptions.TauFactorCompatible with { Tolerance = tolerance };
        watch.Restart();
        var all = DiffusivitySolver.SolveAll(structure, options);
        double total = watch.Elapsed.TotalSeconds;
        foreach (var axis in axes)
        {
            var result = all[(int)axis];
            double published = Published[axis];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {axis}: τ = {result.TortuosityFactor:F4} (TauFactor 2: {published:F4}, difference {100 * (result.TortuosityFactor / published - 1):+0.000;-0.000;0.000} %), " +
                $"η = {result.Diffusivity:F6}, {result.Iterations} iterations, imbalance {result.FluxImbalance:E1}, {result.Seconds:F1} s"));
        }
        Console.WriteLine($"  all three directions {total:F1} s; peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1e9:F2} GB");
        return 0;
    }

    private static string Extract(string zip)
    {
        string target = Path.Combine(Path.GetTempPath(), "spinodoid-taufactor-500.tif");
        if (File.Exists(target)) return target;
        using var archive = ZipFile.OpenRead(zip);
        var entry = archive.Entries.First(e => !e.FullName.StartsWith("__MACOSX", StringComparison.Ordinal)
            && (e.FullName.EndsWith(".tif", StringComparison.OrdinalIgnoreCase) || e.FullName.EndsWith(".tiff", StringComparison.OrdinalIgnoreCase)));
        entry.ExtractToFile(target + ".part", overwrite: true);
        File.Move(target + ".part", target, overwrite: true);
        return target;
    }
}
