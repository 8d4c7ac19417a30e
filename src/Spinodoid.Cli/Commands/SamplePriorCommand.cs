using System.ComponentModel;
using System.Globalization;
using System.Text;
using Spectre.Console;
using Spectre.Console.Cli;
using Spinodoid.Microstructure;
using Spinodoid.Runtime;
using Spinodoid.Cli.Support;

namespace Spinodoid.Cli.Commands;

internal sealed class SamplePriorCommand : Command<SamplePriorCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("-c|--count <COUNT>")]
        [Description("Number of accepted draws (1–10,000,000). Default 10.")]
        [DefaultValue(10)]
        public int Count { get; init; }

        [CommandOption("--seed <SEED>")]
        [Description("Seed of the whole sequence of draws. Default 0.")]
        [DefaultValue(0UL)]
        public ulong Seed { get; init; }

        [CommandOption("-n|--size <N>")]
        [Description("If given, generate each structure at N³ and keep only those connected in both phases along x, y and z.")]
        public int? Size { get; init; }

        [CommandOption("-o|--out <PATH>")]
        [Description("CSV file to write; default: standard output.")]
        public string? Out { get; init; }

        public override ValidationResult Validate() =>
            Count is < 1 or > 10_000_000 ? ValidationResult.Error($"--count {Count} is outside the allowed range 1–10,000,000")
                : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        if (settings.Size is int n) SpinodoidGenerator.ValidateSize(n);
        OutputPaths.CheckFile(settings.Out);
        var prior = SpinodoidPrior.Paper;
        var random = new SeededRandom(settings.Seed);
        var csv = new StringBuilder(string.Join(",", SpinodoidParameters.Names) + ",seed,prior_density,attempts\n");
        int rejected = 0;
        void Row(SpinodoidParameters t, ulong seed, int attempts) =>
            csv.Append(string.Create(CultureInfo.InvariantCulture,
                $"{t.LengthScales.X:R},{t.LengthScales.Y:R},{t.LengthScales.Z:R},{t.Porosity:R},{seed},{prior.Density(t):R},{attempts}\n"));

        if (settings.Size is int size)
        {
            AnsiConsole.Progress().AutoClear(true).Columns(
                    new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                    new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask($"sampling connected structures at N = {size}", maxValue: settings.Count);
                    for (int i = 0; i < settings.Count; i++)
                    {
                        cancellation.ThrowIfCancellationRequested();
                        var sample = SpinodoidGenerator.SampleConnected(prior, random, size);
                        rejected += sample.Attempts - 1;
                        Row(sample.Parameters, sample.Seed, sample.Attempts);
                        task.Increment(1);
                    }
                });
        }
        else
        {
            for (int i = 0; i < settings.Count; i++) Row(prior.Sample(random), random.NextUInt64(), 1);
        }

        if (settings.Out is null) Console.Out.Write(csv.ToString());
        else
        {
            AtomicFile.WriteText(settings.Out, csv.ToString());
            AnsiConsole.MarkupLine($"wrote {settings.Count} draws to [green]{Markup.Escape(settings.Out)}[/]");
        }
        if (settings.Size is not null)
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"rejected {rejected} of {rejected + settings.Count} draws ({100.0 * rejected / (rejected + settings.Count):0.0} %) for failing connectivity"));
        return 0;
    }
}
