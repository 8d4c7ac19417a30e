using Spinodoid.Design;
using Spinodoid.Design.Abc;
using Spinodoid.Microstructure;
using Spinodoid.Runtime;

namespace Spinodoid.Tests.Design;

/// <summary>
/// ABC-PMC on a model with a known posterior: x ~ N(θ, I) in 2D, a flat prior on [−6, 6]², Euclidean distance.
/// For tolerance ε the ABC posterior is N(x_obs, I) convolved with the uniform disc of radius ε: mean x_obs and
/// per-component variance 1 + ε²/4 (prior truncation is negligible at 5σ).
/// </summary>
public sealed class AbcPmcTests : IDisposable
{
    private static readonly double[] Observed = [1.0, -0.5];
    private const double FinalTolerance = 0.2;
    private readonly string _root = Directory.CreateTempSubdirectory("spinodoid-abc-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private sealed class FlatPrior : IPrior
    {
        public IReadOnlyList<string> ParameterNames => ["t1", "t2"];
        public double[] Sample(SeededRandom random) => [random.Uniform(-6, 6), random.Uniform(-6, 6)];
        public double Density(ReadOnlySpan<double> theta) => Math.Abs(theta[0]) <= 6 && Math.Abs(theta[1]) <= 6 ? 1.0 / 144 : 0;
    }

    private sealed class GaussianSimulator : ISimulator
    {
        public string Name => "gaussian";
        public int Calls;
        public IReadOnlyList<double[]> Simulate(IReadOnlyList<Proposal> proposals, CancellationToken cancellation = default)
        {
            Interlocked.Add(ref Calls, proposals.Count);
            return proposals.Select(p =>
            {
                var (z1, z2) = CounterRandom.StandardNormalPair(p.Seed);
                return new[] { p.Theta[0] + z1, p.Theta[1] + z2 };
            }).ToArray();
        }
    }

    private sealed class EuclideanDistance(double[] target) : IDistance
    {
        public double Measure(ReadOnlySpan<double> x) => Math.Sqrt(Math.Pow(x[0] - target[0], 2) + Math.Pow(x[1] - target[1], 2));
    }

    private static AbcPmcSampler Sampler(bool paper, IReadOnlyList<IStoppingRule>? rules = null, int batch = 32, IAbcStore? store = null,
        double[]? target = null, ulong seed = 3) =>
        new(new FlatPrior(), new GaussianSimulator(), new EuclideanDistance(target ?? Observed),
            paper ? new ComponentwiseGaussianKernel() : new LocalCovarianceKernel(),
            paper ? FixedToleranceSchedule.LogSpaced(4, FinalTolerance, 6) : new QuantileToleranceSchedule(FinalTolerance),
            rules ?? [], new AbcSettings(PopulationSize: 600, Seed: seed, BatchSize: batch), store);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RecoversTheAnalyticPosterior(bool paper)
    {
        var result = Sampler(paper).Run();
        Assert.True(result.ReachedFinalTolerance, result.StopReason);
        var posterior = result.Posterior!;
        Assert.Equal(FinalTolerance, posterior.Tolerance);
        Assert.All(posterior.Particles, p => Assert.True(p.Distance <= FinalTolerance && double.IsFinite(p.Weight) && p.Weight > 0));
        Assert.Equal(1.0, posterior.Particles.Sum(p => p.Weight), 10);
        double ess = posterior.EffectiveSampleSize;
        Assert.InRange(ess, 100, 600);
        // Monte Carlo error: mean ± 4/√ESS, variance ± 4·√(2/ESS) (4 standard errors).
        var mean = posterior.Mean();
        var cov = posterior.Covariance();
        double variance = 1 + FinalTolerance * FinalTolerance / 4;
        for (int i = 0; i < 2; i++)
        {
            Assert.True(Math.Abs(mean[i] - Observed[i]) < 4 / Math.Sqrt(ess), $"mean[{i}] = {mean[i]:F3}, expected {Observed[i]} (ESS {ess:F0})");
            Assert.True(Math.Abs(cov[i, i] - variance) < 4 * Math.Sqrt(2 / ess) * variance, $"var[{i}] = {cov[i, i]:F3}, expected {variance:F3} (ESS {ess:F0})");
        }
        Assert.True(Math.Abs(cov[0, 1]) < 4 / Math.Sqrt(ess), $"cov = {cov[0, 1]:F3}, expected 0");
        // The 95 % credible interval of N(x_obs, variance): x_obs ± 1.96·σ.
        double halfWidth = 1.96 * Math.Sqrt(variance);
        Assert.InRange(posterior.Quantile(0, 0.975) - posterior.Quantile(0, 0.025), 2 * halfWidth * 0.8, 2 * halfWidth * 1.2);
    }

    [Fact]
    public void AnInitialProposalAwayFromThePosteriorStillGivesTheAnalyticPosterior()
    {
        // A stand-in for an emulator's posterior that is wrong: shifted by (1.2, −1.0), about one posterior width.
        var random = new SeededRandom(11);
        var initial = new Population(0, FinalTolerance, Enumerable.Range(0, 1000).Select(_ =>
        {
            var (z1, z2) = CounterRandom.StandardNormalPair(random.NextUInt64());
            return new Particle([2.2 + 0.9 * z1, -1.5 + 0.9 * z2], 1.0 / 1000, 0, [0, 0], 0);
        }).ToArray(), 0, 0);
        var sampler = new AbcPmcSampler(new FlatPrior(), new GaussianSimulator(), new EuclideanDistance(Observed), new LocalCovarianceKernel(),
            new QuantileToleranceSchedule(FinalTolerance, first: FinalTolerance), [], new AbcSettings(PopulationSize: 800, Seed: 5, BatchSize: 256))
        { InitialProposal = initial };
        var result = sampler.Run();
        var posterior = result.Posterior!;
        Assert.Single(result.Generations);
        Assert.Equal(FinalTolerance, posterior.Tolerance);
        double ess = posterior.EffectiveSampleSize;
        Assert.InRange(ess, 150, 800);
        // Unweighted, the accepted draws would centre near (1.35, −0.8); the importance weights put them back on N(x_obs, 1 + τ²/4).
        var mean = posterior.Mean();
        for (int i = 0; i < 2; i++)
            Assert.True(Math.Abs(mean[i] - Observed[i]) < 4 / Math.Sqrt(ess), $"mean[{i}] = {mean[i]:F3}, expected {Observed[i]} (ESS {ess:F0})");
        double variance = 1 + FinalTolerance * FinalTolerance / 4;
        Assert.True(Math.Abs(posterior.Covariance()[0, 0] - variance) < 4 * Math.Sqrt(2 / ess) * variance, $"var = {posterior.Covariance()[0, 0]:F3}");
    }

    [Fact]
    public void TheResultDoesNotDependOnTheBatchSize()
    {
        var a = Sampler(false, batch: 7).Run().Posterior!;
        var b = Sampler(false, batch: 64).Run().Posterior!;
        Assert.Equal(a.Particles.Select(p => p.Theta), b.Particles.Select(p => p.Theta));
        Assert.Equal(a.Particles.Select(p => p.Weight), b.Particles.Select(p => p.Weight));
    }

    [Fact]
    public void AResumedRunEqualsAnUninterruptedOne()
    {
        var names = new[] { "t1", "t2" };
        var interrupted = new AbcRunDirectory(Path.Combine(_root, "resumed"), names, ["x1", "x2"], "toy");
        using var cancel = new CancellationTokenSource();
        var stopAtGeneration2 = new Inline<AbcProgress>(p => { if (p.Generation == 2) cancel.Cancel(); });
        Assert.Throws<OperationCanceledException>(() => Sampler(false, store: interrupted).Run(stopAtGeneration2, cancel.Token));
        Assert.Equal(2, interrupted.Load().Generations.Count);

        var resumed = Sampler(false, store: new AbcRunDirectory(interrupted.Directory, names, ["x1", "x2"], "toy")).Run();
        var straight = Sampler(false, store: new AbcRunDirectory(Path.Combine(_root, "straight"), names, ["x1", "x2"], "toy")).Run();
        Assert.Equal(straight.Generations.Count, resumed.Generations.Count);
        Assert.Equal(straight.TotalSimulations, resumed.TotalSimulations);
        Assert.Equal(straight.Posterior!.Particles.Select(p => p.Theta), resumed.Posterior!.Particles.Select(p => p.Theta));
        Assert.Equal(straight.Posterior.Particles.Select(p => p.Weight), resumed.Posterior.Particles.Select(p => p.Weight));
        Assert.Equal(File.ReadAllText(Path.Combine(_root, "straight", "generations", "generation-03.csv")),
            File.ReadAllText(Path.Combine(_root, "resumed", "generations", "generation-03.csv")));
        // Other settings in the same folder are refused.
        var other = new AbcRunDirectory(interrupted.Directory, names, ["x1", "x2"], "other settings");
        Assert.Contains("other settings", Assert.Throws<ArgumentException>(() => other.Load()).Message);
    }

    [Fact]
    public void DamagedRunStateIsNamedAndTheRunIsRecomputedFromTheLastGoodGeneration()
    {
        string[] names = ["t1", "t2"];
        AbcRunDirectory Store(string dir) => new(Path.Combine(_root, dir), names, ["x1", "x2"], "toy");
        var straight = Sampler(false, store: Store("reference")).Run();
        Assert.True(straight.Generations.Count >= 3);

        foreach (var damage in new Action<AbcRunDirectory>[]
                 {
                     // A generation file cut short, then one with a weight edited (still a valid table).
                     s => File.WriteAllLines(s.GenerationPath(1), File.ReadAllLines(s.GenerationPath(1)).Take(9)),
                     s =>
                     {
                         var lines = File.ReadAllLines(s.GenerationPath(1));
                         var f = lines[1].Split(',');
                         f[2] = (double.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture) * 1.5).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
                         lines[1] = string.Join(",", f);
                         File.WriteAllLines(s.GenerationPath(1), lines);
                     },
                     // A truncated checkpoint.
                     s => File.WriteAllText(Path.Combine(s.Directory, "checkpoint.json"), File.ReadAllText(Path.Combine(s.Directory, "checkpoint.json"))[..40]),
                 })
        {
            string dir = $"damaged-{Guid.NewGuid():N}";
            Sampler(false, store: Store(dir)).Run();
            damage(Store(dir));
            var checkpoint = Store(dir).Load();
            Assert.NotNull(checkpoint.Repair);
            Assert.True(checkpoint.Repair!.Contains("generation-01.csv") || checkpoint.Repair.Contains("checkpoint.json"), checkpoint.Repair);
            Assert.True(checkpoint.Generations.Count <= 1);
            var repaired = Sampler(false, store: Store(dir)).Run();
            Assert.Equal(straight.TotalSimulations, repaired.TotalSimulations);
            Assert.Equal(straight.Posterior!.Particles.Select(p => p.Theta), repaired.Posterior!.Particles.Select(p => p.Theta));
            Assert.Equal(straight.Posterior.Particles.Select(p => p.Weight), repaired.Posterior.Particles.Select(p => p.Weight));
            Assert.Null(Store(dir).Load().Repair);
        }
    }

