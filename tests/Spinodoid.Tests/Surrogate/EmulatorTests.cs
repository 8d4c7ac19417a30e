using Spinodoid.Runtime;
using Spinodoid.Surrogate;

namespace Spinodoid.Tests.Surrogate;

public class EmulatorTests
{
    // A synthetic forward map with known θ-dependence of the mean and of the scatter: logit η = m(θ) + L(θ) ε.
    private static double[] Mean(double[] t) => [2 * t[0] - 1 + 0.5 * t[3], Math.Sin(2 * t[1]) - 0.5, t[3] - t[2] * t[2]];
    private static double Sigma(double[] t) => 0.05 + 0.1 * t[0];
    private const double Correlation = 0.6; // between directions x and y; z independent

    private static double Normal(SeededRandom random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static List<EmulatorSample> Draws(int count, ulong seed)
    {
        var random = new SeededRandom(seed);
        var samples = new List<EmulatorSample>();
        for (int i = 0; i < count; i++)
        {
            double[] t = [random.NextDouble(), random.NextDouble(), random.NextDouble(), random.NextDouble()];
            double e0 = Normal(random), e1 = Normal(random), e2 = Normal(random);
            var m = Mean(t);
            double s = Sigma(t);
            double[] y = [m[0] + s * e0, m[1] + s * (Correlation * e0 + Math.Sqrt(1 - Correlation * Correlation) * e1), m[2] + s * e2];
            samples.Add(new EmulatorSample(t, y.Select(SurrogateScaling.InverseLogit).ToArray()));
        }
        return samples;
    }

    [Fact]
    public void RecoversTheMeanAndTheScatterOfASyntheticForwardMap()
    {
        using var emulator = DiffusivityEmulator.Train(Draws(4000, 1), new EmulatorTraining(Epochs: 150, Seed: 2));
        var random = new SeededRandom(99);
        var held = Enumerable.Range(0, 12).Select(_ => new[] { Uniform(random), Uniform(random), Uniform(random), Uniform(random) }).ToList();
        var predicted = emulator.PredictLogit(held);
        for (int k = 0; k < held.Count; k++)
        {
            var (mu, cov) = predicted[k];
            var m = Mean(held[k]);
            double s = Sigma(held[k]);
            // Tolerances: the mean to a fifth of the smallest scatter's… of the scatter (σ = 0.05–0.15), σ to 25 %, ρ to 0.2.
            for (int d = 0; d < 3; d++)
            {
                Assert.InRange(mu[d] - m[d], -0.04, 0.04);
                Assert.InRange(Math.Sqrt(cov[d, d]) / s, 0.75, 1.33);
            }
            Assert.InRange(cov[0, 1] / Math.Sqrt(cov[0, 0] * cov[1, 1]), Correlation - 0.2, Correlation + 0.2);
            Assert.InRange(cov[0, 2] / Math.Sqrt(cov[0, 0] * cov[2, 2]), -0.2, 0.2);
        }
    }

    [Fact]
    public void AWideScatterSomewhereDoesNotStopTheMeanBeingFittedThere()
    {
        // σ is 0.02 for θ₀ < 0.6 and 0.4 above, where the mean also has its steepest feature (a rise of 1.5 in logit). A
        // mean fitted through the full likelihood is weighted by 1/σ² — 400 times less where θ₀ > 0.6 — and lags there.
        static double[] M(double[] t) => [1.5 * Math.Max(0, t[0] - 0.6) / 0.4 + t[1] - 0.5, t[2] - 0.5, 0.5 * t[3]];
        static double S(double[] t) => t[0] < 0.6 ? 0.02 : 0.4;
        var random = new SeededRandom(5);
        var samples = new List<EmulatorSample>();
        for (int i = 0; i < 4000; i++)
        {
            double[] t = [random.NextDouble(), random.NextDouble(), random.NextDouble(), random.NextDouble()];
            var m = M(t);
            double s = S(t);
            samples.Add(new EmulatorSample(t, m.Select(v => SurrogateScaling.InverseLogit(v + s * Normal(random))).ToArray()));
        }
        using var emulator = DiffusivityEmulator.Train(samples, new EmulatorTraining(Epochs: 300, Seed: 6));
        // Held out in the wide-scatter region: about 1,000 draws there, so the mean is known to a few hundredths.
        var held = Enumerable.Range(0, 12).Select(k => new[] { 0.7 + 0.02 * k, Uniform(random), Uniform(random), Uniform(random) }).ToList();
        var predicted = emulator.PredictLogit(held);
        for (int k = 0; k < held.Count; k++)
        {
            var m = M(held[k]);
            Assert.InRange(predicted[k].Mean[0] - m[0], -0.15, 0.15);
            Assert.InRange(Math.Sqrt(predicted[k].Covariance[0, 0]) / S(held[k]), 0.7, 1.4);
        }
    }

    // Held-out θ away from the edges of the training box, where any fit is least constrained.
    private static double Uniform(SeededRandom random) => 0.1 + 0.8 * random.NextDouble();

    [Fact]
    public void SavedEmulatorPredictsTheSame()
    {
        using var emulator = DiffusivityEmulator.Train(Draws(400, 3), new EmulatorTraining(Hidden: 16, Epochs: 20, Seed: 4));
        var path = Path.Combine(Path.GetTempPath(), $"spinodoid-emulator-{Guid.NewGuid():N}.bin");
        try
        {
            emulator.Save(path);
            using var loaded = DiffusivityEmulator.Load(path);
            double[] theta = [0.3, 0.6, 0.2, 0.5];
            var (a, ca) = emulator.Predict(theta);
            var (b, cb) = loaded.Predict(theta);
            Assert.Equal(a, b);
            Assert.Equal(ca, cb);
            Assert.All(a, v => Assert.InRange(v, 0, 1));
        }
        finally
        {
            File.Delete(path);
            File.Delete(path + ".json");
        }
    }

    [Fact]
    public void SameSeedSameEmulator()
    {
        var draws = Draws(300, 5);
        using var first = DiffusivityEmulator.Train(draws, new EmulatorTraining(Hidden: 16, Epochs: 10, Seed: 6));
        using var second = DiffusivityEmulator.Train(draws, new EmulatorTraining(Hidden: 16, Epochs: 10, Seed: 6));
        double[] theta = [0.5, 0.5, 0.5, 0.5];
        Assert.Equal(first.Predict(theta).Mean, second.Predict(theta).Mean);
    }

    [Fact]
    public void AnEnsembleIsTheMeanOfItsMembersAndSavesWhole()
    {
        var draws = Draws(400, 7);
        var settings = new EmulatorTraining(Hidden: 16, Epochs: 15, Seed: 10);
        using var ensemble = DiffusivityEmulator.Train(draws, settings with { Members = 3 });
        var singles = Enumerable.Range(0, 3).Select(k => DiffusivityEmulator.Train(draws, settings with { Seed = 10 + (ulong)k })).ToArray();
        var path = Path.Combine(Path.GetTempPath(), $"spinodoid-ensemble-{Guid.NewGuid():N}.bin");
        try
        {
            List<double[]> thetas = [[0.3, 0.6, 0.2, 0.5], [0.8, 0.1, 0.5, 0.4]];
            var joint = ensemble.PredictLogit(thetas);
            var members = singles.Select(m => m.PredictLogit(thetas)).ToArray();
            var spread = ensemble.MemberSpreadLogit(thetas)!;
            for (int s = 0; s < thetas.Count; s++)
                for (int d = 0; d < 3; d++)
                {
                    // The networks run in float32: a member trained alone and inside the ensemble agree to its rounding (~1e-7).
                    var mus = members.Select(m => m[s].Mean[d]).ToArray();
                    Assert.Equal(mus.Average(), joint[s].Mean[d], 6);
                    Assert.Equal(members.Average(m => m[s].Covariance[d, d]), joint[s].Covariance[d, d], 6);
                    double sd = Math.Sqrt(mus.Sum(v => (v - mus.Average()) * (v - mus.Average())) / 2);
                    Assert.Equal(sd, spread[s][d], 5);
                    Assert.True(sd > 0, "members from different seeds differ");
                }
            Assert.Null(singles[0].MemberSpreadLogit(thetas));

            ensemble.Save(path);
            using var loaded = DiffusivityEmulator.Load(path);
            Assert.Equal(3, loaded.Members);
            var reloaded = loaded.PredictLogit(thetas);
            for (int s = 0; s < thetas.Count; s++)
                for (int d = 0; d < 3; d++) Assert.Equal(joint[s].Mean[d], reloaded[s].Mean[d], 6);
            File.Delete(path + ".member3");
            var missing = Assert.Throws<ArgumentException>(() => DiffusivityEmulator.Load(path));
            Assert.Contains(".member3", missing.Message);
        }
        finally
        {
            foreach (var single in singles) single.Dispose();
            foreach (var file in new[] { path, path + ".json", path + ".member2", path + ".member3" }) File.Delete(file);
        }
    }
}
