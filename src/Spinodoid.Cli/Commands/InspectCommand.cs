using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using Spinodoid.IO;
using Spinodoid.Microstructure;
using Spinodoid.Reports;

namespace Spinodoid.Cli.Commands;

/// <summary>How to read a structure file: the options shared by every command that reads one.</summary>
internal class StructureReadSettings : CommandSettings
{
    [CommandOption("--pore-value <LABEL>")]
    [Description("The label that is pore. Default: 1 in 0/1 images, 255 in 0/255 images, or as the file's metadata says.")]
    public int? PoreValue { get; init; }

    [CommandOption("--shape <NX,NY,NZ>")]
    [Description("Grid size of a .raw file without a .json sidecar.")]
    public string? Shape { get; init; }

    [CommandOption("--raw-bytes <1|2|4|8>")]
    [Description("Bytes per voxel of a .raw file without a sidecar: 1 (uint8), 2 (uint16), 4 (float32) or 8 (float64), little-endian.")]
    [DefaultValue(1)]
    public int RawBytes { get; init; }

    [CommandOption("--threshold <T>")]
    [Description("Floating-point images (float .npy/.raw/.vti, 32-bit TIFF) are level sets: pore where value < T (default 0; a float image of whole numbers without --threshold is read as labels).")]
    public double? Threshold { get; init; }

    public StructureReadOptions ReadOptions() => new(PoreValue, ParseShape(Shape), RawBytes, Threshold);

    private static GridShape? ParseShape(string? text)
    {
        if (text is null) return null;
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 3 || !parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0))
            throw new ArgumentException($"--shape '{text}' must be three positive whole numbers Nx,Ny,Nz");
        var n = parts.Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        return new GridShape(n[0], n[1], n[2]);
    }
}

/// <summary>A required structure file argument and how to read it.</summary>
internal class StructureInputSettings : StructureReadSettings
{
    [CommandArgument(0, "<FILE>")]
    [Description("Structure file: .npy, .tif/.tiff stack, .vti (as written by spinodoid) or .raw.")]
    public string File { get; init; } = "";
}

internal sealed class InspectCommand : Command<InspectCommand.Settings>
{
    public sealed class Settings : StructureInputSettings
    {
        [CommandOption("--sides <periodic|mirror>")]
        [Description("Lateral sides for the connectivity check: periodic (generated structures) or mirror (closed).")]
        [DefaultValue("periodic")]
        public string Sides { get; init; } = "periodic";

        [CommandOption("--png <PATH>")]
        [Description("Also write the three orthogonal mid-slices as one PNG picture.")]
        public string? Png { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var sides = ParseSides(settings.Sides);
        var structure = StructureIO.Read(settings.File, settings.ReadOptions());
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(settings.File)}[/]");
        AnsiConsole.MarkupLine($"  size      {structure.Shape} ({structure.Shape.Count:N0} voxels)");
        AnsiConsole.MarkupLine($"  porosity  {structure.Porosity:0.000000}");
        if (structure.Provenance is { } p)
            AnsiConsole.MarkupLine($"  made by   spinodoid {Markup.Escape(p.ProgramVersion)} from θ = {Markup.Escape(p.Parameters.ToString())}, seed {p.Seed}");
        PrintConnectivity(Connectivity.Analyze(structure, sides));
        if (settings.Png is not null)
        {
            SlicePreview.WritePng(structure, settings.Png);
            AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(settings.Png)}[/]");
        }
        return 0;
    }

    public static LateralBoundary ParseSides(string text) => text.ToLowerInvariant() switch
    {
        "periodic" => LateralBoundary.Periodic,
        "mirror" => LateralBoundary.Mirror,
        _ => throw new ArgumentException($"--sides '{text}' must be periodic or mirror"),
    };

    public static void PrintConnectivity(ConnectivityReport report)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("phase").AddColumn("x").AddColumn("y").AddColumn("z");
        table.Caption = new TableTitle($"inlet→outlet, 6-neighbourhood, {report.Sides.ToString().ToLowerInvariant()} sides");
        table.AddRow(["pore", Mark(report.Pore.X), Mark(report.Pore.Y), Mark(report.Pore.Z)]);
        table.AddRow(["solid", Mark(report.Solid.X), Mark(report.Solid.Y), Mark(report.Solid.Z)]);
        AnsiConsole.Write(table);
        static string Mark(bool connected) => connected ? "[green]connected[/]" : "[red]not connected[/]";
    }
}
