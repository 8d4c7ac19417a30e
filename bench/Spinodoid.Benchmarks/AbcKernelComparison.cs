using System.Diagnostics;
using System.Globalization;
using Spinodoid.Design;
using Spinodoid.Design.Abc;
using Spinodoid.Microstructure;

namespace Spinodoid.Benchmarks;

/// <summary>
/// Simulator calls needed by ABC-PMC strategies on a cheap stand-in for the design problem: the spinodoid prior
/// over θ = (a_x, a_y, a_z, ε) and η_i = logistic(c₀ + c₁ε + c₂ε² + c₃ log(a_i / ā) + c₄ log ā), a least-squares
/// fit to the bundled dataset's labels, with 1.5 % multiplicative noise per call standing in for the
/// structure-to-structure spread. Same target, population and final tolerance for every strategy.
/// </summary>
internal static class AbcKernelComparison
{
    private static readonly double[] C = [-4.1197, 7.3901, -1.1822, 1.0321, 0.14937];

    private sealed class StandIn : ISimulator
    {
        public string Name => "stand-in for the bundled CNN (fitted polynomial)";

        public IReadOnlyList<double[]> Simulate(IReadOnlyList<Proposal> proposals, CancellationToken cancellation = default) =>
            proposals.Select(p =>
            {
                var t = p.Theta;
                double mean = (t[0] + t[1] + t[2]) / 3, e = t[3];
                var eta = new double[3];
                for (int i = 0; i < 3; i++)
                {
                    var (z, _) = CounterRandom.StandardNormalPair(CounterRandom.Mix(p.Seed + (ulong)i));
                    double logit = C[0] + C[1] * e + C[2] * e * e + C[3] * Math.Log(t[i] / mean) + C[4] * Math.Log(mean);
                    eta[i] = 1 / (1 + Math.Exp(-logit)) * (1 + 0.015 * z);
                }
                return eta;
            }).ToArray();
    }

    /// <summary>The stand-in's exact η̄(θ) and covariance diag((0.015 η̄)²): what an ideal emulator of it would say.</summary>
    private sealed class StandInEmulator : Surrogate.IDiffusivityEmulator
    {
        public (double[] Mean, double[,] Covariance)[] Predict(IReadOnlyList<double[]> thetas) =>
            thetas.Select(t =>
            {
                double mean = (t[0] + t[1] + t[2]) / 3, e = t[3];
                var eta = Enumerable.Range(0, 3).Select(i => 1 / (1 + Math.Exp(-(C[0] + C[1] * e + C[2] * e * e + C[3] * Math.Log(t[i] / mean) + C[4] * Math.Log(mean))))).ToArray();
                var covariance = new double[3, 3];
                for (int i = 0; i < 3; i++) covariance[i, i] = Math.Pow(0.015 * eta[i], 2);
                return (eta, covariance);
            }).ToArray();
    }

    public static int Run(string[] args)
    {
        var target = DiffusivityTarget.Parse(args.Length > 0 ? args[0] : "0.40,0.50,0.60");
        int population = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 512;
        double final = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 0.01;
        ulong seed = args.Length > 3 ? ulong.Parse(args[3], CultureInfo.InvariantCulture) : 1;
        var prior = new SpinodoidDesignPrior(SpinodoidPrior.Paper);
        var strategies = new (string Name, ITransitionKernel Kernel, IToleranceSchedule Schedule)[]
        {
            ("paper (componentwise, 9 log-spaced)", new ComponentwiseGaussianKernel(), FixedToleranceSchedule.LogSpaced(1, final, 9)),
            ("multivariate, 9 log-spaced", new MultivariateGaussianKernel(), FixedToleranceSchedule.LogSpaced(1, final, 9)),
            ("olcm, 9 log-spaced", new LocalCovarianceKernel(), FixedToleranceSchedule.LogSpaced(1, final, 9)),
            ("multivariate, median quantile", new MultivariateGaussianKernel(), new QuantileToleranceSchedule(final, 0.5)),
            ("olcm, median quantile", new LocalCovarianceKernel(), new QuantileToleranceSchedule(final, 0.5)),
            ("olcm, 0.25 quantile", new LocalCovarianceKernel(), new QuantileToleranceSchedule(final, 0.25)),
            ("olcm, 0.1 quantile", new LocalCovarianceKernel(), new QuantileToleranceSchedule(final, 0.1)),
        };
        // ABC started from the (ideal) emulator's posterior: the first generation at a finite tolerance, proposed near it.
        var start = EmulatorPosterior.Sample(new StandInEmulator(), prior, target, final, seed).Posterior;
        var started = new[] { 1.0, 2, 5 }.Select(f => ($"olcm, 0.1 quantile, emulator start at {f:0}·final (multivariate first)", (ITransitionKernel)new LocalCovarianceKernel(),
            (IToleranceSchedule)new QuantileToleranceSchedule(final, 0.1, first: f * final), (Population?)start)).ToArray();
        Console.WriteLine($"target η = ({target}), P = {population}, final tolerance {100 * final:G3} %");
        Console.WriteLine("strategy                                      calls   generations  final ESS  calls/ESS  posterior mean θ                       seconds");
        string only = args.Length > 4 ? args[4] : "";
        foreach (var (name, kernel, schedule, initial) in strategies.Select(s => (s.Name, s.Kernel, s.Schedule, (Population?)null)).Concat(started).Where(s => s.Item1.Contains(only)))
        {
            var watch = Stopwatch.StartNew();
            var result = new AbcPmcSampler(prior, new StandIn(), new MeanAbsolutePercentageDistance(target), kernel, schedule,
                [new MaxSimulations(3_000_000)], new AbcSettings(population, Seed: seed, BatchSize: 256)) { InitialProposal = initial }.Run();
            var posterior = result.Posterior!;
            string mean = string.Join(", ", posterior.Mean().Select(v => v.ToString("0.0000", CultureInfo.InvariantCulture)));
            string stop = result.ReachedFinalTolerance ? "" : $"  [stopped: {result.StopReason}]";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-44} {result.TotalSimulations,8} {result.Generations.Count,8} {posterior.EffectiveSampleSize,12:0} {result.TotalSimulations / posterior.EffectiveSampleSize,9:0.0}  ({mean})  {watch.Elapsed.TotalSeconds,6:0.0}{stop}"));
        }
        return 0;
    }
}
