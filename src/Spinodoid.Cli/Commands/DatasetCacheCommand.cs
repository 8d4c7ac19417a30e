using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Spinodoid.Datasets;
using Spinodoid.Cli.Support;

namespace Spinodoid.Cli.Commands;

internal sealed class DatasetCacheCommand : Command<DatasetCacheCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<DIR>")]
        [Description("Dataset folder.")]
        public string Directory { get; init; } = "";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var dataset = DatasetStore.Load(settings.Directory);
        string path = "";
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("building CNN inputs", maxValue: dataset.Rows.Count);
                path = InputCache.Build(settings.Directory, new Inline<int>(d => task.Value = d), cancellation);
            });
        AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(path)}[/] (uint8 solid counts, shape (rows, N/2, N/2, N/2), C order, last index x)");
        return 0;
    }
}
