using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using Spinodoid.Design;
using Spinodoid.Microstructure;
using Spinodoid.Reports;
using Spinodoid.Cli.Support;

namespace Spinodoid.Cli.Commands;

internal sealed class UpscaleCommand : Command<UpscaleCommand.Settings>
{
    public sealed class Settings : ThetaCheckSettings
    {
        [CommandOption("--factor <F>")]
        [Description("Length scales divided by F, grid multiplied by F (the paper: 3, N = 192 → 576). Default 3.")]
        [DefaultValue(3)]
        public int Factor { get; init; }

        [CommandOption("--count <K>")]
        [Description("Structures per size. Default 10.")]
        [DefaultValue(10)]
        public int Count { get; init; }

        [CommandOption("--size <N>")]
        [Description("Base grid size. Default 128.")]
        [DefaultValue(128)]
        public int Size { get; init; }

        [CommandOption("-o|--out <PREFIX>")]
        [Description("Output prefix: PREFIX-base.*, PREFIX-upscaled.* (csv, json, png). Default 'upscale'.")]
        [DefaultValue("upscale")]
        public string Out { get; init; } = "upscale";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var theta = SpinodoidParameters.Parse(settings.Theta);
        if (settings.Factor < 1 || settings.Factor > 10) throw new ArgumentException($"--factor {settings.Factor} must be in 1..10");
        if (settings.Count < 1) throw new ArgumentException($"--count {settings.Count} must be at least 1");
        SpinodoidGenerator.ValidateSize(settings.Size);
        SpinodoidGenerator.ValidateSize(settings.Size * settings.Factor);
        OutputPaths.CheckFile(settings.Out + "-base.csv");
        var options = settings.SolverOptions();
        var baseline = ValidateCommand.RunWithProgress(theta, settings.Count, settings.Size, null, settings.Seed, options, cancellation);
        int upscaledSize = settings.Size * settings.Factor;
        AnsiConsole.MarkupLine($"upscaled: θ = {Markup.Escape((theta with { LengthScales = theta.LengthScales.DividedBy(settings.Factor) }).ToString())}, N = {upscaledSize}");
        AnsiConsole.MarkupLine($"memory for one solve at N = {upscaledSize}: about {Transport.DiffusivitySolver.EstimatePeakBytes((long)upscaledSize * upscaledSize * upscaledSize, options.Discretization!.Value) / (1 << 20):N0} MiB");
        var upscaled = ProgressBarStages.Instance.Run($"solver N = {upscaledSize}, {options.Discretization.ToString()!.ToLowerInvariant()}", settings.Count, progress =>
            DesignValidation.Upscale(theta, settings.Factor, settings.Count, settings.Size, settings.Seed, options, progress, cancellation));
        DesignReport.WriteValidation(baseline, settings.Out + "-base");
        DesignReport.WriteValidation(upscaled, settings.Out + "-upscaled");
        var table = new Table().AddColumns("", "η_x", "η_y", "η_z");
        foreach (var (name, v) in new[] { ($"N = {baseline.Size}", baseline), ($"N = {upscaled.Size} (a / {settings.Factor})", upscaled) })
            table.AddRow([name, .. Enumerable.Range(0, 3).Select(d => string.Create(CultureInfo.InvariantCulture, $"{v.SolverMean[d]:0.0000} ± {v.SolverStd[d]:0.0000}"))]);
        table.AddRow(["change", .. Enumerable.Range(0, 3).Select(d => string.Create(CultureInfo.InvariantCulture,
            $"{100 * (upscaled.SolverMean[d] / baseline.SolverMean[d] - 1):+0.00;-0.00} %"))]);
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"wrote {Markup.Escape(settings.Out)}-base.* and {Markup.Escape(settings.Out)}-upscaled.*");
        return 0;
    }
}
