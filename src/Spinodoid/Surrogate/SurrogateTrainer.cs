using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spinodoid.IO;
using Spinodoid.Microstructure;
using Spinodoid.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Spinodoid.Surrogate;

/// <summary>Training settings.</summary>
/// <param name="Architecture">The network.</param>
/// <param name="Epochs">Passes over the training split.</param>
/// <param name="BatchSize">Samples per optimiser step (the paper: 16).</param>
/// <param name="Optimizer">"sgd" (momentum 0.9, the paper's) or "adam".</param>
/// <param name="LearningRate">Base learning rate (adam), or the plateau rate of the paper's schedule (sgd).</param>
/// <param name="Seed">Weights, batch order and augmentation all follow from it.</param>
/// <param name="Augment">Use the label-preserving augmentations.</param>
/// <param name="InitialModel">
/// A model folder whose weights start the training instead of random ones (fine-tuning: more epochs for a model that
/// underfits, or a bundled model adapted to a user's own labelled structures); its architecture must be this one.
/// </param>
public sealed record TrainingOptions(
    SurrogateArchitecture Architecture, int Epochs, int BatchSize = 16, string Optimizer = "adam",
    double LearningRate = 1e-3, ulong Seed = 0, bool Augment = true, string? InitialModel = null)
{
    /// <summary>
    /// Every setting that changes the trained model, with the training data's identity: a training folder resumes only a
    /// run with the same settings, one per line as "name=value".
    /// </summary>
    public IReadOnlyList<string> Fingerprint(string datasetIdentity, string? initialWeightsDigest = null) =>
    [
        $"network={Architecture.Name}", $"architecture={System.Text.Json.JsonSerializer.Serialize(Architecture)}",
        $"epochs={Epochs}", $"batch={BatchSize}", $"optimizer={Optimizer}",
        $"lr={LearningRate.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}", $"seed={Seed}", $"augment={Augment}",
        $"dataset={datasetIdentity}",
        // Only fine-tuning runs carry this line, so the fingerprints of runs from random weights stay as they were.
        .. (initialWeightsDigest is null ? Array.Empty<string>() : [$"init={initialWeightsDigest}"]),
    ];

    /// <summary>Throws for out-of-range settings.</summary>
    public TrainingOptions Validated()
    {
        Architecture.Validated();
        if (Epochs is < 1 or > 100_000) throw new ArgumentException($"epochs {Epochs} is outside 1–100,000");
        if (BatchSize is < 1 or > 4096) throw new ArgumentException($"batch size {BatchSize} is outside 1–4096");
        if (Optimizer is not ("sgd" or "adam")) throw new ArgumentException($"optimizer '{Optimizer}' must be sgd or adam");
        if (!(LearningRate > 0 && LearningRate < 1)) throw new ArgumentException($"learning rate {LearningRate} is outside (0, 1)");
        return this;
    }

    /// <summary>
    /// Learning rate of an epoch. Adam: the base rate, cosine-decayed to a tenth. SGD: the paper's schedule
    /// (Methods) — log₁₀ LR = −4, −3.75, …, −2.75 for 25 epochs each, then −2.5 for 1600, −2.75 for 875 and −3
    /// for 875 epochs — compressed proportionally when fewer than 3500 epochs are asked for.
    /// </summary>
    public double LearningRateAt(int epoch)
    {
        if (Optimizer == "adam")
            return LearningRate * (0.1 + 0.9 * 0.5 * (1 + Math.Cos(Math.PI * epoch / Math.Max(1, Epochs))));
        double position = 3500.0 * epoch / Epochs;
        double log10 = position < 150 ? -4 + 0.25 * Math.Floor(position / 25)
            : position < 1750 ? -2.5 : position < 2625 ? -2.75 : -3;
        return Math.Pow(10, log10) * (LearningRate / Math.Pow(10, -2.5));
    }
}

/// <summary>One epoch's numbers.</summary>
public readonly record struct EpochMetrics(int Epoch, double TrainLoss, double ValidationLoss, double ValidationMape, double LearningRate, double Seconds);

/// <summary>Quality of predictions on a split: MSE of logit(η) and MAPE of η (paper eq. 13–15), per direction.</summary>
public sealed record SurrogateEvaluation(double MseLogit, double Mape, double[] MapeByAxis, double[][] Predicted, double[][] Solver);

/// <summary>
/// Trains a surrogate on a dataset: MSE on the logit scale, best-validation checkpoint, resumable from the
/// last completed epoch (weights, optimiser state and epoch are saved after every epoch), metrics in CSV.
/// </summary>
public static class SurrogateTrainer
{
    private const string LastWeights = "last.bin", LastOptimizer = "last-optimizer.bin", StateName = "training.json", MetricsName = "metrics.csv";