    [Fact]
    public void TheSimulationBudgetStopsTheRunExactly()
    {
        var result = Sampler(false, [new MaxSimulations(5000)]).Run();
        Assert.False(result.ReachedFinalTolerance);
        Assert.Equal(5000, result.TotalSimulations);
        Assert.Contains("5000 simulations", result.StopReason);
    }

    [Fact]
    public void AnUnreachableTargetEndsWithCollapsingAcceptance()
    {
        // x_obs far outside what the prior can produce: distances never fall below ~135.
        var result = Sampler(false, [new MinAcceptanceRate(0.01, 2000), new MaxSimulations(2_000_000)], target: [100, 100]).Run();
        Assert.False(result.ReachedFinalTolerance);
        Assert.True(result.StopReason.Contains("acceptance rate") || result.StopReason.Contains("stalled"), result.StopReason);
        Assert.True(result.ClosestDistance > 120, $"closest {result.ClosestDistance}");
        Assert.True(result.TotalSimulations < 200_000, $"{result.TotalSimulations} calls");
    }

    [Fact]
    public void TheWallTimeLimitStopsBeforeAnySimulation()
    {
        var result = Sampler(false, [new WallTimeLimit(TimeSpan.Zero)]).Run();
        Assert.Empty(result.Generations);
        Assert.Equal(0, result.TotalSimulations);
        Assert.Contains("wall-time", result.StopReason);
    }

    [Fact]
    public void ThePapersScheduleIsLogEquidistantFrom100To1Percent()
    {
        var schedule = FixedToleranceSchedule.LogSpaced(1.0, 0.01, 9);
        Assert.Equal(9, schedule.Tolerances.Count);
        Assert.Equal(1.0, schedule.First, 12);
        Assert.Equal(0.01, schedule.Final, 12);
        for (int i = 1; i < 9; i++) Assert.Equal(Math.Pow(10, -0.25), schedule.Tolerances[i] / schedule.Tolerances[i - 1], 12);
        Assert.Throws<ArgumentException>(() => new FixedToleranceSchedule([0.5, 0.6]));
    }
}
