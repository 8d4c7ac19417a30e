using Spinodoid.Datasets;
using Spinodoid.Microstructure;
using Spinodoid.Surrogate;
using Spinodoid.Transport;
using TorchSharp;

namespace Spinodoid.Tests.Surrogate;

public sealed class TrainingTests : IDisposable
{
    private static readonly DatasetProfile Tiny = new("tiny", 24, 8, 2, 2);
    private static readonly SurrogateArchitecture TinyNet = new("tiny", 12, [8, 8], [16], 3, ConvolutionPadding.Same);
    private readonly string _root = Directory.CreateTempSubdirectory("spinodoid-cnn-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string MakeDataset()
    {
        string dir = Path.Combine(_root, "data");
        DatasetGenerator.Generate(new DatasetRequest(Tiny, 3, dir));
        return dir;
    }

    [Fact]
    public void ATinyNetworkOverfitsAHandfulOfStructures()
    {
        var data = MakeDataset();
        var options = new TrainingOptions(TinyNet, Epochs: 60, BatchSize: 4, Optimizer: "adam", LearningRate: 3e-3, Seed: 1, Augment: false);
        var history = SurrogateTrainer.Train(data, Path.Combine(_root, "model"), options);
        double first = history.Take(3).Average(m => m.TrainLoss), last = history.TakeLast(3).Average(m => m.TrainLoss);
        Assert.True(last < 0.1 * first, $"training loss went from {first:G3} to {last:G3}");
    }

    [Fact]
    public void SavedAndLoadedModelsPredictTheSame()
    {
        var data = MakeDataset();
        string dir = Path.Combine(_root, "model");
        SurrogateTrainer.Train(data, dir, new TrainingOptions(TinyNet, Epochs: 2, BatchSize: 4, Seed: 2));
        using var samples = SurrogateSamples.Open(data, "test");
        var inputs = Enumerable.Range(0, samples.Count).Select(i => { var b = new byte[samples.Volume]; samples.ReadInput(i, b); return b; }).ToList();
        using var loaded = SurrogateModel.Load(dir);
        var once = loaded.Predict(inputs);
        using var again = SurrogateModel.Load(dir);
        Assert.Equal(once, again.Predict(inputs));
        Assert.All(once, p => Assert.True(p.X is > 0 and < 1 && p.Y is > 0 and < 1 && p.Z is > 0 and < 1));
        // A structure of the wrong size is refused with the size it needs.
        var wrong = SpinodoidGenerator.Generate(new SpinodoidParameters(0.1, 0.1, 0.1, 0.5), 0, 32);
        Assert.Contains("24³", Assert.Throws<ArgumentException>(() => loaded.Predict(wrong)).Message);
    }

    [Fact]
    public void FineTuningStartsFromTheGivenModelsWeights()
    {
        var data = MakeDataset();
        string first = Path.Combine(_root, "first");
        var options = new TrainingOptions(TinyNet, Epochs: 3, BatchSize: 4, Seed: 4);
        SurrogateTrainer.Train(data, first, options);
        // An epoch at a vanishing learning rate from those weights keeps them: the fine-tuned model predicts what the
        // first one does, which a network from random weights (same seed, so the same initialisation) does not.
        string tuned = Path.Combine(_root, "tuned");
        SurrogateTrainer.Train(data, tuned, options with { Epochs = 1, LearningRate = 1e-12, InitialModel = first });
        string fresh = Path.Combine(_root, "fresh");
        SurrogateTrainer.Train(data, fresh, options with { Epochs = 1, LearningRate = 1e-12 });
        using var samples = SurrogateSamples.Open(data, "test");
        var inputs = Enumerable.Range(0, samples.Count).Select(i => { var b = new byte[samples.Volume]; samples.ReadInput(i, b); return b; }).ToList();
        double Gap(string a, string b)
        {
            using var ma = SurrogateModel.Load(a);
            using var mb = SurrogateModel.Load(b);
            return ma.Predict(inputs).Zip(mb.Predict(inputs)).Max(p => Math.Max(Math.Abs(p.First.X - p.Second.X),
                Math.Max(Math.Abs(p.First.Y - p.Second.Y), Math.Abs(p.First.Z - p.Second.Z))));
        }
        double kept = Gap(first, tuned), untrained = Gap(first, fresh);
        Assert.True(kept < 1e-5 && untrained > 1e3 * kept, $"largest η difference from the first model: fine-tuned {kept:G3}, fresh {untrained:G3}");
        var card = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(tuned, SurrogateModel.CardName)))!["training"]!;
        Assert.Equal(first, card["initial_model"]!.GetValue<string>());
        using (var start = SurrogateModel.Load(first)) Assert.Equal(start.WeightsDigest, card["initial_weights_digest"]!.GetValue<string>());
        // Resuming with another starting model is refused (it changes the result); so is a model of another architecture.
        var other = Path.Combine(_root, "other");
        SurrogateTrainer.Train(data, other, options with { Epochs = 1, Seed = 9 });
        Assert.Contains("init=", Assert.Throws<ArgumentException>(() =>
            SurrogateTrainer.Train(data, tuned, options with { Epochs = 1, LearningRate = 1e-12, InitialModel = other })).Message);
        var wider = TinyNet with { Widths = [8, 16] };
        Assert.Contains("architecture", Assert.Throws<ArgumentException>(() =>
            SurrogateTrainer.Train(data, Path.Combine(_root, "wider"), new TrainingOptions(wider, Epochs: 1, BatchSize: 4, InitialModel: first))).Message);
    }

    [Fact]
    public void ResumedTrainingContinuesFromTheLastEpoch()
    {
        var data = MakeDataset();
        string dir = Path.Combine(_root, "resumable");
        var options = new TrainingOptions(TinyNet, Epochs: 4, BatchSize: 4, Seed: 5);
        using var cancel = new CancellationTokenSource();
        var progress = new Inline<EpochMetrics>(m => { if (m.Epoch == 2) cancel.Cancel(); });
        Assert.Throws<OperationCanceledException>(() => SurrogateTrainer.Train(data, dir, options, progress, cancel.Token));
        // Any setting that changes the result is refused on resume, naming it.
        var changed = Assert.Throws<ArgumentException>(() => SurrogateTrainer.Train(data, dir, options with { LearningRate = 2e-3 }));
        Assert.Contains("lr=0.001 then, lr=0.002 now", changed.Message);
        Assert.Throws<ArgumentException>(() => SurrogateTrainer.Train(data, dir, options with { BatchSize = 2 }));
        Assert.Throws<ArgumentException>(() => SurrogateTrainer.Train(data, dir, options with { Augment = false }));
        Assert.Throws<ArgumentException>(() => SurrogateTrainer.Train(data, dir, options with { Optimizer = "sgd" }));
        // A time budget shorter than an epoch stops at the next epoch boundary (here after epoch 3), everything saved.
        var budgeted = SurrogateTrainer.Train(data, dir, options, timeBudget: TimeSpan.FromMilliseconds(1));
        Assert.Equal([1, 2, 3], budgeted.Select(m => m.Epoch));
        var resumed = SurrogateTrainer.Train(data, dir, options);
        Assert.Equal([1, 2, 3, 4], resumed.Select(m => m.Epoch));
        var straight = SurrogateTrainer.Train(data, Path.Combine(_root, "straight"), options);
        // Weights, optimiser state, batch order and augmentation are restored; what remains are the floating-point
        // differences of libtorch's multi-threaded reductions, which also separate two uninterrupted runs
        // (measured: 2·10⁻⁶ before, 2·10⁻⁴ after the interruption, relative).
        for (int e = 0; e < 4; e++)
            Assert.True(Math.Abs(straight[e].TrainLoss - resumed[e].TrainLoss) <= 2e-3 * straight[e].TrainLoss,
                $"epoch {e + 1}: {straight[e].TrainLoss} uninterrupted vs {resumed[e].TrainLoss} resumed");
    }

    [Fact]
    public void JointAugmentationPermutesLabelsAsTheSolverDoes()
    {
        // Apply the augmentation to a full-resolution structure and check the solver's η moves with the targets.
        var structure = SpinodoidGenerator.Generate(new SpinodoidParameters(0.1, 0.16, 0.24, 0.6), 4, 20);
        var options = new DiffusivityOptions(Tolerance: 1e-8);
        var eta = DiffusivitySolver.SolveAll(structure, options).Select(r => r.Diffusivity).ToArray();
        var random = new Random(11);
        for (int trial = 0; trial < 4; trial++)
        {
            using var scope = torch.NewDisposeScope();
            var input = torch.tensor(structure.Pore.Select(b => (float)b).ToArray(), new long[] { 1, 20, 20, 20 });
            var targets = eta.Select(v => (float)v).ToArray();
            var moved = Augmentation.Joint(input, targets, random).contiguous();
            var mask = moved.data<float>().ToArray().Select(v => (byte)v).ToArray();
            var transformed = new VoxelStructure(GridShape.Cube(20), mask);
            var expected = DiffusivitySolver.SolveAll(transformed, options).Select(r => r.Diffusivity).ToArray();
            for (int d = 0; d < 3; d++) Assert.Equal(expected[d], targets[d], 5);
        }
    }

    [Fact]
    public void SingleDirectionAugmentationLeavesTheTransportDiffusivityUnchanged()
    {
        var structure = SpinodoidGenerator.Generate(new SpinodoidParameters(0.12, 0.2, 0.15, 0.55), 6, 20);
        var options = new DiffusivityOptions(Tolerance: 1e-8);
        double etaZ = DiffusivitySolver.Solve(structure, Axis.Z, options).Diffusivity;
        var random = new Random(3);
        for (int trial = 0; trial < 3; trial++)
        {
            using var scope = torch.NewDisposeScope();
            var input = torch.tensor(structure.Pore.Select(b => (float)b).ToArray(), new long[] { 1, 20, 20, 20 });
            var moved = Augmentation.SingleDirection(input, random).contiguous();
            var mask = moved.data<float>().ToArray().Select(v => (byte)v).ToArray();
            double after = DiffusivitySolver.Solve(new VoxelStructure(GridShape.Cube(20), mask), Axis.Z, options).Diffusivity;
            Assert.Equal(etaZ, after, 6);
        }
    }
}