    /// <summary>
    /// Trains (or resumes training) into <paramref name="outputDirectory"/>; the best model is saved there. With
    /// <paramref name="timeBudget"/>, no epoch after the first of this call starts that would, at the pace of the last one,
    /// end after the budget: the run stops at an epoch boundary (everything saved) and the same call resumes it, e.g. in the
    /// next Slurm job. Every call trains at least one epoch, so a short budget still makes progress.
    /// <paramref name="batches"/> hears of the training samples done within each epoch (an epoch of 8,192 takes minutes).
    /// </summary>
    public static IReadOnlyList<EpochMetrics> Train(string datasetDirectory, string outputDirectory, TrainingOptions options,
        IProgress<EpochMetrics>? progress = null, CancellationToken cancellation = default, TimeSpan? timeBudget = null,
        IProgress<(int Epoch, int Done, int Total)>? batches = null)
    {
        var clock = Stopwatch.StartNew();
        options = options.Validated();
        TorchRuntime.EnsureInitialised();
        using var folder = FolderLock.Acquire(outputDirectory, "training run");
        using var train = SurrogateSamples.Open(datasetDirectory, "train");
        using var validation = SurrogateSamples.Open(datasetDirectory, "validation");
        if (train.Side != options.Architecture.InputSize)
            throw new ArgumentException($"the dataset's inputs are {train.Side}³ but network '{options.Architecture.Name}' takes {options.Architecture.InputSize}³");
        Directory.CreateDirectory(outputDirectory);

        var network = new DiffusivityNetwork(options.Architecture, options.Seed);
        string? initialDigest = null;
        if (options.InitialModel is string initial)
        {
            using var start = SurrogateModel.Load(initial);
            string wanted = System.Text.Json.JsonSerializer.Serialize(options.Architecture),
                   found = System.Text.Json.JsonSerializer.Serialize(start.Network.Architecture);
            if (wanted != found)
                throw new ArgumentException($"the initial model '{initial}' has another architecture ({found}) than this run's '{options.Architecture.Name}' ({wanted})");
            initialDigest = start.WeightsDigest;
            // A resumed run takes its weights from its last epoch below; the start only enters its fingerprint.
            if (!File.Exists(Path.Combine(outputDirectory, StateName))) network.load(Path.Combine(initial, SurrogateModel.WeightsName));
        }
        var parameters = network.parameters();
        TorchSharp.Modules.OptimizerHelper optimizer = options.Optimizer == "sgd"
            ? optim.SGD(parameters, options.LearningRateAt(0), momentum: 0.9)
            : optim.Adam(parameters, options.LearningRateAt(0));

        var history = new List<EpochMetrics>();
        int startEpoch = 0;
        double best = double.PositiveInfinity;
        string statePath = Path.Combine(outputDirectory, StateName);
        var fingerprint = options.Fingerprint(Datasets.InputCache.Identity(datasetDirectory), initialDigest);
        if (File.Exists(statePath))
        {
            var state = JsonNode.Parse(File.ReadAllText(statePath))!;
            if (state["seed"]!.GetValue<ulong>() != options.Seed || state["architecture"]!.GetValue<string>() != options.Architecture.Name)
                throw new ArgumentException($"'{outputDirectory}' holds a training run with other settings; choose another folder");
            if (state["fingerprint"] is JsonArray saved)
            {
                var before = saved.Select(v => v!.GetValue<string>()).ToList();
                var changed = fingerprint.Zip(before).FirstOrDefault(p => p.First != p.Second);
                if (changed != default || before.Count != fingerprint.Count)
                    throw new ArgumentException($"'{outputDirectory}' holds a training run with other settings ({changed.Second ?? "?"} then, {changed.First ?? "?"} now); " +
                                                "use the same settings to resume, or another folder");
            }
            startEpoch = state["epochs_done"]!.GetValue<int>();
            best = state["best_validation_loss"]!.GetValue<double>();
            network.load(Path.Combine(outputDirectory, LastWeights));
            optimizer.load_state_dict(Path.Combine(outputDirectory, LastOptimizer));
            history.AddRange(ReadMetrics(Path.Combine(outputDirectory, MetricsName)));
        }

        for (int epoch = startEpoch; epoch < options.Epochs; epoch++)
        {
            cancellation.ThrowIfCancellationRequested();
            if (timeBudget is TimeSpan budget && epoch > startEpoch && clock.Elapsed.TotalSeconds + history[^1].Seconds > budget.TotalSeconds) break;
            var watch = Stopwatch.StartNew();
            double lr = options.LearningRateAt(epoch);
            foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
            double trainLoss = TrainEpoch(network, optimizer, train, options, epoch, cancellation, batches);
            if (!double.IsFinite(trainLoss))
                throw new InvalidOperationException($"training diverged in epoch {epoch + 1} (loss {trainLoss}); resume from the last checkpoint or lower --lr");
            var evaluation = Evaluate(network, validation);
            var metrics = new EpochMetrics(epoch + 1, trainLoss, evaluation.MseLogit, evaluation.Mape, lr, watch.Elapsed.TotalSeconds);
            history.Add(metrics);

            var model = new SurrogateModel(network, train.Side * 2);
            if (evaluation.MseLogit < best)
            {
                best = evaluation.MseLogit;
                model.Save(outputDirectory, TrainingCard(datasetDirectory, options, metrics, initialDigest));
            }
            AtomicFile.WriteFile(Path.Combine(outputDirectory, LastWeights), temporary => network.save(temporary));
            AtomicFile.WriteFile(Path.Combine(outputDirectory, LastOptimizer), temporary => optimizer.save_state_dict(temporary));
            WriteMetrics(Path.Combine(outputDirectory, MetricsName), history);
            AtomicFile.WriteText(statePath, new JsonObject
            {
                ["seed"] = options.Seed, ["architecture"] = options.Architecture.Name, ["epochs_done"] = epoch + 1,
                ["fingerprint"] = new JsonArray(fingerprint.Select(f => (JsonNode?)f).ToArray()),
                ["epochs"] = options.Epochs, ["best_validation_loss"] = best,
            }.ToJsonString());
            progress?.Report(metrics);
        }
        return history;
    }

