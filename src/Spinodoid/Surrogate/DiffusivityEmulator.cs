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

    /// <summary>
    /// How uncertain the fitted mean itself is at each θ: the standard deviation of logit η̄ between the members of an
    /// ensemble, per direction; null for an emulator that has no members to compare.
    /// </summary>
    double[][]? MemberSpreadLogit(IReadOnlyList<double[]> thetas) => null;
}

/// <summary>One draw of the forward map: parameters θ and the η of one structure (one seed) made with them.</summary>
public sealed record EmulatorSample(double[] Theta, double[] Eta);

/// <summary>Settings of <see cref="DiffusivityEmulator.Train"/>.</summary>
/// <param name="Hidden">Width of the two hidden layers.</param>
/// <param name="Epochs">Passes over the samples.</param>
/// <param name="BatchSize">Samples per step.</param>
/// <param name="LearningRate">Adam's step size (cosine decay to 5 % of it).</param>
/// <param name="Seed">Initial weights and batch order (member k of an ensemble uses Seed + k).</param>
/// <param name="Members">Networks trained from different seeds whose means are averaged: the ensemble averages away
/// the fit's seed-to-seed variation (≈ 0.5–0.8 % in η between members) and measures it.</param>
public sealed record EmulatorTraining(int Hidden = 64, int Epochs = 200, int BatchSize = 256, double LearningRate = 3e-3, ulong Seed = 1, int Members = 1)
{
    /// <summary>Throws on out-of-range settings.</summary>
    public EmulatorTraining Validated()
    {
        if (Hidden is < 4 or > 4096) throw new ArgumentException($"emulator width {Hidden} must be in 4–4096");
        if (Epochs is < 1 or > 100_000) throw new ArgumentException($"emulator epochs {Epochs} must be in 1–100000");
        if (BatchSize is < 1 or > 1 << 20) throw new ArgumentException($"emulator batch size {BatchSize} must be at least 1");
        if (!(LearningRate > 0 && LearningRate < 1)) throw new ArgumentException($"emulator learning rate {LearningRate} must be in (0, 1)");
        if (Members is < 1 or > 64) throw new ArgumentException($"emulator members {Members} must be in 1–64");
        return this;
    }
}

/// <summary>
/// The distribution of η given θ over seeds: η of a structure is modelled as logit(η) ~ N(μ(θ), Σ(θ)), with μ and the
/// Cholesky factor of Σ given by a small network (θ → 2 hidden layers → 3 means + 6 Cholesky entries) trained by
/// maximum likelihood on draws (θ, η). Both the mean and the seed-to-seed scatter are learnt from single draws; in η
/// the covariance follows by the delta method (dη = η(1 − η) d logit η). An ensemble of such networks (trained from
/// different seeds on the same samples) predicts the members' mean μ and mean Σ; the members' disagreement about μ is
/// the fit's own uncertainty, <see cref="MemberSpreadLogit"/>.
/// </summary>
public sealed class DiffusivityEmulator : IDiffusivityEmulator, IDisposable
{
    private const int Parameters = 4, Directions = 3, Outputs = Directions + 6;
    private readonly Sequential[] _members;
    private readonly double[] _centre, _scale;

    private DiffusivityEmulator(Sequential[] members, double[] centre, double[] scale)
    {
        _members = members;
        _centre = centre;
        _scale = scale;
    }

