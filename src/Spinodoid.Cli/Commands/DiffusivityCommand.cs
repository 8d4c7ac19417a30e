using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;
using Spinodoid.IO;
using Spinodoid.Microstructure;
using Spinodoid.Reports;
using Spinodoid.Transport;
using Spinodoid.Runtime;
using Spinodoid.Cli.Support;

namespace Spinodoid.Cli.Commands;

internal sealed class DiffusivityCommand : Command<DiffusivityCommand.Settings>
{
    public sealed class Settings : StructureReadSettings
    {
        [CommandArgument(0, "[FILE]")]
        [Description("Structure file (.npy, .tif/.tiff, .vti, .raw). Or give --theta/--seed/--size to generate one.")]
        public string? File { get; init; }

        [CommandOption("--theta <THETA>")]
        [Description("Generate the structure instead: θ = a_x,a_y,a_z,ε (with --seed and --size).")]
        public string? Theta { get; init; }

        [CommandOption("--seed <SEED>")]
        [Description("Seed for --theta. Default 0.")]
        [DefaultValue(0UL)]
        public ulong Seed { get; init; }

        [CommandOption("-n|--size <N>")]
        [Description("Grid side for --theta. Default 192.")]
        [DefaultValue(192)]
        public int Size { get; init; }

        [CommandOption("--axis <AXIS>")]
        [Description("x, y, z or all (default).")]
        [DefaultValue("all")]
        public string Axis { get; init; } = "all";

        [CommandOption("--bc <CONVENTION>")]
        [Description("paper: concentrations fixed on the first and last voxel layers, length N − 1 (default); taufactor: on the outer faces, length N.")]
        [DefaultValue("paper")]
        public string Convention { get; init; } = "paper";

        [CommandOption("--sides <SIDES>")]
        [Description("Lateral sides: periodic (default for generated structures) or mirror (no flux; TauFactor's).")]
        public string? Sides { get; init; }

        [CommandOption("--tolerance <TOL>")]
        [Description("Relative accuracy of η: it is read from the dissipation of the iterate, and the solve stops when its fall has settled below this (checked on the true residual). Default 1e-5.")]
        [DefaultValue(1e-5)]
        public double Tolerance { get; init; }

        [CommandOption("--max-iterations <N>")]
        [Description("Iteration limit per direction. Default 200.")]
        [DefaultValue(200)]
        public int MaxIterations { get; init; }

        [CommandOption("--discretization <D>")]
        [Description("subvoxel: face conductances from the continuous structure (the generator's field, a float image, or a file this program generated); voxel: the staircase (all a binary image has). Default: subvoxel where the structure has it.")]
        public string? Discretization { get; init; }

        [CommandOption("--extrapolate")]
        [Description("Report the continuum η of a generated structure (--theta, or a file this program generated): the same structure " +
                     "is made again at about 3N/4, both are solved sub-voxel, and η is extrapolated at second order (about 1.3–1.4× the time; " +
                     "within 0.16 % of the continuum on average at N = 128, 1.1 % at most, where one solve is 0.65 % and 3.1 %).")]
        public bool Extrapolate { get; init; }

        [CommandOption("--json <PATH>")]
        [Description("Also write the results, inputs and settings as JSON.")]
        public string? Json { get; init; }

        [CommandOption("--field <PATH>")]
        [Description("Write the concentration field as .vti for ParaView (one file per direction: name.x.vti …).")]
        public string? Field { get; init; }

