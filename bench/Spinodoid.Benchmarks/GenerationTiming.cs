using System.Globalization;
using BenchmarkDotNet.Attributes;
using Spinodoid.Microstructure;
using Spinodoid.Transport;

namespace Spinodoid.Benchmarks;

/// <summary>The benchmark: generation + threshold + connectivity at 192³ (the paper: 2.6 s + 1.2 s on one core).</summary>
public class GenerationTiming
{
    private static readonly SpinodoidParameters Theta1 = new(0.092, 0.135, 0.245, 0.666);

    public static int Run(string[] args)
    {
        int n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 192;
        int repeats = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 21;
        var theta = args.Length > 2 ? SpinodoidParameters.Parse(args[2]) : Theta1;
        Console.WriteLine($"N = {n}, {Environment.ProcessorCount} cores, θ = {theta}, {repeats} repeats after 2 warm-ups");
        VoxelStructure? last = null;
        var field = Timing.Measure(repeats, i => GaussianRandomField.Generate(theta.LengthScales, (ulong)(i + 100), n));
        var generate = Timing.Measure(repeats, i => last = SpinodoidGenerator.Generate(theta, (ulong)(i + 100), n));
        var connectivity = Timing.Measure(repeats, _ => Connectivity.Analyze(last!));
        var total = Timing.Measure(repeats, i =>
        {
            var s = SpinodoidGenerator.Generate(theta, (ulong)(i + 100), n);
            Connectivity.Analyze(s);
        });
        Console.WriteLine($"  Gaussian field (FFT)              {Timing.Describe(field)}");
        Console.WriteLine($"  field + threshold                 {Timing.Describe(generate)}");
        Console.WriteLine($"  connectivity (2 phases × 3 axes)  {Timing.Describe(connectivity)}");
        Console.WriteLine($"  generate + threshold + check      {Timing.Describe(total)}");
        // The sub-voxel solver's input: the field at the voxel centres, corners and face centres, thresholded, and the
        // face apertures; then one transport problem per direction (apertures permuted, percolation, diagonal).
        var continuous = Timing.Measure(repeats, i => last = SpinodoidGenerator.GenerateContinuous(theta, (ulong)(i + 100), n));
        var options = new DiffusivityOptions(Discretization: Discretization.Subvoxel).Validated();
        var setup = Timing.Measure(repeats, _ =>
        {
            foreach (var axis in new[] { Axis.X, Axis.Y, Axis.Z })
                TransportProblem.BuildSubvoxel(last!.SubvoxelApertures(true), last.Pore, axis, options).Release();
        });
        Console.WriteLine($"  continuous geometry (sub-voxel)   {Timing.Describe(continuous)}");
        Console.WriteLine($"  sub-voxel set-up, 3 directions    {Timing.Describe(setup)}");
        return 0;
    }

    // BenchmarkDotNet entry points (bdn): the same stages at 96³ and 192³.
    [Params(96, 192)] public int N;
    private VoxelStructure _structure = null!;

    [GlobalSetup] public void Setup() => _structure = SpinodoidGenerator.Generate(Theta1, 1, N);
    [Benchmark] public VoxelStructure Generate() => SpinodoidGenerator.Generate(Theta1, 2, N);
    [Benchmark] public ConnectivityReport Check() => Connectivity.Analyze(_structure);
}
