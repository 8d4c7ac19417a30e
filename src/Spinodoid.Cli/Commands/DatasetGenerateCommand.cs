using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using Spinodoid.Datasets;
using Spinodoid.Microstructure;
using Spinodoid.Cli.Support;

namespace Spinodoid.Cli.Commands;

internal sealed class DatasetGenerateCommand : Command<DatasetGenerateCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--profile <NAME>")]
        [Description("compact (N = 128, CNN input 64³; the bundled default) or paper (N = 192, CNN input 96³); both 8192/2048/2048 with sub-voxel labels.")]
        [DefaultValue("compact")]
        public string Profile { get; init; } = "compact";

        [CommandOption("-c|--count <COUNT>")]
        [Description("Total structures (split 2/3 train, 1/6 validation, 1/6 test). Default: the profile's.")]
        public int? Count { get; init; }

        [CommandOption("-n|--size <N>")]
        [Description("Structure grid side N instead of the profile's (even, 8–800; the CNN input is N/2): small N for quick looks and cluster tests.")]
        public int? Size { get; init; }

        [CommandOption("--seed <SEED>")]
        [Description("Dataset seed; row i depends only on (seed, i). Default 0.")]
        [DefaultValue(0UL)]
        public ulong Seed { get; init; }

        [CommandOption("-o|--out <DIR>")]
        [Description("Output folder: dataset.csv + manifest.json (rows.journal while running).")]
        public string Out { get; init; } = "";

        [CommandOption("--shard <K/N>")]
        [Description("Make only part K of N (rows with index mod N = K), for cluster array jobs; join with 'dataset merge'.")]
        public string? Shard { get; init; }

        [CommandOption("--discretization <D>")]
        [Description("Labels from the sub-voxel solver (default; the continuous structure's η, the bundled dataset's) or the voxel one (the staircase, a few percent lower at N = 128). Recorded in the manifest; a resume must match.")]
        [DefaultValue("subvoxel")]
        public string Discretization { get; init; } = "subvoxel";

        [CommandOption("--workers <W>")]
        [Description("Structures labelled at once. Default 1 (each solve already uses every core).")]
        [DefaultValue(1)]
        public int Workers { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--out DIR is required") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var profile = DatasetProfile.ByName(settings.Profile);
        if (settings.Count is int count) profile = profile.WithCount(count);
        if (settings.Size is int size)
        {
            SpinodoidGenerator.ValidateSize(size);
            profile = profile with { Size = size };
        }
        profile = profile with { Discretization = Transport.Discretizations.Parse(settings.Discretization) };
        var (k, n) = ParseShard(settings.Shard);
        OutputPaths.CheckFolder(settings.Out);
        var request = new DatasetRequest(profile, settings.Seed, settings.Out, k, n, settings.Workers);
        AnsiConsole.MarkupLine($"dataset [bold]{Markup.Escape(profile.Name)}[/]: N = {profile.Size}, {profile.Discretization.ToString().ToLowerInvariant()} labels, {profile.Train}/{profile.Validation}/{profile.Test} " +
                               $"train/validation/test, seed {settings.Seed}{(n > 1 ? $", shard {k}/{n}" : "")} → {Markup.Escape(settings.Out)}");
        IReadOnlyList<DatasetRow> rows = [];
        AnsiConsole.Progress().AutoClear(false).HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("labelling structures", maxValue: DatasetGenerator.ShardIndices(profile.Count, k, n).Count());
                var progress = new Inline<DatasetProgress>(p =>
                {
                    task.Value = p.Done;
                    if (p.DoneThisRun > 0)
                        task.Description = string.Create(CultureInfo.InvariantCulture,
                            $"labelling structures ({p.Done}/{p.Total}, {p.Elapsed.TotalSeconds / p.DoneThisRun:0.00} s each)");
                });
                rows = DatasetGenerator.Generate(request, progress, cancellation);
            });
        AnsiConsole.MarkupLine($"[green]complete[/]: {rows.Count} rows in {Markup.Escape(Path.Combine(settings.Out, DatasetManifest.TableName))}");
        return 0;
    }

    private static (int K, int N) ParseShard(string? text)
    {
        if (text is null) return (0, 1);
        var parts = text.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], out int k) || !int.TryParse(parts[1], out int n) || n < 1 || k < 0 || k >= n)
            throw new ArgumentException($"--shard '{text}' must be K/N with 0 ≤ K < N, e.g. 3/16");
        return (k, n);
    }
}
