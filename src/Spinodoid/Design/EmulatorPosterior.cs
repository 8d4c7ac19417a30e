using Spinodoid.Design.Abc;
using Spinodoid.Runtime;
using Spinodoid.Surrogate;

namespace Spinodoid.Design;

/// <summary>What <see cref="EmulatorPosterior.Sample"/> found.</summary>
/// <param name="Posterior">Weighted particles of θ (resampled to equal weights), summaries the emulated η̄.</param>
/// <param name="EffectiveSampleSize">Kish's ESS of the importance weights before resampling.</param>
/// <param name="Evaluations">Emulator evaluations used.</param>
/// <param name="NearestTheta">The draw whose η̄ is closest to the target (mean |relative error| over the given directions).</param>
/// <param name="NearestEta">Its η̄.</param>
/// <param name="NearestDistance">That closest distance.</param>
public sealed record EmulatorPosteriorResult(Population Posterior, double EffectiveSampleSize, long Evaluations,
    double[] NearestTheta, double[] NearestEta, double NearestDistance);

/// <summary>
/// The posterior of θ given a target η* from an emulator's synthetic likelihood, by importance sampling over the
/// prior — no structure is generated. The likelihood of θ is N(η*; η̄(θ), Σ(θ) + K) over the target's given
/// directions, with K = diag((τ η*_d)²) the tolerance τ as a Gaussian kernel (ABC's acceptance region, smoothed).
/// A first stage draws from the prior; the second draws from a Gaussian fitted to the first stage's weighted draws
/// (covariance doubled), with weights prior × likelihood / proposal, so the result stays exact for the prior.
/// </summary>
public static class EmulatorPosterior
{
    /// <summary>Samples the posterior; <paramref name="draws"/> per stage, <paramref name="particles"/> kept (systematic resampling).</summary>
    public static EmulatorPosteriorResult Sample(IDiffusivityEmulator emulator, IPrior prior, DiffusivityTarget target, double tolerance,
        ulong seed, int draws = 100_000, int particles = 2048)
    {
        target.Validated();
        if (!(tolerance > 0 && tolerance < 1)) throw new ArgumentException($"tolerance τ = {tolerance} must be in (0, 1)");
        if (draws < 100) throw new ArgumentException($"importance sampling needs at least 100 draws per stage, got {draws}");
        var random = new SeededRandom(seed);
        int[] given = Enumerable.Range(0, 3).Where(d => target.Components[d] is not null).ToArray();
        var eta = given.Select(d => target.Components[d]!.Value).ToArray();
        var mape = new MeanAbsolutePercentageDistance(target);
        var nearest = (Theta: Array.Empty<double>(), Eta: Array.Empty<double>(), Distance: double.PositiveInfinity);

        double[] LogLikelihood(IReadOnlyList<double[]> thetas)
        {
            var predicted = Predict(emulator, thetas);
            var result = new double[thetas.Count];
            for (int s = 0; s < thetas.Count; s++)
            {
                var (mean, covariance) = predicted[s];
                int k = given.Length;
                var c = new double[k, k];
                var r = new double[k];
                double distance = mape.Measure(mean);
                for (int i = 0; i < k; i++)
                {
                    r[i] = eta[i] - mean[given[i]];
                    for (int j = 0; j < k; j++) c[i, j] = covariance[given[i], given[j]];
                    c[i, i] += tolerance * tolerance * eta[i] * eta[i];
                }
                if (distance < nearest.Distance) nearest = (thetas[s], mean, distance);
                result[s] = DenseLinearAlgebra.Cholesky(c) is { } chol && DenseLinearAlgebra.Solve(c, r) is { } z
                    ? -0.5 * DenseLinearAlgebra.Dot(r, z) - 0.5 * chol.LogDet
                    : double.NegativeInfinity;
            }
            return result;
        }

        // Stage 1: the prior as proposal.
        var first = Enumerable.Range(0, draws).Select(_ => prior.Sample(random)).ToList();
        var logWeights = LogLikelihood(first);
        var (mean1, covariance1) = WeightedMoments(first, Normalised(logWeights));

        // Stage 2: a Gaussian around the first stage's posterior, twice as wide; draws outside the support are dropped.
        var scaled = new double[4, 4];
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++) scaled[i, j] = 2 * covariance1[i, j] + (i == j ? 1e-12 : 0);
        var proposal = DenseLinearAlgebra.Cholesky(scaled) ?? throw new InvalidOperationException("the first stage's posterior covariance is not positive definite");
        var second = new List<double[]>(draws);
        var logProposal = new List<double>(draws);
        for (int s = 0; s < draws; s++)
        {
            var g = Enumerable.Range(0, 4).Select(_ => GaussianKernels.StandardNormal(random)).ToArray();
            var theta = new double[4];
            for (int i = 0; i < 4; i++)
            {
                theta[i] = mean1[i];
                for (int j = 0; j <= i; j++) theta[i] += proposal.L[i, j] * g[j];
            }
            if (!(prior.Density(theta) > 0)) continue;
            second.Add(theta);
            logProposal.Add(-0.5 * DenseLinearAlgebra.Dot(g, g) - 0.5 * proposal.LogDet);
        }
        if (second.Count < 100) throw new InvalidOperationException("the second stage's proposal lies outside the prior's support");
        var logLikelihood = LogLikelihood(second);
        var log = second.Select((theta, s) => Math.Log(prior.Density(theta)) + logLikelihood[s] - logProposal[s]).ToArray();
        var weights = Normalised(log);
        double ess = 1 / weights.Sum(w => w * w);

