using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using Spinodoid.Design;
using Spinodoid.Microstructure;
using Spinodoid.Reports;
using Spinodoid.Surrogate;
using Spinodoid.Cli.Support;

namespace Spinodoid.Cli.Commands;

/// <summary>Which η the prior's structures can have (from the emulator), as pictures, and whether a target is among them.</summary>
internal sealed class ReachableCommand : Command<ReachableCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--porosity-range <LO,HI>")]
        [Description("Limit the porosity ε (within the prior's 0.3–0.85).")]
        public string? PorosityRange { get; init; }

        [CommandOption("--target <ETA>")]
        [Description("Also say whether η_x,η_y,η_z (- for free) is reachable, and the nearest reachable η and θ.")]
        public string? Target { get; init; }

        [CommandOption("--draws <N>")]
        [Description("Prior draws emulated. Default 50000.")]
        [DefaultValue(50_000)]
        public int Draws { get; init; }

        [CommandOption("--seed <SEED>")]
        [DefaultValue(1UL)]
        [Description("Seed of the draws. Default 1.")]
        public ulong Seed { get; init; }

        [CommandOption("--emulator <FILE>")]
        [Description("Emulator weights. Default: the bundled model's emulator.bin.")]
        public string? Emulator { get; init; }

        [CommandOption("-o|--out <PNG>")]
        [Description("The picture. Default reachable.png.")]
        [DefaultValue("reachable.png")]
        public string Out { get; init; } = "reachable.png";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var (lo, hi) = settings.PorosityRange is null ? ((double?)null, (double?)null) : OptionParsing.Range(settings.PorosityRange);
        var target = settings.Target is null ? null : DiffusivityTarget.Parse(settings.Target);
        OutputPaths.CheckFile(settings.Out);
        using var emulator = DiffusivityEmulator.Load(settings.Emulator ?? Path.Combine(BundledModel.Locate(), "emulator.bin"));
        var set = ReachableSet.Sample(emulator, new SpinodoidDesignPrior(SpinodoidPrior.Paper, lo, hi), settings.Draws, settings.Seed);
        string Range(int d) => string.Create(CultureInfo.InvariantCulture, $"{set.Eta.Min(e => e[d]):0.000}–{set.Eta.Max(e => e[d]):0.000}");
        AnsiConsole.MarkupLine($"{settings.Draws:N0} prior draws: η_x {Range(0)}, η_y {Range(1)}, η_z {Range(2)} (emulated means)");
        var marks = ReachableFigures.PaperTargets.ToList();
        int code = 0;
        if (target is not null)
        {
            var (theta, eta, distance) = set.Nearest(target);
            string Vector(double[] v) => string.Join(", ", v.Select(x => x.ToString("0.0000", CultureInfo.InvariantCulture)));
            bool inside = distance <= EmulatorPosterior.UnreachableDistance;
            AnsiConsole.MarkupLine((inside ? "[green]reachable[/]" : "[red]not reachable[/]") + Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $": nearest emulated η = ({Vector(eta)}) at θ = ({Vector(theta)}), {100 * distance:0.##} % from the target (limit {100 * EmulatorPosterior.UnreachableDistance:0} %)")));
            marks.Add(("target " + target, target.Components.Select(c => c ?? double.NaN).ToArray()));
            code = inside ? 0 : 3;
        }
        ReachableFigures.WritePng(set, settings.Out, marks.Where(m => m.Eta.All(double.IsFinite)).ToList());
        AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(settings.Out)}[/]");
        return code;
    }
}