    private static double TrainEpoch(DiffusivityNetwork network, TorchSharp.Modules.OptimizerHelper optimizer, SurrogateSamples samples,
        TrainingOptions options, int epoch, CancellationToken cancellation, IProgress<(int Epoch, int Done, int Total)>? batchProgress)
    {
        network.train();
        var random = new Random(unchecked((int)CounterRandom.Mix(options.Seed * 7919 + (ulong)epoch)));
        bool joint = options.Architecture.Outputs == 3;
        // One-direction models see every structure once per direction and epoch.
        var items = Enumerable.Range(0, samples.Count).SelectMany(i => joint ? [(i, Axis.X)] : new[] { (i, Axis.X), (i, Axis.Y), (i, Axis.Z) })
            .OrderBy(_ => random.Next()).ToArray();
        var buffer = new byte[samples.Volume];
        double lossSum = 0;
        int batches = 0, side = samples.Side;
        for (int start = 0; start < items.Length; start += options.BatchSize)
        {
            cancellation.ThrowIfCancellationRequested();
            // The optimiser creates its state tensors (momentum, Adam's moments) on its first step; they must
            // outlive the batch, so only the batch's own tensors live in this dispose scope.
            var scope = NewDisposeScope();
            var batch = items.Skip(start).Take(options.BatchSize).ToArray();
            var inputs = new List<Tensor>(batch.Length);
            var targets = new float[batch.Length * options.Architecture.Outputs];
            for (int b = 0; b < batch.Length; b++)
            {
                var (i, axis) = batch[b];
                samples.ReadInput(i, buffer);
                var input = TorchRuntime.CopyToTensor(buffer.Select(SurrogateScaling.ScaleInput).ToArray(), [1, side, side, side]);
                if (joint)
                {
                    var t = new[] { (float)SurrogateScaling.Logit(samples.Label(i, Axis.X)), (float)SurrogateScaling.Logit(samples.Label(i, Axis.Y)),
                                    (float)SurrogateScaling.Logit(samples.Label(i, Axis.Z)) };
                    if (options.Augment) input = Augmentation.Joint(input, t, random);
                    t.CopyTo(targets, 3 * b);
                }
                else
                {
                    input = Augmentation.TransportAlongFirstDim(input, axis);
                    if (options.Augment) input = Augmentation.SingleDirection(input, random);
                    targets[b] = (float)SurrogateScaling.Logit(samples.Label(i, axis));
                }
                inputs.Add(input.contiguous());
            }
            var x = stack(inputs);
            var y = TorchRuntime.CopyToTensor(targets, [batch.Length, options.Architecture.Outputs]);
            optimizer.zero_grad();
            var loss = nn.functional.mse_loss(network.forward(x), y);
            loss.backward();
            lossSum += loss.item<float>();
            batches++;
            scope.Dispose();
            optimizer.step();
            batchProgress?.Report((epoch + 1, Math.Min(items.Length, start + options.BatchSize), items.Length));
        }
        return lossSum / Math.Max(1, batches);
    }

