using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using Spinodoid.Microstructure;
using Spinodoid.Reports;
using Spinodoid.Surrogate;
using Spinodoid.Runtime;
using Spinodoid.Cli.Support;

namespace Spinodoid.Cli.Commands;

internal sealed class EvaluateCommand : Command<EvaluateCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--model <DIR>")]
        [Description("Model folder. Default: the bundled model.")]
        public string? Model { get; init; }

        [CommandOption("--data <DIR>")]
        [Description("Dataset folder. Default: the bundled dataset (data/compact).")]
        public string? Data { get; init; }

        [CommandOption("--split <SPLIT>")]
        [Description("train, validation or test (default).")]
        [DefaultValue("test")]
        public string Split { get; init; } = "test";

        [CommandOption("--symmetry <K>")]
        [Description("Average each prediction over K cube symmetries: 1, 6 (axis permutations) or 48 (with flips). Default: the model's (its model.json).")]
        public int? Symmetry { get; init; }

        [CommandOption("--png <PATH>")]
        [Description("The paper's Figure 5 (solver η against CNN η, all directions). Default figure5-SPLIT.png in the current folder (evaluation-SPLIT.json and predictions-SPLIT.csv, one row per structure, beside it).")]
        public string? Png { get; init; }

        [CommandOption("--no-correction")]
        [Description("Score the network alone, without the model's coarse-grid correction (correction.json, see `spinodoid correct`).")]
        public bool NoCorrection { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        string png = settings.Png ?? $"figure5-{settings.Split}.png";
        string folder = Path.GetDirectoryName(Path.GetFullPath(png))!;
        string json = Path.Combine(folder, $"evaluation-{settings.Split}.json"), csv = Path.Combine(folder, $"predictions-{settings.Split}.csv");
        OutputPaths.CheckFile(png);
        string data = settings.Data ?? BundledModel.LocateDataset();
        using var model = SurrogateModel.Load(settings.Model ?? BundledModel.Locate());
        using var samples = SurrogateSamples.Open(data, settings.Split);
        int symmetry = settings.Symmetry ?? model.SymmetryAveraging;
        var correction = settings.NoCorrection ? null : model.Correction;
        var e = ProgressBarStages.Instance.Run($"predicting the {settings.Split} split{(correction is null ? "" : " (with coarse-grid correction)")}", samples.Count,
            progress => SurrogateTrainer.Evaluate(model.Network, samples, symmetryAveraging: symmetry, correction: correction, progress: progress,
                coarseFeatures: correction is null ? null : CoarseFeatureTable.Open(data, samples.Side)));
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"{samples.Count} {settings.Split} structures{(symmetry > 1 ? $" (each averaged over {symmetry} symmetries)" : "")}{(correction is null ? "" : ", corrected by coarse-grid solves")}: MSE (logit) {e.MseLogit:0.0000e0}, MAPE {e.Mape:0.00} % " +
            $"(x {e.MapeByAxis[0]:0.00} %, y {e.MapeByAxis[1]:0.00} %, z {e.MapeByAxis[2]:0.00} %)"));
        SurrogateFigures.WriteFigure5(e, png);
        AtomicFile.WriteText(json, SurrogateFigures.EvaluationJson(data, settings.Split, samples.Count, e, symmetry, correction is not null)
            .ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
        AtomicFile.WriteText(csv, SurrogateFigures.PredictionsCsv(samples.Rows, e));
        AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(png)}[/], {Markup.Escape(json)} and {Markup.Escape(csv)}");
        return 0;
    }
}
