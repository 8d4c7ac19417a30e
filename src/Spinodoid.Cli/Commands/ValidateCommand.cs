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

internal sealed class ValidateCommand : Command<ValidateCommand.Settings>
{
    public sealed class Settings : ThetaCheckSettings
    {
        [CommandOption("--count <K>")]
        [Description("Structures (seeds --seed, --seed+1, …). Default 25 (the paper used 250).")]
        [DefaultValue(25)]
        public int Count { get; init; }

        [CommandOption("--size <N>")]
        [Description("Grid size. Default: the model's (128 for the bundled model).")]
        public int? Size { get; init; }

        [CommandOption("--model <DIR>")]
        [Description("CNN model to compare with. Default: the bundled model.")]
        public string? Model { get; init; }

        [CommandOption("--no-cnn")]
        [Description("Solver only (any --size).")]
        public bool NoCnn { get; init; }

        [CommandOption("--factor <F>")]
        [Description("Upscaled structures, as upscale makes them: length scales divided by F on an N·F grid (solver only; for cluster tasks). Default 1.")]
        [DefaultValue(1)]
        public int Factor { get; init; } = 1;

        [CommandOption("--target <ETA>")]
        [Description("Optional target η_x,η_y,η_z to report the relative error of the mean against.")]
        public string? Target { get; init; }

        [CommandOption("-o|--out <PREFIX>")]
        [Description("Output prefix: PREFIX.csv, PREFIX.json, PREFIX.png (solver vs CNN per direction, the paper's Figures 8–9). Default 'validation'.")]
        [DefaultValue("validation")]
        public string Out { get; init; } = "validation";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var theta = SpinodoidParameters.Parse(settings.Theta);
        var target = settings.Target is null ? null : DiffusivityTarget.Parse(settings.Target);
        if (settings.Count < 1) throw new ArgumentException($"--count {settings.Count} must be at least 1");
        OutputPaths.CheckFile(settings.Out + ".csv");
        using var model = settings.NoCnn ? null : SurrogateModel.Load(settings.Model ?? BundledModel.Locate());
        int size = settings.Size ?? model?.StructureSize ?? 128;
        if (model is not null && model.StructureSize != size)
            AnsiConsole.MarkupLine($"[yellow]the CNN predicts N = {model.StructureSize} structures; at N = {size} only the solver runs (no CNN comparison)[/]");
        if (settings.Factor < 1 || settings.Factor > 10) throw new ArgumentException($"--factor {settings.Factor} must be in 1..10");
        if (settings.Factor > 1)
        {
            if (model is not null) throw new ArgumentException($"--factor {settings.Factor} validates upscaled structures with the solver only: add --no-cnn");
            theta = theta with { LengthScales = theta.LengthScales.DividedBy(settings.Factor) };
            size *= settings.Factor;
            Microstructure.SpinodoidGenerator.ValidateSize(size);
            AnsiConsole.MarkupLine($"upscaled: θ = {Markup.Escape(theta.ToString())}, N = {size}");
        }
        var validation = RunWithProgress(theta, settings.Count, size, model, settings.Seed, settings.SolverOptions(), cancellation);
        DesignReport.WriteValidation(validation, settings.Out, target);
        PrintSummary(validation, target);
        AnsiConsole.MarkupLine($"wrote {Markup.Escape(settings.Out)}.csv, .json, .png");
        return 0;
    }

    internal static ValidationSummary RunWithProgress(SpinodoidParameters theta, int count, int size, SurrogateModel? model, ulong firstSeed,
        Transport.DiffusivityOptions options, CancellationToken cancellation) =>
        ProgressBarStages.Instance.Run($"solver N = {size}, {options.Discretization.ToString()!.ToLowerInvariant()}", count, progress =>
            DesignValidation.Validate(theta, count, size, model?.StructureSize == size ? model : null, firstSeed, options, progress, cancellation));

    internal static void PrintSummary(ValidationSummary validation, DiffusivityTarget? target)
    {
        var table = new Table().AddColumns("", "η_x", "η_y", "η_z");
        if (target is not null) table.AddRow(["target", .. target.Components.Select(c => c is double v ? v.ToString("0.0000", CultureInfo.InvariantCulture) : "free")]);
        table.AddRow([validation.ExtrapolatedToContinuum ? "solver mean ± sd (continuum)" : "solver mean ± sd", .. Enumerable.Range(0, 3).Select(d =>
            string.Create(CultureInfo.InvariantCulture, $"{validation.SolverMean[d]:0.0000} ± {validation.SolverStd[d]:0.0000}"))]);
        if (validation.SurrogateMean is { } m)
            table.AddRow(["CNN mean ± sd", .. Enumerable.Range(0, 3).Select(d =>
                string.Create(CultureInfo.InvariantCulture, $"{m[d]:0.0000} ± {validation.SurrogateStd![d]:0.0000}"))]);
        if (target is not null)
            table.AddRow(["solver vs target", .. validation.RelativeError(target).Select(e => e is double v ? string.Create(CultureInfo.InvariantCulture, $"{100 * v:+0.00;-0.00} %") : "")]);
        AnsiConsole.Write(table);
    }
}
