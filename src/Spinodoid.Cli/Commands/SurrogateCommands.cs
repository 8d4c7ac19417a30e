using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using Spinodoid.IO;
using Spinodoid.Microstructure;
using Spinodoid.Reports;
using Spinodoid.Surrogate;

namespace Spinodoid.Cli.Commands;

internal sealed class TrainCommand : Command<TrainCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--data <DIR>")]
        [Description("Dataset folder (from 'dataset generate'); its CNN input cache is built if missing.")]
        public string Data { get; init; } = "";

        [CommandOption("-o|--out <DIR>")]
        [Description("Model folder: model.bin + model.json (best validation), metrics.csv, and checkpoints to resume from.")]
        public string Out { get; init; } = "";

        [CommandOption("--network <NAME>")]
        [Description("compact (64³ input, joint η_x, η_y, η_z), paper (Figure 4, one direction) or paper-joint.")]
        [DefaultValue("compact")]
        public string Network { get; init; } = "compact";

        [CommandOption("--epochs <E>")]
        [Description("Passes over the training split. Default 40.")]
        [DefaultValue(40)]
        public int Epochs { get; init; }

        [CommandOption("--batch <B>")]
        [Description("Batch size. Default 16 (the paper's).")]
        [DefaultValue(16)]
        public int Batch { get; init; }

        [CommandOption("--optimizer <NAME>")]
        [Description("adam (default; cosine-decayed rate) or sgd (momentum 0.9 with the paper's learning-rate schedule).")]
        [DefaultValue("adam")]
        public string Optimizer { get; init; } = "adam";

        [CommandOption("--lr <RATE>")]
        [Description("Learning rate (adam), or the plateau rate of the paper's schedule (sgd; the paper: 10^-2.5). Default 1e-3.")]
        [DefaultValue(1e-3)]
        public double LearningRate { get; init; }

        [CommandOption("--seed <SEED>")]
        [Description("Seed for weights, batch order and augmentation. Default 0.")]
        [DefaultValue(0UL)]
        public ulong Seed { get; init; }

        [CommandOption("--no-augment")]
        [Description("Switch off the label-preserving augmentation.")]
        public bool NoAugment { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Data) || string.IsNullOrWhiteSpace(Out)
                ? ValidationResult.Error("--data DIR and --out DIR are required") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var options = new TrainingOptions(SurrogateArchitecture.ByName(settings.Network), settings.Epochs, settings.Batch,
            settings.Optimizer.ToLowerInvariant(), settings.LearningRate, settings.Seed, !settings.NoAugment).Validated();
        AnsiConsole.MarkupLine($"training [bold]{Markup.Escape(options.Architecture.Name)}[/] on {Markup.Escape(settings.Data)} → {Markup.Escape(settings.Out)} " +
                               "(interrupt at any time; the same command resumes from the last finished epoch)");
        AnsiConsole.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("epochs", maxValue: options.Epochs);
                var progress = new Inline<EpochMetrics>(m =>
                {
                    task.Value = m.Epoch;
                    task.Description = string.Create(CultureInfo.InvariantCulture,
                        $"epoch {m.Epoch}/{options.Epochs}: train {m.TrainLoss:0.0000e0}, validation {m.ValidationLoss:0.0000e0} (MAPE {m.ValidationMape:0.00} %), lr {m.LearningRate:0.0e0}");
                });
                SurrogateTrainer.Train(settings.Data, settings.Out, options, progress, cancellation);
            });
        AnsiConsole.MarkupLine($"best model in [green]{Markup.Escape(settings.Out)}[/]; metrics in {Markup.Escape(Path.Combine(settings.Out, "metrics.csv"))}");
        return 0;
    }
}

internal sealed class PredictCommand : Command<PredictCommand.Settings>
{
    public sealed class Settings : StructureReadSettings
    {
        [CommandArgument(0, "[FILE]")]
        [Description("Structure file of the model's grid size. Or give --theta/--seed to generate one.")]
        public string? File { get; init; }

