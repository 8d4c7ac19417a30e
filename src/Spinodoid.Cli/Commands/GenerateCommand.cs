using System.ComponentModel;
using System.Diagnostics;
using Spectre.Console;
using Spectre.Console.Cli;
using Spinodoid.IO;
using Spinodoid.Microstructure;
using Spinodoid.Reports;
using Spinodoid.Cli.Support;

namespace Spinodoid.Cli.Commands;

internal sealed class GenerateCommand : Command<GenerateCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--theta <THETA>")]
        [Description("θ = a_x,a_y,a_z,ε: length scales as fractions of the domain length, and the porosity in (0, 1).")]
        public string? Theta { get; init; }

        [CommandOption("--seed <SEED>")]
        [Description("Random seed ω (a whole number ≥ 0). Default 0.")]
        [DefaultValue(0UL)]
        public ulong Seed { get; init; }

        [CommandOption("-n|--size <N>")]
        [Description("Grid side N (even, 8–800). Default 192, the paper's size.")]
        [DefaultValue(192)]
        public int Size { get; init; }

        [CommandOption("-o|--out <PATH>")]
        [Description("Output file: .npy (numpy), .tif (Fiji/ImageJ stack), .vti (ParaView) or .raw (+ .json sidecar).")]
        public string? Out { get; init; }

        [CommandOption("--format <FORMAT>")]
        [Description("npy, tiff, vti or raw; default from the --out extension.")]
        public string? Format { get; init; }

        [CommandOption("--png <PATH>")]
        [Description("Also write the three orthogonal mid-slices as one PNG picture.")]
        public string? Png { get; init; }

        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Theta)) return ValidationResult.Error("--theta a_x,a_y,a_z,ε is required (e.g. --theta 0.1,0.15,0.2,0.6)");
            if (Out is null && Png is null) return ValidationResult.Error("give --out PATH and/or --png PATH");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var theta = SpinodoidParameters.Parse(settings.Theta!);
        SpinodoidGenerator.ValidateSize(settings.Size);
        StructureFormat? format = settings.Format is null ? null : StructureFormats.Parse(settings.Format);
        if (settings.Out is not null && format is null) format = StructureFormats.FromPath(settings.Out);
        else if (settings.Out is not null && Path.HasExtension(settings.Out) && StructureFormats.TryFromPath(settings.Out) is { } named && named != format)
            throw new ArgumentException($"--format {settings.Format} does not match the extension of --out '{settings.Out}' ({named.ToString().ToLowerInvariant()}); " +
                                        "give a matching extension, or leave one of them out");
        OutputPaths.CheckFile(settings.Out);
        OutputPaths.CheckFile(settings.Png);

        var watch = Stopwatch.StartNew();
        var structure = SpinodoidGenerator.Generate(theta, settings.Seed, settings.Size);
        double generated = watch.Elapsed.TotalSeconds;
        var connectivity = Connectivity.Analyze(structure);
        if (settings.Out is not null) StructureIO.Write(structure, settings.Out, format);
        if (settings.Png is not null) SlicePreview.WritePng(structure, settings.Png);

        AnsiConsole.MarkupLine($"θ = {Markup.Escape(theta.ToString())}, seed {settings.Seed}, N = {settings.Size}: " +
                               $"porosity {structure.Porosity:0.000000}, generated in {generated:0.000} s");
        InspectCommand.PrintConnectivity(connectivity);
        if (settings.Out is not null) AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(settings.Out)}[/]");
        if (settings.Png is not null) AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(settings.Png)}[/]");
        return 0;
    }
}