    /// <summary>Networks averaged (1 for a single network).</summary>
    public int Members => _members.Length;

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
        var emulator = new DiffusivityEmulator(new Sequential[settings.Members], centre, scale);
        var inputs = new float[samples.Count * Parameters];
        var targets = new float[samples.Count * Directions];
        for (int s = 0; s < samples.Count; s++)
        {
            var x = emulator.Normalise(samples[s].Theta);
            for (int i = 0; i < Parameters; i++) inputs[s * Parameters + i] = (float)x[i];
            for (int d = 0; d < Directions; d++) targets[s * Directions + d] = (float)SurrogateScaling.Logit(Math.Clamp(samples[s].Eta[d], 1e-4, 1 - 1e-4));
        }
        for (int member = 0; member < settings.Members; member++)
        {
            int done = member * settings.Epochs;
            emulator._members[member] = TrainMember(inputs, targets, settings with { Seed = settings.Seed + (ulong)member }, progress is null ? null : new ImmediateProgress(e => progress.Report(done + e)));
        }
        return emulator;
    }

    private sealed class ImmediateProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }

    private static Sequential TrainMember(float[] inputs, float[] targets, EmulatorTraining settings, IProgress<int>? progress)
    {
        int count = targets.Length / Directions;
        Sequential network;
        lock (DiffusivityNetwork.InitialisationGate)
        {
            torch.manual_seed((long)(settings.Seed & 0x7FFFFFFFFFFFFFFF));
            network = Network(settings.Hidden);
        }
        using var scope = torch.NewDisposeScope();
        var allInputs = torch.tensor(inputs, [count, Parameters]);
        var allTargets = torch.tensor(targets, [count, Directions]);
        var optimizer = torch.optim.Adam(network.parameters(), settings.LearningRate);
        var random = new SeededRandom(settings.Seed);
        int steps = (count + settings.BatchSize - 1) / settings.BatchSize;
        var order = Enumerable.Range(0, count).ToArray();
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
        return network;
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

    /// <summary>μ(θ) and Σ(θ) of logit(η) for many θ at once (one call per member): the members' mean μ and mean Σ.</summary>
    public (double[] Mean, double[,] Covariance)[] PredictLogit(IReadOnlyList<double[]> thetas)
    {
        var result = new (double[] Mean, double[,] Covariance)[thetas.Count];
        for (int s = 0; s < thetas.Count; s++) result[s] = (new double[Directions], new double[Directions, Directions]);
        foreach (var member in MemberLogits(thetas))
            for (int s = 0; s < thetas.Count; s++)
                for (int i = 0; i < Directions; i++)
                {
                    result[s].Mean[i] += member[s].Mean[i] / _members.Length;
                    for (int j = 0; j < Directions; j++) result[s].Covariance[i, j] += member[s].Covariance[i, j] / _members.Length;
                }
        return result;
    }

    /// <summary>
    /// The members' standard deviation of μ(θ) in logit(η) per direction (for small η about the relative spread of η̄):
    /// how much the fitted mean itself is uncertain, apart from the seed-to-seed scatter Σ. Null for a single network.
    /// </summary>
    public double[][]? MemberSpreadLogit(IReadOnlyList<double[]> thetas)
    {
        if (_members.Length < 2) return null;
        var members = MemberLogits(thetas).ToArray();
        var spread = new double[thetas.Count][];
        for (int s = 0; s < thetas.Count; s++)
        {
            spread[s] = new double[Directions];
            for (int d = 0; d < Directions; d++)
            {
                double mean = members.Average(m => m[s].Mean[d]);
                spread[s][d] = Math.Sqrt(members.Sum(m => (m[s].Mean[d] - mean) * (m[s].Mean[d] - mean)) / (members.Length - 1));
            }
        }
        return spread;
    }

    private IEnumerable<(double[] Mean, double[,] Covariance)[]> MemberLogits(IReadOnlyList<double[]> thetas)
    {
        var inputs = new float[thetas.Count * Parameters];
        for (int s = 0; s < thetas.Count; s++)
        {
            var x = Normalise(thetas[s]);
            for (int i = 0; i < Parameters; i++) inputs[s * Parameters + i] = (float)x[i];
        }
        foreach (var network in _members) yield return NetworkLogits(network, inputs, thetas.Count);
    }

    private static (double[] Mean, double[,] Covariance)[] NetworkLogits(Sequential network, float[] inputs, int count)
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var output = network.forward(torch.tensor(inputs, [count, Parameters]));
        var (mean, l11, l22, l33, l21, l31, l32) = Split(output);
        var columns = new[] { mean[.., 0], mean[.., 1], mean[.., 2], l11, l22, l33, l21, l31, l32 }
            .Select(t => t.to_type(ScalarType.Float64).data<double>().ToArray()).ToArray();
        var result = new (double[], double[,])[count];
        for (int s = 0; s < count; s++)
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

    /// <summary>
    /// Writes the weights and the input normalisation (atomically): the first member to <paramref name="path"/>, member
    /// k ≥ 2 to path.member{k}, and path.json (written last) with the normalisation and the member count.
    /// </summary>
    public void Save(string path)
    {
        // Without path.json there is no emulator, so an interrupted save never leaves old and new members mixed.
        File.Delete(path + ".json");
        for (int k = 0; k < _members.Length; k++)
        {
            var network = _members[k];
            AtomicFile.WriteFile(MemberPath(path, k), temporary => network.save(temporary));
        }
        AtomicFile.WriteText(path + ".json", System.Text.Json.JsonSerializer.Serialize(new
        {
            hidden = ((Linear)_members[0].children().First()).weight!.shape[0], members = _members.Length, centre = _centre, scale = _scale,
        }));
    }

    private static string MemberPath(string path, int member) => member == 0 ? path : $"{path}.member{member + 1}";

    /// <summary>Reads an emulator written by <see cref="Save"/> (a file without a member count is one network).</summary>
    public static DiffusivityEmulator Load(string path)
    {
        if (!File.Exists(path) || !File.Exists(path + ".json")) throw new ArgumentException($"no emulator at '{path}' (it needs {Path.GetFileName(path)} and {Path.GetFileName(path)}.json)");
        TorchRuntime.EnsureInitialised();
        var meta = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path + ".json"))!;
        int count = meta["members"]?.GetValue<int>() ?? 1;
        if (count is < 1 or > 64) throw new ArgumentException($"the emulator '{path}' says it has {count} members; allowed 1–64");
        var members = new Sequential[count];
        for (int k = 0; k < count; k++)
        {
            string file = MemberPath(path, k);
            if (!File.Exists(file)) throw new ArgumentException($"the emulator '{path}' has {count} members but {Path.GetFileName(file)} is missing");
            members[k] = Network(meta["hidden"]!.GetValue<int>());
            members[k].load(file);
            members[k].eval();
        }
        return new DiffusivityEmulator(members, meta["centre"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray(),
            meta["scale"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray());
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var network in _members) network.Dispose();
    }
}
