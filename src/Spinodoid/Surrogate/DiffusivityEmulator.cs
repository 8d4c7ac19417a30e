using TorchSharp;
using TorchSharp.Modules;
using Spinodoid.Runtime;
using static TorchSharp.torch;

namespace Spinodoid.Surrogate;

/// <summary>A fast model of the distribution of η given θ: its mean η̄(θ) and seed-to-seed covariance Σ(θ).</summary>
public interface IDiffusivityEmulator
{
    /// <summary>η̄ and Σ for many θ at once.</summary>
    (double[] Mean, double[,] Covariance)[] Predict(IReadOnlyList<double[]> thetas);
}

/// <summary>One draw of the forward map: parameters θ and the η of one structure (one seed) made with them.</summary>
public sealed record EmulatorSample(double[] Theta, double[] Eta);

/// <summary>Settings of <see cref="DiffusivityEmulator.Train"/>.</summary>
/// <param name="Hidden">Width of the two hidden layers.</param>
/// <param name="Epochs">Passes over the samples.</param>
/// <param name="BatchSize">Samples per step.</param>
/// <param name="LearningRate">Adam's step size (cosine decay to 5 % of it).</param>
/// <param name="Seed">Initial weights and batch order.</param>
public sealed record EmulatorTraining(int Hidden = 64, int Epochs = 200, int BatchSize = 256, double LearningRate = 3e-3, ulong Seed = 1)
{
    /// <summary>Throws on out-of-range settings.</summary>
    public EmulatorTraining Validated()
    {
        if (Hidden is < 4 or > 4096) throw new ArgumentException($"emulator width {Hidden} must be in 4–4096");
        if (Epochs is < 1 or > 100_000) throw new ArgumentException($"emulator epochs {Epochs} must be in 1–100000");
        if (BatchSize is < 1 or > 1 << 20) throw new ArgumentException($"emulator batch size {BatchSize} must be at least 1");
        if (!(LearningRate > 0 && LearningRate < 1)) throw new ArgumentException($"emulator learning rate {LearningRate} must be in (0, 1)");
        return this;
    }
}

/// <summary>
/// The distribution of η given θ over seeds: η of a structure is modelled as logit(η) ~ N(μ(θ), Σ(θ)), with μ and the
/// Cholesky factor of Σ given by a small network (θ → 2 hidden layers → 3 means + 6 Cholesky entries) trained by
/// maximum likelihood on draws (θ, η). Both the mean and the seed-to-seed scatter are learnt from single draws; in η
/// the covariance follows by the delta method (dη = η(1 − η) d logit η).
/// </summary>
public sealed class DiffusivityEmulator : IDiffusivityEmulator, IDisposable
{
    private const int Parameters = 4, Directions = 3, Outputs = Directions + 6;
    private readonly Sequential _network;
    private readonly double[] _centre, _scale;

    private DiffusivityEmulator(Sequential network, double[] centre, double[] scale)
    {
        _network = network;
        _centre = centre;
        _scale = scale;
    }

    private static Sequential Network(int hidden) => nn.Sequential(
        ("hidden0", nn.Linear(Parameters, hidden)), ("elu0", new Elu()),
        ("hidden1", nn.Linear(hidden, hidden)), ("elu1", new Elu()),
        ("output", nn.Linear(hidden, Outputs)));

