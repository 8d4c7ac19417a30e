using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Spinodoid.IO;
using Spinodoid.Microstructure;
using Spinodoid.Reports;
using Spinodoid.Cli.Support;

namespace Spinodoid.Cli.Commands;

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
        var sides = OptionParsing.Sides(settings.Sides);
        OutputPaths.CheckFile(settings.Png);
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