        // Systematic resampling to equal weights: a compact posterior.csv, and the ABC-PMC population's form.
        var kept = new List<Particle>(particles);
        double u = random.NextDouble() / particles, cumulative = 0;
        var predicted = Predict(emulator, second);
        for (int s = 0, taken = 0; s < second.Count && taken < particles; s++)
        {
            cumulative += weights[s];
            while (taken < particles && u + (double)taken / particles < cumulative)
            {
                var theta = second[s];
                var mean = predicted[s].Mean;
                kept.Add(new Particle(theta, 1.0 / particles, mape.Measure(mean), mean, 0));
                taken++;
            }
        }
        var posterior = new Population(1, tolerance, kept, 2L * draws, 0);
        return new EmulatorPosteriorResult(posterior, ess, first.Count + second.Count, nearest.Theta, nearest.Eta, nearest.Distance);
    }

    /// <summary>
    /// A design's posterior from the emulator, in the form ABC returns it (one population at the request's final
    /// tolerance). A target farther than <see cref="UnreachableDistance"/> (or 3 τ) from every emulated η̄ is
    /// reported as unreachable, with the nearest η̄ and its θ, and has no posterior.
    /// </summary>
    public static AbcResult Design(IDiffusivityEmulator emulator, DesignRequest request, int draws = 100_000)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = Sample(emulator, request.Prior(), request.Target, request.FinalTolerance, request.Seed, draws);
        string Vector(double[] v) => string.Join(", ", v.Select(x => x.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)));
        double limit = UnreachableLimit(request.FinalTolerance);
        if (result.NearestDistance > limit)
            return new AbcResult([], false,
                string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"unreachable: the nearest emulated η is ({Vector(result.NearestEta)}) at θ = ({Vector(result.NearestTheta)}), {100 * result.NearestDistance:0.#} % from the target (more than {100 * limit:0.#} %)"),
                result.Evaluations, result.NearestDistance, watch.Elapsed);
        var posterior = result.Posterior with { Seconds = watch.Elapsed.TotalSeconds };
        return new AbcResult([posterior], true,
            string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"emulator posterior: importance sampling, {result.Evaluations:N0} emulator evaluations, ESS {result.EffectiveSampleSize:0}"),
            result.Evaluations, result.NearestDistance, watch.Elapsed);
    }

    /// <summary>Mean |relative error| between the target and the nearest emulated η̄ beyond which a target is unreachable.</summary>
    public const double UnreachableDistance = 0.05;

    /// <summary>The limit a design at tolerance <paramref name="tolerance"/> is refused beyond: max(<see cref="UnreachableDistance"/>, 3 τ).</summary>
    public static double UnreachableLimit(double tolerance) => Math.Max(UnreachableDistance, 3 * tolerance);

    /// <summary>The emulator over many θ, in batches: one network call each, bounded memory.</summary>
    internal static (double[] Mean, double[,] Covariance)[] Predict(IDiffusivityEmulator emulator, IReadOnlyList<double[]> thetas)
    {
        const int batch = 16_384;
        var result = new (double[], double[,])[thetas.Count];
        for (int start = 0; start < thetas.Count; start += batch)
        {
            var part = emulator.Predict(thetas.Skip(start).Take(batch).ToList());
            for (int i = 0; i < part.Length; i++) result[start + i] = part[i];
        }
        return result;
    }

    private static double[] Normalised(double[] logWeights)
    {
        double max = logWeights.Max();
        if (double.IsNegativeInfinity(max)) throw new InvalidOperationException("every draw has zero likelihood");
        var w = logWeights.Select(l => Math.Exp(l - max)).ToArray();
        double sum = w.Sum();
        return w.Select(v => v / sum).ToArray();
    }

    private static (double[] Mean, double[,] Covariance) WeightedMoments(IReadOnlyList<double[]> thetas, double[] weights)
    {
        var mean = new double[4];
        for (int s = 0; s < thetas.Count; s++)
            for (int i = 0; i < 4; i++) mean[i] += weights[s] * thetas[s][i];
        var covariance = new double[4, 4];
        for (int s = 0; s < thetas.Count; s++)
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++) covariance[i, j] += weights[s] * (thetas[s][i] - mean[i]) * (thetas[s][j] - mean[j]);
        return (mean, covariance);
    }
}
