using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Cli;
using Spinodoid.Datasets;
using Spinodoid.Design;
using Spinodoid.Microstructure;
using Spinodoid.Runtime;
using Spinodoid.Surrogate;
using Spinodoid.Cli.Support;

namespace Spinodoid.Cli.Commands;

/// <summary>
/// Builds a model's emulator: a network of η̄(θ) and Σ(θ) fitted to single structures, either the dataset's solver labels
/// (the default: what validation measures) or CNN predictions of draws over the prior (what ABC sees), and its held-out accuracy.
/// </summary>
internal sealed class EmulatorBuildCommand : Command<EmulatorBuildCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--model <DIR>")]
        [Description("The CNN to emulate. Default: the bundled model.")]
        public string? Model { get; init; }

        [CommandOption("--labels <SOURCE>")]
        [Description("What the emulator learns: solver (the dataset's labels; train and validation splits to train, test held out) or cnn (CNN predictions of --draws prior draws). Default solver.")]
        [DefaultValue("solver")]
        public string Labels { get; init; } = "solver";

        [CommandOption("--data <DIR>")]
        [Description("Dataset for --labels solver, made at the model's N. Default: the bundled dataset (data/compact).")]
        public string? Data { get; init; }

        [CommandOption("--draws <N>")]
        [Description("For --labels cnn: prior draws, one structure each, predicted by the CNN (90 % to train, 10 % held out). Default 4000.")]
        [DefaultValue(4000)]
        public int Draws { get; init; }

        [CommandOption("--epochs <E>")]
        [Description("Training passes. Default 150.")]
        [DefaultValue(150)]
        public int Epochs { get; init; }

        [CommandOption("--members <K>")]
        [Description("Networks trained from seeds SEED … SEED + K − 1 and averaged (their disagreement is reported as the fit's own uncertainty). Default 4.")]
        [DefaultValue(4)]
        public int Members { get; init; } = 4;

        [CommandOption("--seed <SEED>")]
        [Description("Seed of the draws and of the training (the first member). Default 1.")]
        [DefaultValue(1UL)]
        public ulong Seed { get; init; }

        [CommandOption("-o|--out <FILE>")]
        [Description("Output weights (FILE and FILE.json). Default: emulator.bin in the model's folder.")]
        public string? Out { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        bool solverLabels = settings.Labels switch
        {
            "solver" => true,
            "cnn" => false,
            _ => throw new ArgumentException($"--labels '{settings.Labels}' is not a label source; allowed: solver, cnn"),
        };
        var training = new EmulatorTraining(Epochs: settings.Epochs, Seed: settings.Seed, Members: settings.Members).Validated();
        if (!solverLabels && settings.Draws < 100) throw new ArgumentException($"--draws {settings.Draws} must be at least 100");
        string modelDirectory = settings.Model ?? BundledModel.Locate();
        string output = settings.Out ?? Path.Combine(modelDirectory, "emulator.bin");
        OutputPaths.CheckFile(output);
        using var model = SurrogateModel.Load(modelDirectory);
        var watch = Stopwatch.StartNew();
        List<EmulatorSample> train, test;
        string? dataDirectory = null;
        int sourceCount;
        if (solverLabels)
        {
            dataDirectory = settings.Data ?? BundledModel.LocateDataset();
            var data = DatasetStore.Load(dataDirectory);
            if (data.Rows.FirstOrDefault(r => r.Size != model.StructureSize) is { } other)
                throw new ArgumentException($"the dataset in '{dataDirectory}' has N = {other.Size} structures (row {other.Index}), the model predicts N = {model.StructureSize}; " +
                                            "give a dataset made at the model's N (--data)");
            train = EmulatorDraws.FromDataset(data.Rows.Where(r => r.Split != "test"));
            test = EmulatorDraws.FromDataset(data.Split("test"));
            sourceCount = data.Rows.Count;
            if (train.Count < 10 || test.Count < 1)
                throw new ArgumentException($"the dataset in '{dataDirectory}' has {train.Count} connected train + validation rows and {test.Count} test rows; the emulator needs at least 10 and 1");
        }
        else
        {
            var simulator = new SurrogateSimulator(model);
            var prior = new SpinodoidDesignPrior(SpinodoidPrior.Paper);
            var draws = ProgressBarStages.Instance.Run("CNN draws over the prior", settings.Draws, progress =>
                EmulatorDraws.FromSimulator(simulator, prior, settings.Draws, settings.Seed, progress: progress, cancellation: cancellation));
            int held = Math.Max(10, draws.Count / 10);
            train = draws.Take(draws.Count - held).ToList();
            test = draws.Skip(draws.Count - held).ToList();
            sourceCount = settings.Draws;
        }
        double drawSeconds = watch.Elapsed.TotalSeconds;
        watch.Restart();
        using var emulator = ProgressBarStages.Instance.Run($"training the emulator ({settings.Members} member{(settings.Members == 1 ? "" : "s")})", settings.Epochs * settings.Members, progress =>
            DiffusivityEmulator.Train(train, training, progress));
        double trainSeconds = watch.Elapsed.TotalSeconds;

        // Held out: how far η̄ is from single structures (which scatter by seed), and whether the scatter is right.
        var predicted = emulator.Predict(test.Select(s => s.Theta).ToList());
        double mape = 0, inside = 0;
        for (int s = 0; s < test.Count; s++)
            for (int d = 0; d < 3; d++)
            {
                mape += Math.Abs(predicted[s].Mean[d] - test[s].Eta[d]) / test[s].Eta[d] / (3.0 * test.Count);
                if (Math.Abs(predicted[s].Mean[d] - test[s].Eta[d]) <= 1.96 * Math.Sqrt(predicted[s].Covariance[d, d])) inside += 1.0 / (3 * test.Count);
            }
        // The fit's own uncertainty: the members' spread of μ (logit) at the held-out θ, overall and at low porosity where it is largest.
        var spread = emulator.MemberSpreadLogit(test.Select(s => s.Theta).ToList());
        double? MeanSpread(Func<EmulatorSample, bool> keep) => spread is null ? null
            : Enumerable.Range(0, test.Count).Where(s => keep(test[s])).Select(s => (double?)spread[s].Average()).Average();
        double? spreadAll = MeanSpread(_ => true), spreadLow = MeanSpread(s => s.Theta[3] < 0.35);
        emulator.Save(output);
        var card = new JsonObject(ProgramInfo.Header())
        {
            ["kind"] = "spinodoid emulator", ["model"] = Path.GetFileName(Path.GetFullPath(modelDirectory).TrimEnd(Path.DirectorySeparatorChar)), ["model_weights_sha256"] = model.WeightsDigest, ["model_symmetry_averaging"] = model.SymmetryAveraging,
            ["labels"] = solverLabels ? "solver (dataset)" : "cnn (prior draws)",
            ["dataset"] = dataDirectory is null ? null : Path.GetFileName(Path.GetFullPath(dataDirectory).TrimEnd(Path.DirectorySeparatorChar)),
            ["draws"] = sourceCount, ["kept"] = train.Count + test.Count, ["train"] = train.Count, ["held_out"] = test.Count, ["epochs"] = settings.Epochs,
            ["seed"] = settings.Seed, ["members"] = settings.Members,
            ["held_out_member_spread_logit"] = spreadAll is { } all ? Math.Round(all, 5) : null,
            ["held_out_member_spread_logit_porosity_below_0_35"] = spreadLow is { } low ? Math.Round(low, 5) : null,
            ["held_out_mape_of_mean_vs_single_structures"] = Math.Round(mape, 5),
            ["held_out_fraction_within_95_percent"] = Math.Round(inside, 4),
            ["seconds_draws"] = Math.Round(drawSeconds, 1), ["seconds_training"] = Math.Round(trainSeconds, 1),
        };
        AtomicFile.WriteText(output + ".card.json", card.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        string source = solverLabels ? $"{train.Count + test.Count} solver-labelled structures of {sourceCount} in '{dataDirectory}'" : $"{train.Count + test.Count} connected CNN draws of {sourceCount}";
        string spreadNote = spreadAll is null ? "" : string.Create(CultureInfo.InvariantCulture,
            $"; members' spread of η̄ {100 * spreadAll:0.00} % (logit SD; {100 * spreadLow:0.00} % at ε < 0.35)");
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"{Markup.Escape(source)} ({drawSeconds:0} s), trained on {train.Count} ({trainSeconds:0} s); held out {test.Count}: " +
            $"η̄ vs single structures {100 * mape:0.00} % (seed scatter included), {100 * inside:0.0} % within the 95 % band{spreadNote}"));
        AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(output)}[/] (+ .json, .card.json{(settings.Members > 1 ? $", .member2 … .member{settings.Members}" : "")})");
        return 0;
    }
}
