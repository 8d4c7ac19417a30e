using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using Spinodoid.Datasets;
using Spinodoid.Reports;
using Spinodoid.Cli.Support;

namespace Spinodoid.Cli.Commands;

internal sealed class DatasetStatsCommand : Command<DatasetStatsCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<DIR>")]
        [Description("Dataset folder.")]
        public string Directory { get; init; } = "";

        [CommandOption("--png <PATH>")]
        [Description("Where to write the paper's Figure 3 (histogram of η_x, scatter η_x vs η_y). Default DIR/figure3.png.")]
        public string? Png { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        OutputPaths.CheckFile(settings.Png ?? Path.Combine(settings.Directory, "figure3.png"));
        var dataset = DatasetStore.Load(settings.Directory);
        var s = DatasetStatistics.Of(dataset);
        var m = dataset.Manifest;
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(settings.Directory)}[/]: profile {Markup.Escape(m.Profile.Name)} (N = {m.Profile.Size}), seed {m.Seed}, version {Markup.Escape(m.Version)}");
        AnsiConsole.MarkupLine($"  rows {s.Rows}: train {s.Train}, validation {s.Validation}, test {s.Test}");
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"  rejected for connectivity: {m.Rejected} of {m.Rows + m.Rejected} draws ({100 * s.RejectionRate:0.0} %); mean solve {s.MeanSolveSeconds:0.00} s"));
        var table = new Table().Border(TableBorder.Simple).AddColumns("", "min", "mean", "max", "r with η_x", "r with η_y", "r with η_z");
        string[] names = ["η_x", "η_y", "η_z"];
        for (int i = 0; i < 3; i++)
            table.AddRow([names[i], F(s.Eta[i].Min), F(s.Eta[i].Mean), F(s.Eta[i].Max), F(s.Correlation[i, 0]), F(s.Correlation[i, 1]), F(s.Correlation[i, 2])]);
        AnsiConsole.Write(table);
        string png = settings.Png ?? Path.Combine(settings.Directory, "figure3.png");
        DatasetFigures.WriteFigure3(dataset, png);
        AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(png)}[/]");
        return 0;
    }

    private static string F(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);
}
