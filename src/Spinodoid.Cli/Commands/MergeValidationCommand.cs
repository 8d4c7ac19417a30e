using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Spinodoid.Design;
using Spinodoid.Reports;
using Spinodoid.Cli.Support;

namespace Spinodoid.Cli.Commands;

/// <summary>Joins validations made in parts (cluster array tasks) into the usual validation outputs.</summary>
internal sealed class MergeValidationCommand : Command<MergeValidationCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<PART...>")]
        [Description("Validation parts: the prefixes (or .csv/.json files) that `validate --out` wrote, one per task.")]
        public string[] Parts { get; init; } = [];

        [CommandOption("--target <ETA>")]
        [Description("Optional target η_x,η_y,η_z to report the relative error of the mean against.")]
        public string? Target { get; init; }

        [CommandOption("-o|--out <PREFIX>")]
        [Description("Output prefix: PREFIX.csv, PREFIX.json, PREFIX.png. Default 'validation'.")]
        [DefaultValue("validation")]
        public string Out { get; init; } = "validation";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var target = settings.Target is null ? null : DiffusivityTarget.Parse(settings.Target);
        var prefixes = settings.Parts.Select(p => p.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || p.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            ? Path.ChangeExtension(p, null) : p).Distinct().ToList();
        if (prefixes.Any(p => Path.GetFullPath(p) == Path.GetFullPath(settings.Out)))
            throw new ArgumentException($"--out '{settings.Out}' is one of the parts; write the merged validation elsewhere");
        OutputPaths.CheckFile(settings.Out + ".csv");
        var merged = ValidationSummary.Merge(prefixes.Select(DesignReport.ReadValidation).ToList());
        DesignReport.WriteValidation(merged, settings.Out, target);
        AnsiConsole.MarkupLine($"{prefixes.Count} parts, {merged.Samples.Count} structures at θ = {Markup.Escape(merged.Theta.ToString())}, N = {merged.Size}");
        ValidateCommand.PrintSummary(merged, target);
        AnsiConsole.MarkupLine($"wrote {Markup.Escape(settings.Out)}.csv, .json, .png");
        return 0;
    }
}