        [CommandOption("--theta <THETA>")]
        [Description("Generate the structure: θ = a_x,a_y,a_z,ε (at the model's N).")]
        public string? Theta { get; init; }

        [CommandOption("--seed <SEED>")]
        [Description("Seed for --theta. Default 0.")]
        [DefaultValue(0UL)]
        public ulong Seed { get; init; }

        [CommandOption("--model <DIR>")]
        [Description("Model folder. Default: the bundled model (models/compact).")]
        public string? Model { get; init; }

        public override ValidationResult Validate() =>
            File is null == Theta is null ? ValidationResult.Error("give either a structure FILE or --theta a_x,a_y,a_z,ε") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        using var model = SurrogateModel.Load(settings.Model ?? BundledModel.Locate());
        var structure = settings.Theta is not null
            ? SpinodoidGenerator.Generate(SpinodoidParameters.Parse(settings.Theta), settings.Seed, model.StructureSize)
            : StructureIO.Read(settings.File!, settings.ReadOptions());
        var (x, y, z) = model.Predict(structure);
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"η (CNN {model.Network.Architecture.Name}): x {x:0.0000}, y {y:0.0000}, z {z:0.0000}"));
        return 0;
    }
}

internal sealed class EvaluateCommand : Command<EvaluateCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--model <DIR>")]
        [Description("Model folder. Default: the bundled model.")]
        public string? Model { get; init; }

        [CommandOption("--data <DIR>")]
        [Description("Dataset folder.")]
        public string Data { get; init; } = "";

        [CommandOption("--split <SPLIT>")]
        [Description("train, validation or test (default).")]
        [DefaultValue("test")]
        public string Split { get; init; } = "test";

        [CommandOption("--png <PATH>")]
        [Description("The paper's Figure 5 (solver η against CNN η, all directions). Default MODEL/figure5-SPLIT.png.")]
        public string? Png { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        string modelDir = settings.Model ?? BundledModel.Locate();
        using var model = SurrogateModel.Load(modelDir);
        using var samples = SurrogateSamples.Open(settings.Data, settings.Split);
        var e = SurrogateTrainer.Evaluate(model.Network, samples);
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"{samples.Count} {settings.Split} structures: MSE (logit) {e.MseLogit:0.0000e0}, MAPE {e.Mape:0.00} % " +
            $"(x {e.MapeByAxis[0]:0.00} %, y {e.MapeByAxis[1]:0.00} %, z {e.MapeByAxis[2]:0.00} %)"));
        string png = settings.Png ?? Path.Combine(modelDir, $"figure5-{settings.Split}.png");
        SurrogateFigures.WriteFigure5(e, png);
        string json = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(png))!, $"evaluation-{settings.Split}.json");
        AtomicFile.WriteText(json, new System.Text.Json.Nodes.JsonObject
        {
            ["program"] = "spinodoid", ["version"] = SpinodoidGenerator.ProgramVersion,
            ["dataset"] = settings.Data, ["split"] = settings.Split, ["structures"] = samples.Count,
            ["mse_logit"] = e.MseLogit, ["mape_percent"] = e.Mape,
            ["mape_percent_by_axis"] = new System.Text.Json.Nodes.JsonArray(e.MapeByAxis.Select(v => (System.Text.Json.Nodes.JsonNode?)v).ToArray()),
        }.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
        AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(png)}[/] and {Markup.Escape(json)}");
        return 0;
    }
}

/// <summary>Where the bundled default model lives: models/compact beside the program or in the repository.</summary>
internal static class BundledModel
{
    public static string Locate()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "models", "compact");
                if (File.Exists(Path.Combine(candidate, SurrogateModel.CardName))) return candidate;
            }
        throw new FileNotFoundException("no bundled model found (models/compact); train one with 'spinodoid train' and pass --model DIR");
    }
}
