using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Spinodoid.Datasets;
using Spinodoid.Cli.Support;

namespace Spinodoid.Cli.Commands;

internal sealed class DatasetMergeCommand : Command<DatasetMergeCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<SHARD_DIRS>")]
        [Description("The shard folders written by 'dataset generate --shard K/N'.")]
        public string[] Shards { get; init; } = [];

        [CommandOption("-o|--out <DIR>")]
        [Description("Folder for the merged dataset.")]
        public string Out { get; init; } = "";

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--out DIR is required") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        OutputPaths.CheckFolder(settings.Out);
        var merged = DatasetStore.Merge(settings.Shards, settings.Out);
        AnsiConsole.MarkupLine($"merged {settings.Shards.Length} shards: [green]{merged.Rows.Count}[/] rows in {Markup.Escape(settings.Out)}");
        return 0;
    }
}