    /// <summary>
    /// Predictions of a network on every sample of a split against the solver's η, each averaged over
    /// <paramref name="symmetryAveraging"/> cube symmetries (<see cref="SurrogateModel.SymmetryAveraging"/>) and
    /// corrected by <paramref name="correction"/> when given, its coarse η taken from <paramref name="coarseFeatures"/> (the
    /// dataset's table) where it holds them; <paramref name="progress"/> hears of the samples done.
    /// </summary>
    public static SurrogateEvaluation Evaluate(DiffusivityNetwork network, SurrogateSamples samples, int batchSize = 16, int symmetryAveraging = 1,
        SurrogateCorrection? correction = null, IProgress<int>? progress = null, CoarseFeatureTable? coarseFeatures = null)
    {
        var model = new SurrogateModel(network, samples.Side * 2) { SymmetryAveraging = symmetryAveraging, Correction = correction };
        var predicted = new List<double[]>();
        var solver = new List<double[]>();
        for (int start = 0; start < samples.Count; start += batchSize)
        {
            var inputs = new List<byte[]>();
            for (int i = start; i < Math.Min(samples.Count, start + batchSize); i++)
            {
                var buffer = new byte[samples.Volume];
                samples.ReadInput(i, buffer);
                inputs.Add(buffer);
                var (lx, ly, lz) = samples.Labels(i);
                solver.Add([lx, ly, lz]);
            }
            if (correction is not null && coarseFeatures is not null)
            {
                var networkEta = model.PredictNetwork(inputs);
                var coarse = coarseFeatures.Get(Enumerable.Range(start, inputs.Count).Select(i => samples.Rows[i].Index).ToList(), inputs, samples.Side);
                predicted.AddRange(networkEta.Select((p, k) => correction.Apply([p.X, p.Y, p.Z], coarse[k], SurrogateModel.CountsPorosity(inputs[k]))));
            }
            else predicted.AddRange(model.Predict(inputs).Select(p => new[] { p.X, p.Y, p.Z }));
            progress?.Report(predicted.Count);
        }
        network.train();
        double mse = 0, mape = 0;
        var byAxis = new double[3];
        for (int i = 0; i < predicted.Count; i++)
            for (int d = 0; d < 3; d++)
            {
                double e = SurrogateScaling.Logit(Math.Clamp(predicted[i][d], 1e-12, 1 - 1e-12)) - SurrogateScaling.Logit(solver[i][d]);
                mse += e * e;
                double ape = 100 * Math.Abs(predicted[i][d] - solver[i][d]) / solver[i][d];
                mape += ape;
                byAxis[d] += ape;
            }
        int n = Math.Max(1, predicted.Count);
        return new SurrogateEvaluation(mse / (3 * n), mape / (3 * n), byAxis.Select(v => v / n).ToArray(),
            predicted.ToArray(), solver.ToArray());
    }

    private static JsonObject TrainingCard(string dataset, TrainingOptions options, EpochMetrics metrics, string? initialDigest)
    {
        var card = new JsonObject
        {
            ["dataset"] = dataset,
            ["optimizer"] = options.Optimizer, ["learning_rate"] = options.LearningRate, ["batch_size"] = options.BatchSize,
            ["epochs"] = options.Epochs, ["seed"] = options.Seed, ["augment"] = options.Augment,
            ["best_epoch"] = metrics.Epoch, ["validation_mse_logit"] = metrics.ValidationLoss, ["validation_mape"] = metrics.ValidationMape,
        };
        if (options.InitialModel is not null)
        {
            card["initial_model"] = options.InitialModel;
            card["initial_weights_digest"] = initialDigest;
        }
        return card;
    }

    private static void WriteMetrics(string path, IEnumerable<EpochMetrics> history)
    {
        var text = new StringBuilder("epoch,train_mse_logit,validation_mse_logit,validation_mape,learning_rate,seconds\n");
        foreach (var m in history)
            text.Append(string.Create(CultureInfo.InvariantCulture,
                $"{m.Epoch},{m.TrainLoss:R},{m.ValidationLoss:R},{m.ValidationMape:R},{m.LearningRate:R},{m.Seconds:0.###}\n"));
        AtomicFile.WriteText(path, text.ToString());
    }

    private static IEnumerable<EpochMetrics> ReadMetrics(string path) =>
        File.Exists(path)
            ? File.ReadAllLines(path).Skip(1).Where(l => l.Length > 0).Select(l =>
            {
                var f = l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
                return new EpochMetrics((int)f[0], f[1], f[2], f[3], f[4], f[5]);
            })
            : [];
}
