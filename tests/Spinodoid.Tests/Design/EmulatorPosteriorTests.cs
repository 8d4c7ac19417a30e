using Spinodoid.Design;
using Spinodoid.Design.Abc;
using Spinodoid.Runtime;
using Spinodoid.Surrogate;

namespace Spinodoid.Tests.Design;

/// <summary>The emulator's importance-sampling posterior against the analytic posterior of a linear-Gaussian toy model.</summary>
public class EmulatorPosteriorTests
{
    private sealed class UnitBoxPrior : IPrior
    {
        public IReadOnlyList<string> ParameterNames => ["t0", "t1", "t2", "t3"];
        public double[] Sample(SeededRandom random) => [random.NextDouble(), random.NextDouble(), random.NextDouble(), random.NextDouble()];
        public double Density(ReadOnlySpan<double> theta)
        {
            foreach (var t in theta) if (t < 0 || t > 1) return 0;
            return 1;
        }
    }

    // η̄ = c + A θ[0..2] (θ3 has no effect), constant covariance Σ.
    private static readonly double[,] A = { { 0.5, 0.05, 0 }, { 0, 0.4, 0.04 }, { 0.03, 0, 0.3 } };
    private static readonly double[] C = [0.1, 0.2, 0.25];
    private static readonly double[,] Sigma = { { 1e-4, 0.5e-4, 0 }, { 0.5e-4, 1.44e-4, 0 }, { 0, 0, 0.64e-4 } };

    private sealed class LinearEmulator : IDiffusivityEmulator
    {
        public (double[] Mean, double[,] Covariance)[] Predict(IReadOnlyList<double[]> thetas) =>
            thetas.Select(t => (Enumerable.Range(0, 3).Select(d => C[d] + A[d, 0] * t[0] + A[d, 1] * t[1] + A[d, 2] * t[2]).ToArray(), Sigma)).ToArray();
    }

    private static double[] EtaAt(double[] t) => new LinearEmulator().Predict([t])[0].Mean;

    [Fact]
    public void MatchesTheAnalyticPosteriorOfALinearGaussianModel()
    {
        const double tolerance = 0.01;
        var eta = EtaAt([0.4, 0.5, 0.6, 0]);
        var target = new DiffusivityTarget(eta[0], eta[1], eta[2]);
        var result = EmulatorPosterior.Sample(new LinearEmulator(), new UnitBoxPrior(), target, tolerance, seed: 3, draws: 40_000);
        // Analytic: θ[0..2] ~ N(A⁻¹(η* − c), A⁻¹ (Σ + K) A⁻ᵀ), K = diag((τ η*)²); θ3 uniform on [0, 1].
        var s = (double[,])Sigma.Clone();
        for (int d = 0; d < 3; d++) s[d, d] += tolerance * tolerance * eta[d] * eta[d];
        var inverse = DenseLinearAlgebra.Invert(A)!;
        var covariance = new double[3, 3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 3; k++)
                    for (int l = 0; l < 3; l++) covariance[i, j] += inverse[i, k] * s[k, l] * inverse[j, l];
        var posterior = result.Posterior;
        var mean = posterior.Mean();
        var cov = posterior.Covariance();
        double[] expected = [0.4, 0.5, 0.6];
        for (int i = 0; i < 3; i++)
        {
            double sd = Math.Sqrt(covariance[i, i]);
            Assert.InRange((mean[i] - expected[i]) / sd, -0.15, 0.15);
            Assert.InRange(Math.Sqrt(cov[i, i]) / sd, 0.9, 1.1);
        }
        Assert.InRange(cov[0, 1] / Math.Sqrt(cov[0, 0] * cov[1, 1]), covariance[0, 1] / Math.Sqrt(covariance[0, 0] * covariance[1, 1]) - 0.08,
            covariance[0, 1] / Math.Sqrt(covariance[0, 0] * covariance[1, 1]) + 0.08);
        Assert.InRange(mean[3], 0.47, 0.53);
        Assert.InRange(Math.Sqrt(cov[3, 3]), 0.9 * Math.Sqrt(1.0 / 12), 1.1 * Math.Sqrt(1.0 / 12));
        Assert.True(result.EffectiveSampleSize > 5000, $"ESS {result.EffectiveSampleSize}");
        Assert.InRange(result.NearestDistance, 0, 0.01);
    }

    [Fact]
    public void AFreeDirectionLeavesItsParameterToThePrior()
    {
        // η_y free and A nearly diagonal: θ1 is then constrained only weakly, through the small couplings.
        var eta = EtaAt([0.3, 0.5, 0.7, 0]);
        var result = EmulatorPosterior.Sample(new LinearEmulator(), new UnitBoxPrior(), new DiffusivityTarget(eta[0], null, eta[2]), 0.01, seed: 4, draws: 40_000);
        var sd = result.Posterior.Covariance();
        Assert.True(Math.Sqrt(sd[1, 1]) > 0.2, $"θ1 posterior sd {Math.Sqrt(sd[1, 1])}: the free direction should leave it wide");
        Assert.True(Math.Sqrt(sd[0, 0]) < 0.1);
    }

    [Fact]
    public void ReachableSetMembershipAgreesWithBruteForceSampling()
    {
        var emulator = new LinearEmulator();
        var prior = new UnitBoxPrior();
        var set = ReachableSet.Sample(emulator, prior, 20_000, seed: 7);
        var brute = ReachableSet.Sample(emulator, prior, 200_000, seed: 8);
        var random = new SeededRandom(9);
        int compared = 0, reachable = 0;
        for (int k = 0; k < 60; k++)
        {
            // Targets inside, near and outside the reachable box of η̄ (η_x 0.1–0.65, η_y 0.2–0.64, η_z 0.25–0.58).
            var target = new DiffusivityTarget(0.05 + 0.7 * random.NextDouble(), 0.1 + 0.65 * random.NextDouble(), 0.15 + 0.55 * random.NextDouble());
            double exact = brute.Nearest(target).Distance;
            if (Math.Abs(exact - 0.05) < 0.01) continue; // too close to the edge for either sample to decide
            compared++;
            if (exact <= 0.05) reachable++;
            Assert.Equal(exact <= 0.05, set.Contains(target));
        }
        Assert.True(compared >= 40 && reachable > 5 && reachable < compared - 5, $"{compared} compared, {reachable} reachable");
    }

    [Fact]
    public void AnUnreachableTargetReportsTheNearestEmulatedPoint()
    {
        // η_x ≤ 0.1 + 0.5 + 0.05 = 0.65 everywhere in the box: 0.95 cannot be reached.
        var result = EmulatorPosterior.Sample(new LinearEmulator(), new UnitBoxPrior(), new DiffusivityTarget(0.95, null, null), 0.01, seed: 5, draws: 5_000);
        Assert.True(result.NearestDistance > 0.25, $"nearest distance {result.NearestDistance}");
        Assert.True(result.NearestEta[0] > 0.6);
    }
}