        public override ValidationResult Validate()
        {
            if (File is null == Theta is null) return ValidationResult.Error("give either a structure FILE or --theta a_x,a_y,a_z,ε (with --seed, --size)");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var axes = settings.Axis.ToLowerInvariant() switch
        {
            "all" => new[] { Axis.X, Axis.Y, Axis.Z },
            "x" => [Axis.X],
            "y" => [Axis.Y],
            "z" => [Axis.Z],
            _ => throw new ArgumentException($"--axis '{settings.Axis}' must be x, y, z or all"),
        };
        var convention = BoundaryConventions.Parse(settings.Convention);
        var sides = settings.Sides is null ? convention.DefaultSides() : OptionParsing.Sides(settings.Sides);
        Discretization? asked = settings.Discretization is null ? null : Discretizations.Parse(settings.Discretization);
        var options = new DiffusivityOptions(convention, sides, settings.Tolerance, settings.MaxIterations, Discretization: asked,
            Extrapolate: settings.Extrapolate).Validated();

        VoxelStructure structure;
        string source;
        if (settings.Theta is not null)
        {
            var theta = SpinodoidParameters.Parse(settings.Theta);
            SpinodoidGenerator.ValidateSize(settings.Size);
            structure = asked == Transport.Discretization.Voxel
                ? SpinodoidGenerator.Generate(theta, settings.Seed, settings.Size)
                : SpinodoidGenerator.GenerateContinuous(theta, settings.Seed, settings.Size);
            source = $"generated: θ = {theta}, seed {settings.Seed}, N = {settings.Size}";
        }
        else
        {
            structure = StructureIO.Read(settings.File!, settings.ReadOptions());
            source = settings.File!;
            if (asked != Transport.Discretization.Voxel && structure.LevelSet is null && structure.Provenance is not null)
            {
                // A binary file this program generated: its θ and seed give back the continuous structure.
                var recovered = SpinodoidGenerator.RecoverContinuous(structure);
                if (recovered is not null)
                {
                    structure = recovered;
                    AnsiConsole.MarkupLine("the file's θ and seed regenerate exactly its voxels: using the continuous structure behind them");
                }
                else if (asked == Transport.Discretization.Subvoxel)
                    throw new ArgumentException($"'{source}' no longer matches the θ and seed it records, so its continuous structure is unknown; use --discretization voxel");
            }
        }
        if (settings.Field is not null) StructureFormats.FromPath(settings.Field); // fail early on a bad extension
        OutputPaths.CheckFile(settings.Field);
        OutputPaths.CheckFile(settings.Json);
        var discretization = DiffusivitySolver.DiscretizationFor(structure, options);

        long bytes = DiffusivitySolver.EstimatePeakBytes(structure.Shape.Count, discretization);
        string memory = bytes >= 1e9 ? $"{bytes / 1e9:0.0} GB" : $"{bytes / 1e6:0} MB";
        AnsiConsole.MarkupLine($"{Markup.Escape(source)}: {structure.Shape}, porosity {structure.Porosity:0.0000}; " +
                               $"{convention.ToString().ToLowerInvariant()} convention, {sides.ToString().ToLowerInvariant()} sides, " +
                               $"{discretization.ToString().ToLowerInvariant()} discretisation; needs about {memory} of memory");

        var results = new List<DiffusivityResult>();
        AnsiConsole.Progress().AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                foreach (var axis in axes)
                {
                    var task = ctx.AddTask($"η along {axis.ToString().ToLowerInvariant()}", maxValue: 1);
                    var progress = new Inline<SolverProgress>(p =>
                        task.Description = string.Create(CultureInfo.InvariantCulture,
                            $"η along {axis.ToString().ToLowerInvariant()}: iteration {p.Iteration}, η ≈ {p.Diffusivity:0.000000}, change {p.RelativeChange:0.0e0}"));
                    if (settings.Field is null)
                        results.Add(DiffusivitySolver.Solve(structure, axis, options, progress, cancellation));
                    else
                    {
                        var (result, field) = DiffusivitySolver.SolveWithField(structure, axis, options, progress, cancellation);
                        results.Add(result);
                        WriteField(settings.Field, axes.Length > 1 ? axis : null, structure, field!, result);
                    }
                    task.Value = 1;
                }
            });

        var table = new Table().Border(TableBorder.Simple)
            .AddColumns("axis", "η", "τ", "F", "ε_perc", "iter", "Δη/η", "imbal.", "time");
        table.Caption = new TableTitle("η = D_eff/D, τ = ε/η, F = 1/η; --json has full precision");
        foreach (var r in results)
            table.AddRow(
                r.Axis.ToString().ToLowerInvariant(), Format(r.Diffusivity, "0.0000"),
                r.Blocked ? "∞" : Format(r.TortuosityFactor, "0.000"),
                r.Blocked ? "∞" : Format(r.FormationFactor, "0.000"),
                Format(r.PercolatingPorosity, "0.000"), r.Iterations.ToString(CultureInfo.InvariantCulture),
                Format(r.RelativeChange, "0e0"), Format(r.FluxImbalance, "0e0"), Format(r.Seconds, "0.0") + " s");
        AnsiConsole.Write(table);
        foreach (var r in results.Where(r => r.Continuum is not null))
            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"η along {r.Axis.ToString().ToLowerInvariant()} is the continuum estimate from N = {r.Continuum!.Size} (η = {r.Continuum.Diffusivity:0.0000}) " +
                $"and N′ = {r.Continuum.CoarseSize} (η = {r.Continuum.CoarseDiffusivity:0.0000}), second order"));
        foreach (var r in results.Where(r => r.Blocked))
            AnsiConsole.MarkupLine($"[yellow]no pore path joins inlet and outlet along {r.Axis.ToString().ToLowerInvariant()}: η = 0[/]");
        foreach (var r in results.Where(r => !r.Converged))
            AnsiConsole.MarkupLine($"[yellow]along {r.Axis.ToString().ToLowerInvariant()} the tolerance was not reached in {r.Iterations} iterations[/]");

        if (settings.Json is not null)
        {
            var json = DiffusivityReport.Json(source, structure, options, results);
            AtomicFile.WriteText(settings.Json, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
            AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(settings.Json)}[/]");
        }
        return 0;
    }

    private static string Format(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);

    private static void WriteField(string path, Axis? axis, VoxelStructure structure, float[] field, DiffusivityResult result)
    {
        string target = axis is null ? path
            : Path.Combine(Path.GetDirectoryName(path) ?? "", $"{Path.GetFileNameWithoutExtension(path)}.{axis.ToString()!.ToLowerInvariant()}{Path.GetExtension(path)}");
        if (StructureFormats.FromPath(target) != StructureFormat.Vti)
            throw new ArgumentException($"--field '{path}' must be a .vti file");
        var meta = StructureMetadata.Describe(structure, "uint8", 1);
        meta["axis"] = result.Axis.ToString().ToLowerInvariant();
        meta["diffusivity"] = result.Diffusivity;
        AtomicFile.Write(target, s => VtiFormat.Write(s, structure.Shape,
            [new VtiArray("concentration", Floats: field), new VtiArray("pore", Bytes: structure.Pore)], StructureMetadata.ToLine(meta)));
        AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(target)}[/]");
    }
}
