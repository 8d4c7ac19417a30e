using System.Diagnostics;
using System.Globalization;
using Spinodoid.Microstructure;
using Spinodoid.Surrogate;

namespace Spinodoid.Benchmarks;

/// <summary>
/// The coarse-grid correction's cost (<see cref="CoarseTransport"/>): the six coarse η of CNN inputs (N = 128, so
/// 64³ and 32³ solves), one structure at a time and all of them in parallel as <c>correct</c> and <c>evaluate</c> run
/// them; structures per second, median of rounds, at the low-porosity design θ and at θ₁.
/// </summary>
internal static class CoarseTransportTiming
{
    public static int Run(string[] args)
    {
        int count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 16;
        int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        foreach (var theta in new[] { new SpinodoidParameters(0.0403, 0.0692, 0.0596, 0.3001), new SpinodoidParameters(0.092, 0.135, 0.245, 0.666) })
        {
            var inputs = Enumerable.Range(1, count).Select(s => Downsampling.SolidCounts2x(SpinodoidGenerator.Generate(theta, (ulong)s, 128))).ToList();
            CoarseTransport.Solve(inputs.Take(2).ToList(), 64); // warm-up: JIT, buffer pool
            var serial = new List<double>();
            var parallel = new List<double>();
            for (int round = 0; round < rounds; round++)
            {
                var watch = Stopwatch.StartNew();
                foreach (var input in inputs) CoarseTransport.Solve(input, 64);
                serial.Add(watch.Elapsed.TotalSeconds / count);
                watch.Restart();
                CoarseTransport.Solve(inputs, 64);
                parallel.Add(watch.Elapsed.TotalSeconds / count);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"θ = {theta}: one at a time {Timing.Median(serial) * 1000:0.0} ms per structure, in parallel {Timing.Median(parallel) * 1000:0.0} ms " +
                $"({1 / Timing.Median(parallel):0.0} structures/s, {Environment.ProcessorCount} cores)"));
        }
        return 0;
    }
}