    /// <summary>Fits the emulator to <paramref name="samples"/> (η in (0, 1), clipped away from 0 and 1).</summary>
    public static DiffusivityEmulator Train(IReadOnlyList<EmulatorSample> samples, EmulatorTraining? settings = null, IProgress<int>? progress = null)
    {
        settings = (settings ?? new EmulatorTraining()).Validated();
        if (samples.Count < 10) throw new ArgumentException($"the emulator needs at least 10 samples, got {samples.Count}");
        TorchRuntime.EnsureInitialised();
        var centre = Enumerable.Range(0, Parameters).Select(i => samples.Average(s => s.Theta[i])).ToArray();
        var scale = Enumerable.Range(0, Parameters).Select(i =>
            Math.Max(1e-9, Math.Sqrt(samples.Average(s => (s.Theta[i] - centre[i]) * (s.Theta[i] - centre[i]))))).ToArray();
        Sequential network;
        lock (DiffusivityNetwork.InitialisationGate)
        {
            torch.manual_seed((long)(settings.Seed & 0x7FFFFFFFFFFFFFFF));
            network = Network(settings.Hidden);
        }
        var emulator = new DiffusivityEmulator(network, centre, scale);
        var inputs = new float[samples.Count * Parameters];
        var targets = new float[samples.Count * Directions];
        for (int s = 0; s < samples.Count; s++)
        {
            var x = emulator.Normalise(samples[s].Theta);
            for (int i = 0; i < Parameters; i++) inputs[s * Parameters + i] = (float)x[i];
            for (int d = 0; d < Directions; d++) targets[s * Directions + d] = (float)SurrogateScaling.Logit(Math.Clamp(samples[s].Eta[d], 1e-4, 1 - 1e-4));
        }
        using var scope = torch.NewDisposeScope();
        var allInputs = torch.tensor(inputs, [samples.Count, Parameters]);
        var allTargets = torch.tensor(targets, [samples.Count, Directions]);
        var optimizer = torch.optim.Adam(network.parameters(), settings.LearningRate);
        var random = new SeededRandom(settings.Seed);
        int steps = (samples.Count + settings.BatchSize - 1) / settings.BatchSize;
        var order = Enumerable.Range(0, samples.Count).ToArray();
        network.train();
        for (int epoch = 0; epoch < settings.Epochs; epoch++)
        {
            // Cosine decay of the step size to 5 % of it.
            double rate = settings.LearningRate * (0.05 + 0.95 * 0.5 * (1 + Math.Cos(Math.PI * epoch / settings.Epochs)));
            foreach (var group in optimizer.ParamGroups) group.LearningRate = rate;
            for (int i = order.Length - 1; i > 0; i--)
            {
                int j = random.NextInt(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
            for (int step = 0; step < steps; step++)
            {
                using var stepScope = torch.NewDisposeScope();
                var batch = order.Skip(step * settings.BatchSize).Take(settings.BatchSize).Select(i => (long)i).ToArray();
                var index = torch.tensor(batch);
                optimizer.zero_grad();
                var loss = NegativeLogLikelihood(network.forward(allInputs.index_select(0, index)), allTargets.index_select(0, index));
                loss.backward();
                optimizer.step();
            }
            progress?.Report(epoch + 1);
        }
        network.eval();
        return emulator;
    }

    // The mean is fitted by least squares and the scatter by the likelihood given that mean: −log N(y; μ, L Lᵀ) up to
    // a constant, ½ |L⁻¹(y − μ)|² + Σ log L_dd (forward substitution), with μ held fixed in it. Fitting μ through the
    // full likelihood weights each point by its own 1/σ², so wherever the network learns a wide scatter it stops
    // fitting the mean there, and the longer it trains the more it does so (measured on the bundled CNN's draws: held-out
    // error 4.2 % after 150 epochs and 31 % after 600). The squared residuals are divided by their own (constant)
    // batch mean, a homoscedastic likelihood for μ on the same O(1) scale as the scatter's.
    private static Tensor NegativeLogLikelihood(Tensor output, Tensor target)
    {
        var (mean, l11, l22, l33, l21, l31, l32) = Split(output);
        var residual = target - mean;
        var meanSquared = (residual * residual).mean([0]);
        var meanFit = (meanSquared / meanSquared.detach().clamp_min(TorchScalars.ResidualFloor)).sum() * TorchScalars.Half;
        var r = target - mean.detach();
        var z1 = r[.., 0] / l11;
        var z2 = (r[.., 1] - l21 * z1) / l22;
        var z3 = (r[.., 2] - l31 * z1 - l32 * z2) / l33;
        var quadratic = z1 * z1 + z2 * z2 + z3 * z3;
        return (quadratic * TorchScalars.Half + l11.log() + l22.log() + l33.log()).mean() + meanFit;
    }

    private static (Tensor Mean, Tensor L11, Tensor L22, Tensor L33, Tensor L21, Tensor L31, Tensor L32) Split(Tensor output)
    {
        // Diagonal entries exp(·) + 10⁻⁴: positive, and never so small that the likelihood can collapse on one point.
        Tensor Diagonal(int column) => output[.., column].exp() + TorchScalars.CholeskyFloor;
        return (output[.., ..Directions], Diagonal(3), Diagonal(4), Diagonal(5), output[.., 6], output[.., 7], output[.., 8]);
    }

    private double[] Normalise(double[] theta)
    {
        if (theta.Length != Parameters) throw new ArgumentException($"θ has {theta.Length} values; the emulator takes {Parameters} (a_x, a_y, a_z, ε)");
        return Enumerable.Range(0, Parameters).Select(i => (theta[i] - _centre[i]) / _scale[i]).ToArray();
    }

    /// <summary>μ(θ) and Σ(θ) of logit(η) for many θ at once (one network call).</summary>
    public (double[] Mean, double[,] Covariance)[] PredictLogit(IReadOnlyList<double[]> thetas)
    {
        var inputs = new float[thetas.Count * Parameters];
        for (int s = 0; s < thetas.Count; s++)
        {
            var x = Normalise(thetas[s]);
            for (int i = 0; i < Parameters; i++) inputs[s * Parameters + i] = (float)x[i];
        }
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var output = _network.forward(torch.tensor(inputs, [thetas.Count, Parameters]));
        var (mean, l11, l22, l33, l21, l31, l32) = Split(output);
        var columns = new[] { mean[.., 0], mean[.., 1], mean[.., 2], l11, l22, l33, l21, l31, l32 }
            .Select(t => t.to_type(ScalarType.Float64).data<double>().ToArray()).ToArray();
        var result = new (double[], double[,])[thetas.Count];
        for (int s = 0; s < thetas.Count; s++)
        {
            var l = new double[3, 3];
            l[0, 0] = columns[3][s]; l[1, 1] = columns[4][s]; l[2, 2] = columns[5][s];
            l[1, 0] = columns[6][s]; l[2, 0] = columns[7][s]; l[2, 1] = columns[8][s];
            var covariance = new double[3, 3];
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++)
                    for (int k = 0; k < 3; k++) covariance[i, j] += l[i, k] * l[j, k];
            result[s] = ([columns[0][s], columns[1][s], columns[2][s]], covariance);
        }
        return result;
    }

    /// <summary>The mean η̄(θ) of structures with parameters θ and their seed-to-seed covariance Σ(θ) (delta method from logit space).</summary>
    public (double[] Mean, double[,] Covariance) Predict(double[] theta) => Predict([theta])[0];

    /// <inheritdoc/>
    public (double[] Mean, double[,] Covariance)[] Predict(IReadOnlyList<double[]> thetas) =>
        PredictLogit(thetas).Select(p => ToEta(p.Mean, p.Covariance)).ToArray();

    private static (double[] Mean, double[,] Covariance) ToEta(double[] mu, double[,] s)
    {
        // E[η] of a logit-normal to second order: sigmoid(μ) + ½ sigmoid''(μ) σ².
        var eta = new double[3];
        var slope = new double[3];
        for (int d = 0; d < 3; d++)
        {
            double p = SurrogateScaling.InverseLogit(mu[d]);
            slope[d] = p * (1 - p);
            eta[d] = p + 0.5 * slope[d] * (1 - 2 * p) * s[d, d];
        }
        var covariance = new double[3, 3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) covariance[i, j] = slope[i] * slope[j] * s[i, j];
        return (eta, covariance);
    }

    /// <summary>Writes the weights and the input normalisation (atomically).</summary>
    public void Save(string path)
    {
        AtomicFile.WriteFile(path, temporary => _network.save(temporary));
        AtomicFile.WriteText(path + ".json", System.Text.Json.JsonSerializer.Serialize(new { hidden = ((Linear)_network.children().First()).weight!.shape[0], centre = _centre, scale = _scale }));
    }

    /// <summary>Reads an emulator written by <see cref="Save"/>.</summary>
    public static DiffusivityEmulator Load(string path)
    {
        if (!File.Exists(path) || !File.Exists(path + ".json")) throw new ArgumentException($"no emulator at '{path}' (it needs {Path.GetFileName(path)} and {Path.GetFileName(path)}.json)");
        TorchRuntime.EnsureInitialised();
        var meta = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path + ".json"))!;
        var network = Network(meta["hidden"]!.GetValue<int>());
        network.load(path);
        network.eval();
        return new DiffusivityEmulator(network, meta["centre"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray(),
            meta["scale"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray());
    }

    /// <inheritdoc/>
    public void Dispose() => _network.Dispose();
}
