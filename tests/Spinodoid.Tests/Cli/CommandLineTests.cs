using System.Text.Json.Nodes;
using Spectre.Console;
using Spinodoid.Cli;
using Spinodoid.IO;
using Spinodoid.Microstructure;
using Spinodoid.Transport;

namespace Spinodoid.Tests.Cli;

/// <summary>The console is process-wide state: command-line tests run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CommandLineCollection
{
    public const string Name = "command line";
}

/// <summary>
/// The commands run in-process as a user runs them: exit codes, what they print, and the files they write (checked
/// against the library, or read back).
/// </summary>
[Collection(CommandLineCollection.Name)]
public sealed class CommandLineTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("spinodoid-cli-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string PathOf(string name) => Path.Combine(_root, name);

    /// <summary>Runs the command line; returns the exit code and everything printed (lines joined by spaces), errors last.</summary>
    private static (int Code, string Output) Run(params string[] args)
    {
        var (code, output, errors) = RunSeparately(args);
        return (code, output + " " + errors);
    }

    /// <summary>Runs the command line; returns the exit code, the standard output and the standard error.</summary>
    private static (int Code, string Output, string Errors) RunSeparately(params string[] args)
    {
        var writer = new StringWriter();
        var errors = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 400;
        var previous = AnsiConsole.Console;
        AnsiConsole.Console = console;
        try
        {
            int code = SpinodoidApp.Run(args, console, errors);
            return (code, string.Join(" ", writer.ToString().Split('\n', StringSplitOptions.TrimEntries)), errors.ToString());
        }
        finally
        {
            AnsiConsole.Console = previous;
        }
    }

    [Theory]
    [InlineData("generate")]
    [InlineData("sample-prior")]
    [InlineData("inspect")]
    [InlineData("diffusivity")]
    [InlineData("dataset", "generate")]
    [InlineData("dataset", "merge")]
    [InlineData("dataset", "stats")]
    [InlineData("dataset", "cache")]
    [InlineData("train")]
    [InlineData("correct")]
    [InlineData("predict")]
    [InlineData("evaluate")]
    [InlineData("design")]
    [InlineData("validate")]
    [InlineData("upscale")]
    [InlineData("export")]
    [InlineData("merge-validation")]
    [InlineData("emulator", "build")]
    [InlineData("reachable")]
    public void EveryCommandHasHelp(params string[] command)
    {
        var (code, output) = Run([.. command, "--help"]);
        Assert.Equal(0, code);
        Assert.Contains("USAGE", output);
        Assert.Contains("--help", output);
    }

    [Fact]
    public void GenerateWritesTheStructureThatInspectAndTheLibraryReadBack()
    {
        var theta = new SpinodoidParameters(0.1, 0.15, 0.2, 0.6);
        var (code, output) = Run("generate", "--theta", "0.1,0.15,0.2,0.6", "--seed", "3", "--size", "24", "--out", PathOf("s.npy"), "--png", PathOf("s.png"));
        Assert.True(code == 0, output);
        Assert.True(File.Exists(PathOf("s.png")));
        var read = StructureIO.Read(PathOf("s.npy"));
        var expected = SpinodoidGenerator.Generate(theta, 3, 24);
        Assert.Equal(expected.Pore, read.Pore);
        Assert.Equal(theta, read.Provenance!.Parameters);

        (code, output) = Run("inspect", PathOf("s.npy"));
        Assert.True(code == 0, output);
        Assert.Contains("24", output);
        Assert.Contains(expected.Porosity.ToString("0.000000", System.Globalization.CultureInfo.InvariantCulture), output);
    }

    [Theory]
    [InlineData("a_z = -0.2", "generate", "--theta", "0.1,0.15,-0.2,0.6", "--size", "24", "--out", "{out}")]
    [InlineData("porosity ε = 1.2", "generate", "--theta", "0.1,0.15,0.2,1.2", "--size", "24", "--out", "{out}")]
    [InlineData("target η = 1.5", "design", "--target", "0.4,0.5,1.5", "--simulator", "solver", "--size", "16", "--out", "{out}")]
    [InlineData("refinement rounds 11", "design", "--target", "0.4,0.5,0.6", "--simulator", "solver", "--size", "16", "--validate", "2", "--refine", "11", "--out", "{out}")]
    [InlineData("refinement tolerance 150 %", "design", "--target", "0.4,0.5,0.6", "--simulator", "solver", "--size", "16", "--refine-tolerance", "150", "--out", "{out}")]
    [InlineData("refinement anisotropy bound 2 must be in 3..10", "design", "--target", "0.4,0.5,0.6", "--simulator", "solver", "--size", "16", "--validate", "2", "--refine-anisotropy-max", "2", "--out", "{out}")]
    [InlineData("simulator 'oracle'", "design", "--target", "0.4,0.5,0.6", "--simulator", "oracle", "--out", "{out}")]
    [InlineData("--count 0", "validate", "--theta", "0.1,0.15,0.2,0.6", "--count", "0", "--no-cnn", "--size", "16", "--out", "{out}")]
    [InlineData("--solver-tolerance 0 is outside the allowed range (0, 0.01]", "validate", "--theta", "0.1,0.15,0.2,0.6", "--count", "1", "--no-cnn", "--size", "16", "--solver-tolerance", "0", "--out", "{out}")]
    [InlineData("--solver-tolerance 0.05 is outside the allowed range (0, 0.01]", "design", "--target", "0.4,0.5,0.6", "--simulator", "solver", "--size", "16", "--validate", "2", "--solver-tolerance", "0.05", "--out", "{out}")]
    [InlineData("converges at first order", "diffusivity", "--theta", "0.1,0.15,0.2,0.6", "--size", "16", "--discretization", "voxel", "--extrapolate")]
    [InlineData("--factor 11", "upscale", "--theta", "0.1,0.15,0.2,0.6", "--factor", "11", "--size", "16", "--out", "{out}")]
    [InlineData("refinement rounds 11", "design", "--target", "-,0.5,0.6", "--simulator", "solver", "--size", "16", "--validate", "2", "--refine", "11", "--out", "{out}")]
    [InlineData("[8, 800]", "generate", "--theta", "0.1,0.15,0.2,0.6", "--size", "1280", "--out", "{out}.npy")]
    [InlineData("empty value", "design", "--target", "0.4,,0.6", "--simulator", "solver", "--size", "16", "--out", "{out}")]
    [InlineData("wall-time limit 0 s", "design", "--target", "0.4,0.5,0.6", "--simulator", "solver", "--size", "16", "--max-time", "0", "--out", "{out}")]
    [InlineData("does not match the extension", "generate", "--theta", "0.1,0.15,0.2,0.6", "--size", "16", "--format", "tiff", "--out", "{out}.npy")]
    // Output locations are checked before any work, and a run with several outputs writes all or none.
    [InlineData("does not exist", "diffusivity", "--theta", "0.1,0.15,0.2,0.6", "--size", "16", "--json", "/nonexistent-folder/eta.json")]
    [InlineData("does not exist", "validate", "--theta", "0.1,0.15,0.2,0.6", "--count", "1", "--no-cnn", "--size", "16", "--out", "/nonexistent-folder/v")]
    [InlineData("does not exist", "upscale", "--theta", "0.1,0.15,0.2,0.6", "--count", "1", "--size", "16", "--out", "/nonexistent-folder/u")]
    [InlineData("does not exist", "design", "--target", "0.4,0.5,0.6", "--simulator", "solver", "--size", "16", "--out", "/nonexistent-folder/run")]
    [InlineData("does not exist", "dataset", "generate", "--count", "6", "--out", "/nonexistent-folder/data")]
    [InlineData("not writable", "generate", "--theta", "0.1,0.15,0.2,0.6", "--size", "16", "--out", "{out}.npy", "--png", "/proc/x.png")]
    [InlineData("one of the shards", "dataset", "merge", "{out}", "--out", "{out}")]
    [InlineData("--voxel-size '10'", "export", "--theta", "0.1,0.15,0.2,0.6", "--size", "16", "--voxel-size", "10", "--out", "{out}.stl")]
    [InlineData("tiling '0,1,1'", "export", "--theta", "0.1,0.15,0.2,0.6", "--size", "16", "--tile", "0,1,1", "--out", "{out}.stl")]
    [InlineData("use a smaller --resolution or fewer --tile copies", "export", "--theta", "0.1,0.15,0.2,0.6", "--size", "400", "--tile", "4,4,4", "--out", "{out}.stl")]
    [InlineData("--resolution 7", "export", "--theta", "0.1,0.15,0.2,0.6", "--size", "16", "--resolution", "7", "--out", "{out}.stl")]
    [InlineData("must end in .stl (binary STL) or .glb", "export", "--theta", "0.1,0.15,0.2,0.6", "--out", "{out}.obj")]
    [InlineData("exactly one of", "export", "--theta", "0.1,0.15,0.2,0.6", "--design", "{out}", "--out", "{out}.stl")]
    [InlineData("no summary.json", "export", "--design", "/tmp", "--out", "{out}.stl")]
    [InlineData("must name the columns eta_x, eta_y and eta_z", "design", "--targets", "{not-a-table}", "--simulator", "solver", "--size", "16", "--out", "{out}")]
    [InlineData("no validation at", "merge-validation", "/nonexistent/part-0", "--out", "{out}")]
    [InlineData("--factor 2 validates upscaled structures with the solver only", "validate", "--theta", "0.1,0.15,0.2,0.6", "--factor", "2", "--size", "16", "--out", "{out}")]
    [InlineData("[8, 800]", "dataset", "generate", "--size", "7", "--count", "6", "--out", "{out}")]
    [InlineData("--labels 'voxels' is not a label source; allowed: solver, cnn", "emulator", "build", "--labels", "voxels", "--out", "{out}.bin")]
    public void BadInputExitsWithTwoAndSaysWhatIsWrong(string message, params string[] args)
    {
        string output = PathOf("out");
        // A file that exists but is no targets table: the test assembly's dependency list (JSON).
        string notATable = Path.Combine(AppContext.BaseDirectory, "Spinodoid.Tests.deps.json");
        var (code, printed, errors) = RunSeparately([.. args.Select(a => a.Replace("{out}", output).Replace("{not-a-table}", notATable))]);
        Assert.Equal(2, code);
        // One unwrapped line on standard error, nothing of it on standard output.
        Assert.StartsWith("error: ", errors);
        Assert.Single(errors.TrimEnd().Split('\n'));
        Assert.Contains(message, errors);
        Assert.DoesNotContain("error:", printed);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_root));
    }

    [Fact]
    public void AHeaderWhoseShapeOverflowsIsRefusedNamingTheFile()
    {
        // (2²¹, 2²¹, 2²²) voxels: the product is 2⁶⁴, which wraps to 0 in unchecked 64-bit arithmetic.
        string header = "{'descr': '|u1', 'fortran_order': True, 'shape': (2097152, 2097152, 4194304), }";
        header = header.PadRight(118 - 1) + "\n";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange("NUMPY"u8.ToArray());
        bytes.AddRange([1, 0, (byte)header.Length, 0]);
        bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(header));
        bytes.AddRange(new byte[64]);
        File.WriteAllBytes(PathOf("huge.npy"), [.. bytes]);
        var (code, output) = Run("inspect", PathOf("huge.npy"));
        Assert.Equal(2, code);
        Assert.Contains("huge.npy", output);
        Assert.Contains("more voxels than one array holds", output);

        File.WriteAllBytes(PathOf("small.raw"), new byte[64]);
        (code, output) = Run("inspect", PathOf("small.raw"), "--shape", "2097152,2097152,4194304");
        Assert.Equal(2, code);
        Assert.Contains("small.raw", output);
        Assert.Contains("more voxels than one array holds", output);
    }

    [Fact]
    public void DiffusivityJsonHoldsTheLibrarysResultAndTheDiscretisation()
    {
        Assert.Equal(0, Run("generate", "--theta", "0.1,0.15,0.2,0.6", "--seed", "4", "--size", "24", "--out", PathOf("s.npy")).Code);
        var (code, output) = Run("diffusivity", PathOf("s.npy"), "--discretization", "voxel", "--json", PathOf("eta.json"));
        Assert.True(code == 0, output);
        var json = JsonNode.Parse(File.ReadAllText(PathOf("eta.json")))!;
        Assert.Equal("voxel", json["discretization"]!.GetValue<string>());
        Assert.Equal("spinodoid", json["program"]!.GetValue<string>());
        var voxel = DiffusivitySolver.SolveAll(StructureIO.Read(PathOf("s.npy")), new DiffusivityOptions(Discretization: Discretization.Voxel));
        var results = json["results"]!.AsArray();
        for (int d = 0; d < 3; d++)
            Assert.Equal(voxel[d].Diffusivity, results[d]!["diffusivity"]!.GetValue<double>(), 6);

        // A file this program generated names its θ and seed: the continuous structure is recovered and solved sub-voxel
        // by default, exactly as when it is generated from θ, and its η lies above the staircase's.
        (code, output) = Run("diffusivity", PathOf("s.npy"), "--json", PathOf("eta-file.json"));
        Assert.True(code == 0, output);
        (code, output) = Run("diffusivity", "--theta", "0.1,0.15,0.2,0.6", "--seed", "4", "--size", "24", "--json", PathOf("eta-theta.json"));
        Assert.True(code == 0, output);
        var fromFile = JsonNode.Parse(File.ReadAllText(PathOf("eta-file.json")))!;
        var fromTheta = JsonNode.Parse(File.ReadAllText(PathOf("eta-theta.json")))!;
        Assert.Equal("subvoxel", fromFile["discretization"]!.GetValue<string>());
        Assert.Equal(4, fromTheta["theta"]!.AsArray().Count);
        for (int d = 0; d < 3; d++)
        {
            double eta = fromTheta["results"]![d]!["diffusivity"]!.GetValue<double>();
            Assert.Equal(eta, fromFile["results"]![d]!["diffusivity"]!.GetValue<double>(), 9);
            Assert.True(eta > voxel[d].Diffusivity);
        }

        // --extrapolate on the generated file: the continuum estimate from the file's N = 24 and the same structure at 18, recorded.
        (code, output) = Run("diffusivity", PathOf("s.npy"), "--extrapolate", "--json", PathOf("eta-continuum.json"));
        Assert.True(code == 0, output);
        var continuum = JsonNode.Parse(File.ReadAllText(PathOf("eta-continuum.json")))!;
        Assert.True(continuum["extrapolated_to_continuum"]!.GetValue<bool>());
        Assert.False(fromFile["extrapolated_to_continuum"]!.GetValue<bool>());
        for (int d = 0; d < 3; d++)
        {
            var c = continuum["results"]![d]!["continuum"]!;
            Assert.Equal((24, 18), (c["size"]!.GetValue<int>(), c["coarse_size"]!.GetValue<int>()));
            double fine = c["diffusivity"]!.GetValue<double>(), coarse = c["coarse_diffusivity"]!.GetValue<double>();
            Assert.Equal(fromFile["results"]![d]!["diffusivity"]!.GetValue<double>(), fine, 9);
            Assert.Equal(fine + (fine - coarse) / (24.0 * 24 / (18 * 18) - 1), continuum["results"]![d]!["diffusivity"]!.GetValue<double>(), 12);
        }

        // A binary image without provenance has no continuous geometry.
        File.WriteAllBytes(PathOf("plain.raw"), StructureIO.Read(PathOf("s.npy")).Pore);
        (code, output) = Run("diffusivity", PathOf("plain.raw"), "--shape", "24,24,24", "--discretization", "subvoxel");
        Assert.Equal(2, code);
        Assert.Contains("binary", output);
    }

    [Fact]
    public void DesignWithTheSolverWritesItsOutputsAndResumes()
    {
        string dir = PathOf("run");
        string[] args = ["design", "--target", "0.3,0.3,-", "--simulator", "solver", "--size", "16", "--population", "16", "--tolerance", "15",
            "--porosity-range", "0.5,0.7", "--batch", "8", "--seed", "2", "--validate", "2", "--out", dir];
        var (code, output) = Run(args);
        Assert.True(code == 0, output);
        Assert.Contains("converged", output);
        Assert.Contains("τ", output);
        foreach (var name in new[] { "summary.json", "posterior.csv", "posterior.png", "report.html", "validation.csv", "validation.png",
                     "posterior-pairs.png", "convergence.png", "structure.png" })
            Assert.True(File.Exists(Path.Combine(dir, name)), name);
        string report = File.ReadAllText(Path.Combine(dir, "report.html"));
        Assert.Contains("<canvas id=\"structure-view\"", report);
        Assert.Contains("<a href=\"summary.json\">", report);
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")))!;
        Assert.StartsWith("solver N = 16", summary["simulator"]!.GetValue<string>());
        Assert.Equal(2, summary["validation"]!["count"]!.GetValue<int>());
        Assert.Equal(16, summary["validation"]!["size"]!.GetValue<int>());

        (code, output) = Run(args);
        Assert.True(code == 0, output);
        Assert.Contains("resuming after generation", output);
        var again = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")))!;
        Assert.Equal(summary["simulations"]!.GetValue<long>(), again["simulations"]!.GetValue<long>());
        Assert.Equal(summary["posterior_mean_theta"]!.GetValue<string>(), again["posterior_mean_theta"]!.GetValue<string>());

        // The design goes to a printer: its θ, at the validation size, 10 µm voxels, two copies along x.
        string stl = PathOf("design.stl");
        (code, output) = Run("export", "--design", dir, "--voxel-size", "10um", "--tile", "2,1,1", "--out", stl);
        Assert.True(code == 0, output);
        Assert.Contains("watertight", output);
        var (mesh, header) = StlFormat.Read(stl);
        Assert.Contains("units mm", header);
        Assert.True(mesh.Topology().IsWatertight);
        var (min, max) = mesh.Bounds();
        Assert.Equal(new System.Numerics.Vector3(0), min);
        Assert.Equal(new System.Numerics.Vector3(0.32f, 0.16f, 0.16f), max);
        var theta = SpinodoidParameters.Parse(summary["posterior_mean_theta"]!.GetValue<string>());
        Assert.Equal(2 * 0.16 * 0.16 * 0.16 * (1 - theta.Porosity), mesh.Volume(), 0.1 * 2 * 0.16 * 0.16 * 0.16 * (1 - theta.Porosity));
    }

    [Fact]
    public void ABatchDesignResumedRowByRowWritesTheTableOfAnUninterruptedOne()
    {
        File.WriteAllText(PathOf("targets.csv"), "name,eta_x,eta_y,eta_z\nfirst,0.3,0.3,-\nsecond,0.35,,0.3\n");
        File.WriteAllText(PathOf("first.csv"), "eta_x,eta_y,eta_z\n0.3,0.3,-\n");
        string[] Args(string targets, string dir) => ["design", "--targets", targets, "--simulator", "solver", "--size", "16", "--population", "16",
            "--tolerance", "15", "--porosity-range", "0.5,0.7", "--batch", "8", "--seed", "2", "--validate", "2", "--refine", "1", "--out", dir];
        var (code, output) = Run(Args(PathOf("targets.csv"), PathOf("whole")));
        Assert.True(code == 0, output);
        string expected = File.ReadAllText(Path.Combine(PathOf("whole"), "designs.csv"));
        Assert.Equal(3, expected.TrimEnd().Split('\n').Length);
        Assert.DoesNotContain("pending", expected);

        // Interrupted after the first row: only it is in the table's folder; the full batch then adds the second.
        (code, output) = Run(Args(PathOf("first.csv"), PathOf("resumed")));
        Assert.True(code == 0, output);
        (code, output) = Run(Args(PathOf("targets.csv"), PathOf("resumed")));
        Assert.True(code == 0, output);
        Assert.Contains("row 0 (η = 0.3,0.3,-): finished earlier, kept", output);
        Assert.Equal(expected, File.ReadAllText(Path.Combine(PathOf("resumed"), "designs.csv")).Replace("resumed", "whole"));
        // Interrupted inside a row (its ABC checkpoint there, no summary yet): that row resumes and ends the same.
        File.Delete(Path.Combine(PathOf("resumed"), "row-001", "summary.json"));
        (code, output) = Run(Args(PathOf("targets.csv"), PathOf("resumed")));
        Assert.True(code == 0, output);
        Assert.Contains("resuming after generation", output);
        Assert.Equal(expected, File.ReadAllText(Path.Combine(PathOf("resumed"), "designs.csv")));
    }

    [Fact]
    public void AnEmulatorDesignsInOneStepAndRefusesAnUnreachableTarget()
    {
        string emulator = PathOf("emulator.bin");
        var (code, output) = Run("emulator", "build", "--labels", "cnn", "--draws", "120", "--epochs", "20", "--seed", "3", "--out", emulator);
        Assert.True(code == 0, output);
        var card = JsonNode.Parse(File.ReadAllText(emulator + ".card.json"))!;
        Assert.True(card["kept"]!.GetValue<int>() > 60);

        (code, output) = Run("design", "--method", "emulator", "--emulator", emulator, "--target", "0.40,0.50,0.60", "--tolerance", "5", "--out", PathOf("fast"));
        Assert.True(code == 0, output);
        Assert.Contains("emulator posterior", output);
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(PathOf("fast"), "summary.json")))!;
        var mean = SpinodoidParameters.Parse(summary["posterior_mean_theta"]!.GetValue<string>());
        Assert.InRange(mean.Porosity, 0.3, 0.85);
        // Built with the default four members: their disagreement at the design θ is in the summary and on screen.
        var spread = summary["emulator_member_spread_at_design"]!["logit_sd"]!.AsArray();
        Assert.Equal(3, spread.Count);
        Assert.All(spread, v => Assert.InRange(v!.GetValue<double>(), 1e-9, 5));
        Assert.Contains("the emulator's members disagree at the design θ", output);

        // η = 0.95 in every direction needs a porosity above the prior's 0.85.
        (code, output) = Run("design", "--method", "emulator", "--emulator", emulator, "--target", "0.95,0.95,0.95", "--out", PathOf("impossible"));
        Assert.Equal(3, code);
        Assert.Contains("unreachable: the nearest emulated η is", output);

        (code, output) = Run("reachable", "--emulator", emulator, "--draws", "2000", "--target", "0.95,0.95,0.95", "--out", PathOf("reachable.png"));
        Assert.Equal(3, code);
        Assert.Contains("not reachable", output);
        Assert.True(new FileInfo(PathOf("reachable.png")).Length > 10_000);
    }

    [Fact]
    public void AnEmulatorLearnsTheBundledDatasetsSolverLabelsAndRefusesADatasetOfAnotherN()
    {
        // Default labels: the bundled dataset's solver η, its train and validation splits to train, the test split held out.
        string emulator = PathOf("solver-emulator.bin");
        var (code, output) = Run("emulator", "build", "--epochs", "2", "--out", emulator);
        Assert.True(code == 0, output);
        var card = JsonNode.Parse(File.ReadAllText(emulator + ".card.json"))!;
        Assert.Equal("solver (dataset)", card["labels"]!.GetValue<string>());
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Spinodoid.slnx"))) root = Path.GetDirectoryName(root)!;
        var rows = Spinodoid.Datasets.DatasetStore.Load(Path.Combine(root, "data", "compact")).Rows;
        bool Connected(Spinodoid.Datasets.DatasetRow r) => r.EtaX > 0 && r.EtaY > 0 && r.EtaZ > 0;
        Assert.Equal(rows.Count(r => r.Split != "test" && Connected(r)), card["train"]!.GetValue<int>());
        Assert.Equal(rows.Count(r => r.Split == "test" && Connected(r)), card["held_out"]!.GetValue<int>());
        // Four members by default, each in its own file, and their disagreement recorded.
        Assert.Equal(4, card["members"]!.GetValue<int>());
        Assert.True(File.Exists(emulator + ".member4"));
        Assert.True(card["held_out_member_spread_logit"]!.GetValue<double>() > 0);
        (code, output) = Run("emulator", "build", "--epochs", "2", "--members", "0", "--out", PathOf("no-members.bin"));
        Assert.Equal(2, code);
        Assert.Contains("members 0", output);
        Assert.False(File.Exists(PathOf("no-members.bin.json")));

        // A dataset made at another N than the model's is not the model's forward map.
        (code, output) = Run("dataset", "generate", "--size", "16", "--count", "6", "--out", PathOf("small"));
        Assert.True(code == 0, output);
        (code, output) = Run("emulator", "build", "--data", PathOf("small"), "--out", PathOf("small.bin"));
        Assert.Equal(2, code);
        Assert.Contains("N = 16", output);
        Assert.False(File.Exists(PathOf("small.bin")));
    }

    [Fact]
    public void TheCorrectCommandFitsOnTrainingStructuresResumesAndEvaluateUsesIt()
    {
        string data = PathOf("tiny-data"), model = PathOf("tiny-model");
        Spinodoid.Datasets.DatasetGenerator.Generate(new Spinodoid.Datasets.DatasetRequest(new Spinodoid.Datasets.DatasetProfile("tiny", 24, 24, 4, 4), 5, data));
        var network = new Spinodoid.Surrogate.SurrogateArchitecture("tiny", 12, [8, 8], [16], 3, Spinodoid.Surrogate.ConvolutionPadding.Same);
        Spinodoid.Surrogate.SurrogateTrainer.Train(data, model, new Spinodoid.Surrogate.TrainingOptions(network, Epochs: 2, BatchSize: 4, Seed: 2));
        string digest;
        using (var plain = Spinodoid.Surrogate.SurrogateModel.Load(model)) digest = plain.WeightsDigest!;

        var (code, output) = Run("correct", "--model", model, "--data", data, "--structures", "20", "--degree", "1");
        Assert.True(code == 0, output);
        string table = Path.Combine(model, $"correction-train-{digest}.csv");
        Assert.Equal(21, File.ReadAllLines(table).Length);

        // Least squares over a family that holds the network itself (weight 1 on its logit, 0 elsewhere) cannot fit the
        // training structures worse than the network does.
        var rows = File.ReadAllLines(table).Skip(1).Select(l => l.Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToList();
        using var corrected = Spinodoid.Surrogate.SurrogateModel.Load(model);
        Assert.NotNull(corrected.Correction);
        // Structures cut off along every direction on a coarse grid (6³ here) do not enter the fit.
        int usable = rows.Count(r => Enumerable.Range(0, 3).Any(d => r[8 + d] >= 1e-3 && r[11 + d] >= 1e-3));
        Assert.Contains($"fitted on {usable} training structures", output);
        Assert.Equal(usable, corrected.Correction!.FittedOn);
        double Loss(Func<double[], int, double> predict) => rows.Sum(r => Enumerable.Range(0, 3).Sum(d =>
            Math.Pow(Spinodoid.Surrogate.SurrogateScaling.Logit(predict(r, d)) - Spinodoid.Surrogate.SurrogateScaling.Logit(r[2 + d]), 2)));
        double network_ = Loss((r, d) => r[5 + d]);
        double fitted = Loss((r, d) => corrected.Correction!.Apply([r[5], r[6], r[7]], r[8..14], r[1])[d]);
        Assert.True(fitted <= network_ + 1e-9, $"the fit's training loss {fitted:G4} is above the network's {network_:G4}");

        // A second run reuses the table: a line cut short by an interruption is computed again (the same values, up to the
        // float rounding of another batch size), and the refitted correction predicts what the first one did.
        var before = File.ReadAllLines(table);
        File.WriteAllLines(table, before.Take(20).Append("99,0.5"));
        (code, output) = Run("correct", "--model", model, "--data", data, "--structures", "20", "--degree", "1");
        Assert.True(code == 0, output);
        var again = File.ReadAllLines(table);
        Assert.Equal(21, again.Length);
        Assert.Equal(before[20].Split(',')[0], again[20].Split(',')[0]);
        // A last line cut inside a number (no newline after it) has all its fields but a wrong value: it is dropped too.
        File.WriteAllText(table, string.Join("\n", again.Take(20)) + "\n" + again[20][..^3]);
        (code, output) = Run("correct", "--model", model, "--data", data, "--structures", "20", "--degree", "1");
        Assert.True(code == 0, output);
        var third = File.ReadAllLines(table);
        Assert.Equal(21, third.Length);
        // The coarse solves are deterministic: the recomputed coarse η is the one the cut line held in full.
        Assert.Equal(again[20].Split(',')[8..], third[20].Split(',')[8..]);
        using var refitted = Spinodoid.Surrogate.SurrogateModel.Load(model);
        foreach (var r in rows)
            for (int d = 0; d < 3; d++)
                Assert.Equal(corrected.Correction!.Apply([r[5], r[6], r[7]], r[8..14], r[1])[d], refitted.Correction!.Apply([r[5], r[6], r[7]], r[8..14], r[1])[d], 5);

        // evaluate applies it and says so; --no-correction scores the network alone.
        (code, output) = Run("evaluate", "--model", model, "--data", data, "--split", "test", "--png", PathOf("f5.png"));
        Assert.True(code == 0, output);
        Assert.Contains("corrected by coarse-grid solves", output);
        Assert.Contains("\"coarse_grid_correction\": true", File.ReadAllText(PathOf("evaluation-test.json")));
        (code, output) = Run("evaluate", "--model", model, "--data", data, "--split", "test", "--no-correction", "--png", PathOf("f5.png"));
        Assert.True(code == 0, output);
        Assert.DoesNotContain("corrected", output);

        (code, output) = Run("correct", "--model", model, "--data", data, "--structures", "5", "--degree", "1");
        Assert.Equal(2, code);
        Assert.Contains("--structures 5 must be at least 10", output);
        (code, output) = Run("correct", "--model", model, "--data", data, "--degree", "9");
        Assert.Equal(2, code);
        Assert.Contains("--degree 9 is outside 1–6", output);
    }

    [Fact]
    public void ADesignStoppedRightAfterGenerationZeroStillWritesAValidSummary()
    {
        string dir = PathOf("early");
        var (code, output) = Run("design", "--target", "0.4,0.5,0.6", "--simulator", "solver", "--size", "16", "--population", "16",
            "--batch", "8", "--max-simulations", "16", "--discretization", "voxel", "--out", dir);
        Assert.True(code == 0, output);
        Assert.Contains("stopped", output);
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")))!;
        Assert.Equal("stopped", summary["status"]!.GetValue<string>());
        Assert.Null(summary["posterior_tolerance"]);
        Assert.Equal(1, summary["generations"]!.GetValue<int>());
        Assert.True(File.Exists(Path.Combine(dir, "report.html")));
    }

    [Fact]
    public void AbcWithTheNetworkAloneWarnsAtLowPorosityOnly()
    {
        // The bundled CNN without its correction, a few simulations: a posterior at porosity 0.30–0.33 is warned about,
        // one at 0.6–0.7 is not.
        string[] Args(string range, string dir) => ["design", "--target", "0.05,0.1,0.08", "--porosity-range", range, "--population", "16",
            "--max-simulations", "48", "--tolerance", "60", "--validate", "0", "--out", dir];
        var (code, output) = Run(Args("0.3,0.33", PathOf("low")));
        Assert.True(code == 0, output);
        Assert.Contains("where the CNN without its coarse-grid", output);
        Assert.Contains("--correction on", output);
        (code, output) = Run(Args("0.6,0.7", PathOf("high")));
        Assert.True(code == 0, output);
        Assert.DoesNotContain("where the CNN without its coarse-grid", output);
    }

    [Fact]
    public void ValidateAndUpscaleWriteTablesAtBothSizes()
    {
        var (code, output) = Run("validate", "--theta", "0.1,0.15,0.2,0.6", "--count", "2", "--size", "16", "--no-cnn", "--seed", "5", "--out", PathOf("v"));
        Assert.True(code == 0, output);
        var rows = File.ReadAllLines(PathOf("v.csv"));
        Assert.Equal(3, rows.Length);
        Assert.StartsWith("5,", rows[1]);
        Assert.True(File.Exists(PathOf("v.png")));
        Assert.Equal(1e-3, JsonNode.Parse(File.ReadAllText(PathOf("v.json")))!["solver_tolerance"]!.GetValue<double>()); // the checks' default

        (code, output) = Run("upscale", "--theta", "0.1,0.15,0.2,0.6", "--factor", "2", "--count", "1", "--size", "16", "--out", PathOf("u"));
        Assert.True(code == 0, output);
        var upscaled = JsonNode.Parse(File.ReadAllText(PathOf("u-upscaled.json")))!;
        Assert.Equal(32, upscaled["size"]!.GetValue<int>());
        Assert.Equal("0.05,0.075,0.1,0.6", upscaled["theta"]!.GetValue<string>());
        Assert.Equal(16, JsonNode.Parse(File.ReadAllText(PathOf("u-base.json")))!["size"]!.GetValue<int>());

        // The cluster path: upscaled structures one seed per task (validate --factor), merged, equal upscale's table.
        (code, output) = Run("validate", "--theta", "0.1,0.15,0.2,0.6", "--factor", "2", "--count", "1", "--size", "16", "--no-cnn", "--seed", "1", "--out", PathOf("p0"));
        Assert.True(code == 0, output);
        (code, output) = Run("merge-validation", PathOf("p0"), "--out", PathOf("merged"));
        Assert.True(code == 0, output);
        Assert.Equal(File.ReadAllText(PathOf("u-upscaled.csv")), File.ReadAllText(PathOf("merged.csv")));
        Assert.Equal(File.ReadAllText(PathOf("u-upscaled.json")), File.ReadAllText(PathOf("merged.json")));
        // Two parts over seeds 5 and 6 give the table of one run over both.
        Run("validate", "--theta", "0.1,0.15,0.2,0.6", "--count", "1", "--size", "16", "--no-cnn", "--seed", "6", "--out", PathOf("q1"));
        Run("validate", "--theta", "0.1,0.15,0.2,0.6", "--count", "1", "--size", "16", "--no-cnn", "--seed", "5", "--out", PathOf("q0"));
        (code, output) = Run("merge-validation", PathOf("q1") + ".csv", PathOf("q0"), "--out", PathOf("q"));
        Assert.True(code == 0, output);
        Assert.Equal(File.ReadAllText(PathOf("v.csv")), File.ReadAllText(PathOf("q.csv")));
        (code, output) = Run("merge-validation", PathOf("q0"), PathOf("p0"), "--out", PathOf("bad"));
        Assert.Equal(2, code);
        Assert.Contains("validation parts differ", output);
        // The same seed solved to another tolerance is another measurement: not merged silently.
        Run("validate", "--theta", "0.1,0.15,0.2,0.6", "--count", "1", "--size", "16", "--no-cnn", "--seed", "6", "--solver-tolerance", "1e-6", "--out", PathOf("t1"));
        Assert.Equal(1e-6, JsonNode.Parse(File.ReadAllText(PathOf("t1.json")))!["solver_tolerance"]!.GetValue<double>());
        (code, output) = Run("merge-validation", PathOf("q0"), PathOf("t1"), "--out", PathOf("bad"));
        Assert.Equal(2, code);
        Assert.Contains("solver tolerance 0.001", output);
        // Continuum estimates (each structure also solved at 12³ and extrapolated) are recorded, and not merged with single solves.
        (code, output) = Run("validate", "--theta", "0.1,0.15,0.2,0.6", "--count", "1", "--size", "16", "--no-cnn", "--seed", "6", "--extrapolate", "--out", PathOf("e1"));
        Assert.True(code == 0, output);
        Assert.True(JsonNode.Parse(File.ReadAllText(PathOf("e1.json")))!["extrapolated_to_continuum"]!.GetValue<bool>());
        Assert.False(JsonNode.Parse(File.ReadAllText(PathOf("q1.json")))!["extrapolated_to_continuum"]!.GetValue<bool>());
        Assert.NotEqual(File.ReadAllLines(PathOf("q1.csv"))[1], File.ReadAllLines(PathOf("e1.csv"))[1]);
        (code, output) = Run("merge-validation", PathOf("q0"), PathOf("e1"), "--out", PathOf("bad"));
        Assert.Equal(2, code);
        Assert.Contains("extrapolated to the continuum", output);
        (code, output) = Run("merge-validation", PathOf("q0"), PathOf("q0") + ".json", PathOf("v"), "--out", PathOf("bad"));
        Assert.Equal(2, code);
        Assert.Contains("seed 5 is in two validation parts", output);
    }

    [Fact]
    public void PredictUsesTheSimulatorsPercolationRuleAndWarnsOutsideThePrior()
    {
        // An all-solid image: nothing percolates, so η = 0 in every direction, as the design simulator says.
        using (var stream = File.Create(PathOf("solid.npy")))
            NpyFormat.WriteUInt8(stream, GridShape.Cube(128), new byte[128 * 128 * 128]);
        var (code, output) = Run("predict", PathOf("solid.npy"));
        Assert.True(code == 0, output);
        Assert.Contains("x 0.0000, y 0.0000, z 0.0000", output);
        Assert.Contains("no pore path joins inlet and outlet along z", output);

        (code, output) = Run("predict", "--theta", "0.3,0.3,0.3,0.6", "--seed", "1");
        Assert.True(code == 0, output);
        Assert.Contains("outside the prior", output);
    }

    [Fact]
    public void APoreValueThatTheImageDoesNotHoldIsRefusedNamingTheLabels()
    {
        var labels = new byte[16 * 16 * 16];
        for (int i = 0; i < labels.Length; i += 3) labels[i] = 255;
        using (var stream = File.Create(PathOf("scan.npy"))) NpyFormat.WriteUInt8(stream, GridShape.Cube(16), labels);
        var (code, output) = Run("inspect", PathOf("scan.npy"), "--pore-value", "1");
        Assert.Equal(2, code);
        Assert.Contains("pore value 1 does not occur", output);
        Assert.Contains("0, 255", output);
        Assert.Equal(0, Run("inspect", PathOf("scan.npy")).Code);

        File.WriteAllBytes(PathOf("scan.raw"), labels);
        File.WriteAllText(PathOf("scan.raw.json"), """{"shape": [16, 16, 16], "pore_value": "abc"}""");
        (code, output) = Run("inspect", PathOf("scan.raw"));
        Assert.Equal(2, code);
        Assert.Contains("scan.raw", output);
        Assert.Contains("pore_value", output);
    }

    [Fact]
    public void AComputationLargerThanTheFreeMemoryIsRefusedWithItsEstimate()
    {
        long available = Spinodoid.Runtime.MemoryBudget.Available();
        Assert.True(available > 0);
        var error = Assert.Throws<InsufficientMemoryException>(() => Spinodoid.Runtime.MemoryBudget.Require(available + (1L << 30), "a test"));
        Assert.Contains("a test needs about", error.Message);
        Assert.Contains("GiB is available", error.Message);
        Spinodoid.Runtime.MemoryBudget.Require(1 << 20, "a small test");
        // The estimates grow with N³, and the continuous structure costs more than the voxels.
        Assert.Equal(8 * SpinodoidGenerator.EstimatePeakBytes(100), SpinodoidGenerator.EstimatePeakBytes(200));
        Assert.True(SpinodoidGenerator.EstimatePeakBytes(100, continuous: true) > SpinodoidGenerator.EstimatePeakBytes(100));
    }

    [Fact]
    public void SamplePriorWritesOneRowPerDraw()
    {
        var (code, output) = Run("sample-prior", "--count", "5", "--seed", "7", "--out", PathOf("p.csv"));
        Assert.True(code == 0, output);
        var lines = File.ReadAllLines(PathOf("p.csv"));
        Assert.Equal(6, lines.Length);
        Assert.Contains("a_x", lines[0]);
    }
}
