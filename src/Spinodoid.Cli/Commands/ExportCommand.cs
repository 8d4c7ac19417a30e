using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using Spinodoid.Geometry;
using Spinodoid.IO;
using Spinodoid.Microstructure;
using Spinodoid.Reports;
using Spinodoid.Runtime;
using Spinodoid.Cli.Support;

namespace Spinodoid.Cli.Commands;

/// <summary>A structure as a smooth, closed triangle surface in physical units, for 3D printing and meshing.</summary>
internal sealed class ExportCommand : Command<ExportCommand.Settings>
{
    /// <summary>Above this, a binary STL is slow to slice and share; the command says how to make it smaller.</summary>
    private const long LargeFileBytes = 300L << 20;

    public sealed class Settings : StructureReadSettings
    {
        [CommandOption("--theta <THETA>")]
        [Description("θ = a_x,a_y,a_z,ε of a generated structure.")]
        public string? Theta { get; init; }

        [CommandOption("--design <DIR>")]
        [Description("A finished design run folder: exports its design θ (refined, else the posterior mean).")]
        public string? Design { get; init; }

        [CommandOption("--input <FILE>")]
        [Description("A structure file instead (.npy, .tif, .vti, .raw): float images are level sets (see --threshold), binary ones voxels.")]
        public string? Input { get; init; }

        [CommandOption("--seed <SEED>")]
        [Description("Random seed ω of the generated structure. Default 0.")]
        [DefaultValue(0UL)]
        public ulong Seed { get; init; }

        [CommandOption("-n|--size <N>")]
        [Description("Grid side N of the structure (the voxels --voxel-size refers to). Default: the design's validation size, else 192.")]
        public int? Size { get; init; }

        [CommandOption("--resolution <M>")]
        [Description("Surface samples per structure side (even, 8–800; default N). The field is resolution independent, so a smaller M is the same structure with about (M/N)² of the triangles.")]
        public int? Resolution { get; init; }

        [CommandOption("--voxel-size <LENGTH>")]
        [Description("Physical size of one voxel, e.g. 10um or 0.02mm.")]
        public string? VoxelSize { get; init; }

        [CommandOption("--length <LENGTH>")]
        [Description("Physical side of one structure (N voxels), e.g. 2mm; instead of --voxel-size.")]
        public string? Length { get; init; }

        [CommandOption("--tile <X,Y,Z>")]
        [Description("Copies of the periodic structure along x, y, z, e.g. 2,2,1 (generated structures only). Default 1,1,1.")]
        public string? Tile { get; init; }

        [CommandOption("--phase <solid|pore>")]
        [Description("The phase the surface encloses: solid (what a printer builds, default) or pore (a casting mould's inverse).")]
        [DefaultValue("solid")]
        public string Phase { get; init; } = "solid";

        [CommandOption("--largest-part")]
        [Description("Keep only the largest connected piece: small pieces that touch nothing else would fall out of a print.")]
        public bool LargestPart { get; init; }

        [CommandOption("-o|--out <PATH>")]
        [Description("Output file: binary STL (.stl, millimetres; for printers) or binary glTF (.glb, metres as glTF defines; a third of the size, for Blender and 3D viewers).")]
        public string? Out { get; init; }

