using System.Diagnostics;
using Spinodoid.Runtime;

namespace Spinodoid.Design.Abc;

/// <summary>Population size, seed and batching of an ABC-PMC run.</summary>
/// <param name="PopulationSize">P, particles per generation (the paper: 512).</param>
/// <param name="Seed">Seed of every random choice (proposals and structure seeds).</param>
/// <param name="BatchSize">Proposals simulated together (one network pass); the result does not depend on it.</param>
/// <param name="StallGenerations">Stop when the tolerance fell by less than <paramref name="MinimumToleranceDecrease"/>
/// (relative) in this many consecutive generations: the distances have reached the floor of what the model can
/// produce, i.e. the target is out of reach at the requested tolerance (0 = never).</param>
/// <param name="MinimumToleranceDecrease">See <paramref name="StallGenerations"/>.</param>
public sealed record AbcSettings(int PopulationSize = 512, ulong Seed = 0, int BatchSize = 32, int StallGenerations = 2,
    double MinimumToleranceDecrease = 0.05)
{
    /// <summary>Throws on out-of-range settings.</summary>
    public AbcSettings Validated()
    {
        if (PopulationSize < 2) throw new ArgumentException($"population size {PopulationSize} must be at least 2");
        if (BatchSize < 1) throw new ArgumentException($"batch size {BatchSize} must be at least 1");
        return this;
    }
}

/// <summary>How a run ended.</summary>
/// <param name="Generations">Every completed generation; the last one is the posterior sample.</param>
/// <param name="ReachedFinalTolerance">True when the last generation is at the schedule's final tolerance.</param>
/// <param name="StopReason">Why the run ended, in words.</param>
/// <param name="TotalSimulations">Simulator calls of the run (resumed parts included).</param>
/// <param name="ClosestDistance">The smallest ρ of any simulation.</param>
/// <param name="Elapsed">Wall time of this invocation.</param>
public sealed record AbcResult(IReadOnlyList<Population> Generations, bool ReachedFinalTolerance, string StopReason,
    long TotalSimulations, double ClosestDistance, TimeSpan Elapsed)
{
    /// <summary>The last completed generation (null when not even the first one finished).</summary>
    public Population? Posterior => Generations.Count > 0 ? Generations[^1] : null;
}

