using System.Globalization;
using Spinodoid.Geometry;
using Spinodoid.IO;
using Spinodoid.Microstructure;

namespace Spinodoid.Benchmarks;

/// <summary>
/// Export: the surface of the η₁ design's solid at several samplings — triangles, STL size, time (median), and the
/// enclosed volume against the solid fraction 1 − ε (the linear interpolant's volume error, second order).
/// </summary>
public static class SurfaceTiming
{
    private static readonly SpinodoidParameters Design = new(0.07246, 0.106684, 0.189774, 0.672009);

    public static int Run(string[] args)
    {
        var sizes = (args.Length > 0 ? args[0] : "32,64,96,128,192").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        int repeats = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        Console.WriteLine($"η₁ design θ = {Design}, seed 1, {Environment.ProcessorCount} cores, {repeats} repeats after 2 warm-ups");
        Console.WriteLine("| M | triangles | binary STL | surface (field + mesh) | volume / (1 − ε) − 1 | watertight |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (int m in sizes)
        {
            SurfaceMesh? mesh = null;
            var time = Timing.Measure(repeats, _ => mesh = StructureSurface.Spinodoid(Design, 1, m, Tiling.None));
            double error = mesh!.Volume() / (1 - Design.Porosity) - 1;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {m} | {mesh.TriangleCount:N0} | {StlFormat.BinarySize(mesh.TriangleCount) / 1e6:0.0} MB | {time.Median:0.00} s | {100 * error:+0.00;-0.00} % | {mesh.Topology().IsWatertight} |"));
        }
        return 0;
    }
}
