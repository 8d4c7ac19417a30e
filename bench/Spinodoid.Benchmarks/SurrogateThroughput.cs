using System.Diagnostics;
using System.Globalization;
using Spinodoid.Microstructure;
using Spinodoid.Runtime;
using Spinodoid.Surrogate;

namespace Spinodoid.Benchmarks;

/// <summary>
/// Structures per second for generate + downsample + CNN prediction of η_x, η_y, η_z (untrained weights: the
/// cost does not depend on them), for the compact network alone and with a coarse-grid correction (two coarse solves
/// per structure), and for the paper network. The paper's design loop ran about 6 such evaluations per second on 128 threads.
/// </summary>
internal static class SurrogateThroughput
{
    public static int Run(string[] args)
    {
        int batch = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 8;
        int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        TorchRuntime.EnsureInitialised();
        // Any weights cost the same (and the range covers every input, so all of them pay for the polynomial).
        var identity = new SurrogateCorrection(SurrogateCorrection.DefaultDegree, [0, 0, 0, 0], [1, 1, 1, 1],
            [double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity, 0], [double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity, 1],
            new double[SurrogateCorrection.Monomials(SurrogateCorrection.DefaultDegree).Count], 0);
        foreach (var (architecture, n, correction) in new[] { (SurrogateArchitecture.Compact, 128, (SurrogateCorrection?)null),
                     (SurrogateArchitecture.Compact, 128, identity), (SurrogateArchitecture.Paper, 192, null) })
        {
            using var model = new SurrogateModel(new DiffusivityNetwork(architecture), n) { Correction = correction };
            var theta = new SpinodoidParameters(0.092, 0.135, 0.245, 0.666);
            var rates = new List<double>();
            for (int round = -1; round < rounds; round++)
            {
                var watch = Stopwatch.StartNew();
                var inputs = Enumerable.Range(0, batch).Select(i => Downsampling.SolidCounts2x(SpinodoidGenerator.Generate(theta, (ulong)(round * batch + i + 100), n))).ToList();
                double generate = watch.Elapsed.TotalSeconds;
                model.Predict(inputs);
                if (round >= 0) rates.Add(batch / watch.Elapsed.TotalSeconds);
                if (round == rounds - 1)
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{architecture.Name}{(correction is null ? "" : " + coarse-grid correction")} (N = {n}, input {architecture.InputSize}³, {model.Network.WeightCount:N0} weights, batch {batch}): " +
                        $"median {rates.Order().ElementAt(rates.Count / 2):0.00} structures/s (last round: generate {generate / batch * 1000:0} ms, " +
                        $"predict {(watch.Elapsed.TotalSeconds - generate) / batch * 1000:0} ms per structure)"));
            }
        }
        return 0;
    }
}