/// <summary>
/// ABC population Monte Carlo (Beaumont et al. 2009; the paper's Algorithm 1) with interchangeable kernel,
/// tolerance schedule, distance, simulator and stopping rules. Every proposal draws from its own generator
/// seeded by (seed, generation, proposal index), and particles are accepted in proposal order, so a run gives
/// the same posterior for any batch size and thread count, and a resumed run equals an uninterrupted one.
/// </summary>
public sealed class AbcPmcSampler(
    IPrior prior, ISimulator simulator, IDistance distance, ITransitionKernel kernel, IToleranceSchedule schedule,
    IReadOnlyList<IStoppingRule> stoppingRules, AbcSettings settings, IAbcStore? store = null)
{
    private const int MaxRedraws = 100_000;

    /// <summary>
    /// Where the first generation proposes from: null = the prior (Algorithm 1). Otherwise a population standing in for a
    /// generation before the first (e.g. an emulator's posterior): the first generation perturbs its particles with
    /// <see cref="MultivariateGaussianKernel"/> at the schedule's <see cref="IToleranceSchedule.First"/> tolerance and
    /// weights them π(θ) / Σ_q w_q K(θ | θ_q) like any later generation, so the result targets the same ABC posterior.
    /// </summary>
    public Population? InitialProposal { get; init; }

    /// <summary>Runs (or resumes from the store) until the final tolerance or a stopping rule.</summary>
    public AbcResult Run(IProgress<AbcProgress>? progress = null, CancellationToken cancellation = default)
    {
        settings.Validated();
        var clock = Stopwatch.StartNew();
        var saved = store?.Load() ?? new AbcCheckpoint([], 0, double.PositiveInfinity);
        var generations = saved.Generations.ToList();
        long total = saved.TotalSimulations;
        double closest = saved.ClosestDistance;
        long? budget = stoppingRules.OfType<MaxSimulations>().Select(r => (long?)r.Limit).Min();
        int p = settings.PopulationSize;

        while (true)
        {
            int t = generations.Count;
            double? next = t == 0 ? schedule.First : schedule.Next(generations[^1]);
            if (next is not double tolerance)
                return new AbcResult(generations, true, $"reached the final tolerance {schedule.Final:G4}", total, closest, clock.Elapsed);
            if (tolerance > schedule.Final && Stalled(generations, tolerance))
                return new AbcResult(generations, false,
                    $"the tolerance stalled at {generations[^1].Tolerance:G4} (less than {settings.MinimumToleranceDecrease:P0} lower in each of the last " +
                    $"{settings.StallGenerations} generations; closest distance {closest:G4}): the target is out of reach at tolerance {schedule.Final:G4}",
                    total, closest, clock.Elapsed);

            var generationClock = Stopwatch.StartNew();
            var previous = t == 0 ? InitialProposal : generations[^1];
            var fitted = previous is null ? null : t == 0 ? new MultivariateGaussianKernel().Fit(previous, tolerance) : kernel.Fit(previous, tolerance);
            var cumulative = previous is null ? null : CumulativeWeights(previous);
            var accepted = new List<(double[] Theta, double Distance, double[] Summary, ulong Seed)>(p);
            long calls = 0;
            int index = 0;
            while (accepted.Count < p)
            {
                cancellation.ThrowIfCancellationRequested();
                var state = new AbcProgress(t, tolerance, accepted.Count, p, calls, total, closest, clock.Elapsed);
                string? reason = stoppingRules.Select(r => r.Check(state)).FirstOrDefault(r => r is not null);
                if (reason is not null) return new AbcResult(generations, false, reason, total, closest, clock.Elapsed);

                int size = (int)Math.Min(settings.BatchSize, budget is long b ? b - total : long.MaxValue);
                var proposals = new Proposal[size];
                for (int k = 0; k < size; k++) proposals[k] = Propose(t, index + k, fitted, cumulative, previous);
                index += size;
                var summaries = simulator.Simulate(proposals, cancellation);
                for (int k = 0; k < size; k++)
                {
                    double rho = distance.Measure(summaries[k]);
                    calls++;
                    total++;
                    if (rho < closest) closest = rho;
                    if (rho <= tolerance && accepted.Count < p) accepted.Add((proposals[k].Theta, rho, summaries[k], proposals[k].Seed));
                }
                progress?.Report(new AbcProgress(t, tolerance, accepted.Count, p, calls, total, closest, clock.Elapsed));
            }

            var weights = Weights(accepted.Select(a => a.Theta).ToArray(), previous, fitted);
            var population = new Population(t, tolerance,
                accepted.Select((a, i) => new Particle(a.Theta, weights[i], a.Distance, a.Summary, a.Seed)).ToArray(),
                calls, generationClock.Elapsed.TotalSeconds);
            generations.Add(population);
            store?.Save(generations, total, closest);
            progress?.Report(new AbcProgress(t, tolerance, p, p, calls, total, closest, clock.Elapsed) { Completed = population });
        }
    }

    private bool Stalled(IReadOnlyList<Population> generations, double next)
    {
        int k = settings.StallGenerations;
        if (k <= 0 || generations.Count < k || double.IsInfinity(generations[^k].Tolerance)) return false;
        var tolerances = generations.Skip(generations.Count - k).Select(g => g.Tolerance).Append(next).ToArray();
        for (int i = 1; i < tolerances.Length; i++)
            if (tolerances[i] < (1 - settings.MinimumToleranceDecrease) * tolerances[i - 1]) return false;
        return true;
    }

    private Proposal Propose(int generation, int index, IFittedKernel? fitted, double[]? cumulative, Population? previous)
    {
        ulong key = SeededRandom.Mix(SeededRandom.Mix(settings.Seed ^ 0xABC0_0000_0000_0000UL) + (ulong)generation);
        var random = new SeededRandom(SeededRandom.Mix(key + (ulong)index));
        for (int draw = 0; draw < MaxRedraws; draw++)
        {
            double[] theta;
            if (fitted is null) theta = prior.Sample(random);
            else
            {
                int ancestor = Array.BinarySearch(cumulative!, random.NextDouble() * cumulative![^1]);
                ancestor = Math.Min(ancestor < 0 ? ~ancestor : ancestor, previous!.Particles.Count - 1);
                theta = fitted.Perturb(ancestor, random);
            }
            // Proposals outside the prior's support are redrawn before simulating (no zero-weight particles).
            if (prior.Density(theta) > 0) return new Proposal(theta, random.NextUInt64());
        }
        throw new InvalidOperationException($"no proposal inside the prior's support after {MaxRedraws} draws");
    }

    private static double[] CumulativeWeights(Population population)
    {
        var cumulative = new double[population.Particles.Count];
        double sum = 0;
        for (int i = 0; i < cumulative.Length; i++) cumulative[i] = sum += population.Particles[i].Weight;
        return cumulative;
    }

    /// <summary>w_i ∝ π(θ_i) / Σ_q w_q K(θ_i | θ_q), normalised; equal weights for draws from the prior.</summary>
    private double[] Weights(double[][] thetas, Population? previous, IFittedKernel? fitted)
    {
        var weights = new double[thetas.Length];
        if (previous is null || fitted is null)
        {
            Array.Fill(weights, 1.0 / thetas.Length);
            return weights;
        }
        Parallel.For(0, thetas.Length, i =>
        {
            double denominator = 0;
            for (int q = 0; q < previous.Particles.Count; q++)
                denominator += previous.Particles[q].Weight * fitted.Density(thetas[i], q);
            weights[i] = prior.Density(thetas[i]) / denominator;
        });
        double sum = weights.Sum();
        if (!(sum > 0) || !double.IsFinite(sum)) throw new InvalidOperationException($"importance weights do not normalise (sum {sum})");
        for (int i = 0; i < weights.Length; i++) weights[i] /= sum;
        return weights;
    }
}