        public override ValidationResult Validate()
        {
            int sources = (Theta is null ? 0 : 1) + (Design is null ? 0 : 1) + (Input is null ? 0 : 1);
            if (sources != 1) return ValidationResult.Error("give exactly one of --theta a_x,a_y,a_z,ε, --design DIR or --input FILE");
            if (Out is null) return ValidationResult.Error("--out PATH.stl (or .glb) is required");
            if (!Out.EndsWith(".stl", StringComparison.OrdinalIgnoreCase) && !Out.EndsWith(".glb", StringComparison.OrdinalIgnoreCase))
                return ValidationResult.Error($"--out '{Out}' must end in .stl (binary STL) or .glb (binary glTF)");
            if (VoxelSize is not null && Length is not null) return ValidationResult.Error("give --voxel-size or --length, not both");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var phase = settings.Phase.ToLowerInvariant() switch
        {
            "solid" => Microstructure.Phase.Solid,
            "pore" => Microstructure.Phase.Pore,
            _ => throw new ArgumentException($"--phase '{settings.Phase}' must be solid or pore"),
        };
        var tiles = settings.Tile is null ? Tiling.None : Tiling.Parse(settings.Tile);
        double? voxelMm = settings.VoxelSize is null ? null : PhysicalLength.ParseMillimetres(settings.VoxelSize, "--voxel-size");
        double? lengthMm = settings.Length is null ? null : PhysicalLength.ParseMillimetres(settings.Length, "--length");
        OutputPaths.CheckFile(settings.Out);
        bool glb = settings.Out!.EndsWith(".glb", StringComparison.OrdinalIgnoreCase);

        var watch = Stopwatch.StartNew();
        SurfaceMesh mesh;
        string description;
        int cells;
        double? solidFraction;
        if (settings.Input is not null)
        {
            if (settings.Tile is not null) throw new ArgumentException("--tile needs a periodic structure: use --theta or --design (an image is not periodic)");
            if (settings.Resolution is not null || settings.Size is not null) throw new ArgumentException("--resolution and --size are for generated structures; an image is meshed at its own grid");
            var structure = StructureIO.Read(settings.Input, settings.ReadOptions());
            cells = Math.Max(structure.Shape.Nx, Math.Max(structure.Shape.Ny, structure.Shape.Nz));
            description = $"{Path.GetFileName(settings.Input)} ({structure.Shape}, {(structure.LevelSet is null ? "binary voxels" : "level set")})";
            mesh = StructureSurface.FromStructure(structure, phase);
            solidFraction = phase == Microstructure.Phase.Solid ? 1 - structure.Porosity : structure.Porosity;
            // Voxel units; one voxel = voxelMm, or the longest side = lengthMm.
            mesh = mesh.Scaled(voxelMm ?? (lengthMm is { } l ? l / cells : 1));
        }
        else
        {
            SpinodoidParameters theta;
            int? designSize = null;
            if (settings.Design is not null)
            {
                (theta, designSize, string source) = DesignReport.ReadDesign(settings.Design);
                AnsiConsole.MarkupLine($"{Markup.Escape(source)} of {Markup.Escape(settings.Design)}: θ = {Markup.Escape(theta.ToString())}");
            }
            else theta = SpinodoidParameters.Parse(settings.Theta!);
            int n = settings.Size ?? designSize ?? 192;
            SpinodoidGenerator.ValidateSize(n);
            int m = settings.Resolution ?? n;
            if (m < SpinodoidGenerator.MinimumSize || m > SpinodoidGenerator.MaximumSize || m % 2 != 0)
                throw new ArgumentException($"--resolution {m} must be an even number in [{SpinodoidGenerator.MinimumSize}, {SpinodoidGenerator.MaximumSize}]");
            cells = n;
            description = string.Create(CultureInfo.InvariantCulture, $"θ = {theta}, seed {settings.Seed}, N = {n}, {m} samples per side, tiles {tiles}");
            mesh = StructureSurface.Spinodoid(theta, settings.Seed, m, tiles, phase);
            solidFraction = phase == Microstructure.Phase.Solid ? 1 - theta.Porosity : theta.Porosity;
            // Periods; one period = N voxels.
            mesh = mesh.Scaled(lengthMm ?? n * (voxelMm ?? 1));
        }
        var (_, parts) = mesh.Parts();
        string partNote = string.Create(CultureInfo.InvariantCulture, $"{parts:N0} connected piece{(parts == 1 ? "" : "s")}");
        if (settings.LargestPart && parts > 1)
        {
            double before = mesh.Volume();
            mesh = mesh.LargestPart();
            partNote += string.Create(CultureInfo.InvariantCulture, $", kept the largest ({100 * mesh.Volume() / before:0.00} % of the volume)");
        }
        else if (parts > 1) partNote += " (--largest-part keeps only the largest)";
        if (glb && 12L * mesh.TriangleCount > int.MaxValue)
            throw new ArgumentException($"{mesh.TriangleCount:N0} triangles are more than one glTF buffer holds (about 178 million); write .stl, or use a smaller --resolution");
        double seconds = watch.Elapsed.TotalSeconds;
        bool physical = voxelMm is not null || lengthMm is not null;
        var topology = mesh.Topology();
        var (min, max) = mesh.Bounds();
        var size = max - min;
        double boxVolume = (double)size.X * size.Y * size.Z;
        // glb: 12 bytes per vertex and per triangle, plus a small header.
        long bytes = glb ? 12L * (mesh.VertexCount + mesh.TriangleCount) + 1024 : StlFormat.BinarySize(mesh.TriangleCount);

        AnsiConsole.MarkupLine(Markup.Escape(description));
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"surface of the {settings.Phase.ToLowerInvariant()}: {mesh.TriangleCount:N0} triangles, {mesh.VertexCount:N0} vertices, ") +
            (topology.IsWatertight ? "[green]watertight[/]" : $"[red]not watertight ({Markup.Escape(topology.ToString())})[/]") +
            string.Create(CultureInfo.InvariantCulture, $", {partNote}, made in {seconds:0.0} s"));
        string unit = physical ? " mm" : " voxels";
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"box {size.X:0.####} × {size.Y:0.####} × {size.Z:0.####}{unit}; enclosed volume {mesh.Volume() / boxVolume:0.0000} of the box (the {settings.Phase.ToLowerInvariant()} fraction is {solidFraction:0.0000})"));
        if (!physical)
            AnsiConsole.MarkupLine("[yellow]no --voxel-size or --length: coordinates are in voxels, which a slicer reads as millimetres[/]");
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"writing about {bytes / 1e6:0.0} MB of {(glb ? "binary glTF" : "binary STL")} to ") + Markup.Escape(settings.Out!));
        if (bytes > LargeFileBytes && settings.Input is null)
            AnsiConsole.MarkupLine("[yellow]that is a large file: --resolution M samples the same structure more coarsely (about (M/N)² of the triangles)[/]");

        // Units first: the 80-byte header cuts the rest.
        string header = $"spinodoid {ProgramInfo.Version}, units {(physical ? "mm" : "voxels")}: {description}";
        // STL headers are ASCII: spell the Greek letters out.
        header = header.Replace("θ", "theta").Replace("ε", "eps").Replace("×", "x");
        if (glb) GlbFormat.Write(mesh, settings.Out!, "spinodoid " + settings.Phase.ToLowerInvariant());
        else StlFormat.Write(mesh, settings.Out!, new string(header.Select(c => c < 128 ? c : '?').ToArray()));
        AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(settings.Out!)}[/]");
        return topology.IsWatertight ? 0 : 1;
    }
}
