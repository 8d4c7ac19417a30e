using Spectre.Console;
using Spectre.Console.Cli;
using Spinodoid.Cli.Commands;
using Spinodoid.Cli.Support;
using Spinodoid.Runtime;

namespace Spinodoid.Cli;

/// <summary>The <c>spinodoid</c> command line: every command with its help and examples, and the error handler.</summary>
public static class SpinodoidApp
{
    /// <summary>
    /// Runs the command line <paramref name="args"/> and returns the exit code (0 ok, 2 bad input, 1 failure). Help and
    /// messages go to <paramref name="console"/> (default: the process's), errors to <paramref name="errors"/> (default:
    /// standard error).
    /// </summary>
    public static int Run(string[] args, IAnsiConsole? console = null, TextWriter? errors = null) =>
        Create(console, errors).Run(JoinLeadingDashValues(args));

    /// <summary>
    /// A target whose first direction is free starts with '-' ("--target -,0.5,0.6"), which the parser would take for
    /// an option: such a value is joined to its option ("--target=-,0.5,0.6"), as the user meant.
    /// </summary>
    private static string[] JoinLeadingDashValues(string[] args)
    {
        var joined = new List<string>(args.Length);
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--target" && i + 1 < args.Length && args[i + 1].StartsWith("-,", StringComparison.Ordinal))
                joined.Add($"--target={args[++i]}");
            else joined.Add(args[i]);
        }
        return [.. joined];
    }

    /// <summary>The configured application.</summary>
    public static CommandApp Create(IAnsiConsole? console = null, TextWriter? errors = null)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            if (console is not null) config.ConfigureConsole(console);
            config.SetApplicationName("spinodoid");
            config.SetApplicationVersion(ProgramInfo.Version);
            config.AddCommand<GenerateCommand>("generate")
                .WithDescription("Generate a spinodoid structure for θ = (a_x, a_y, a_z, ε) and a seed.")
                .WithExample("generate", "--theta", "0.092,0.135,0.245,0.666", "--seed", "1", "--size", "192", "--out", "s.npy", "--png", "s.png");
            config.AddCommand<SamplePriorCommand>("sample-prior")
                .WithDescription("Draw θ from the paper's prior; with --size, keep only structures connected in all directions.")
                .WithExample("sample-prior", "--count", "10", "--seed", "7", "--size", "96", "--out", "prior.csv");
            config.AddCommand<InspectCommand>("inspect")
                .WithDescription("Size, porosity and inlet→outlet connectivity of each phase of a structure file.")
                .WithExample("inspect", "s.npy");
            config.AddCommand<DiffusivityCommand>("diffusivity")
                .WithDescription("Effective diffusivity η = D_eff/D (and τ, formation factor) along x, y, z of a structure file or a generated θ.")
                .WithExample("diffusivity", "s.npy", "--json eta.json")
                .WithExample("diffusivity", "scan.tif", "--bc", "taufactor", "--pore-value", "255", "--field", "c.vti")
                .WithExample("diffusivity", "--theta", "0.092,0.135,0.245,0.666", "--seed", "1", "--size", "192");
            config.AddBranch("emulator", emulator =>
            {
                emulator.SetDescription("The emulator of the forward map: η̄(θ) and the seed-to-seed covariance Σ(θ) (from the dataset's solver labels by default), for designs in seconds.");
                emulator.AddCommand<EmulatorBuildCommand>("build")
                    .WithDescription("Fit the emulator to the dataset's solver labels (default) or to CNN predictions of prior draws (--labels cnn), with its held-out accuracy.")
                    .WithExample("emulator", "build", "--data", "data/compact")
                    .WithExample("emulator", "build", "--labels", "cnn", "--draws", "4000", "--seed", "1");
            });
            config.AddCommand<ReachableCommand>("reachable")
                .WithDescription("Which η the prior's structures can have (from the emulator): pictures, and whether a --target is reachable.")
                .WithExample("reachable", "--porosity-range", "0.5,0.8", "--target", "0.25,0.375,0.50", "--out", "reachable.png");
            config.AddCommand<MergeValidationCommand>("merge-validation")
                .WithDescription("Join validations made in parts (one per cluster task: scripts/slurm/validate-array.sh) into one validation.csv/.json/.png.")
                .WithExample("merge-validation", "runs/v576/part-0", "runs/v576/part-1", "runs/v576/part-2", "--out", "runs/v576/validation");
            config.AddCommand<ExportCommand>("export")
                .WithDescription("The solid (or pore) surface of a structure as a smooth, watertight binary STL in physical units, for 3D printing.")
                .WithExample("export", "--theta", "0.0725,0.1067,0.1898,0.672", "--seed", "1", "--size", "128", "--voxel-size", "10um", "--out", "design.stl")
                .WithExample("export", "--design", "runs/eta1", "--length", "2mm", "--tile", "2,2,1", "--resolution", "96", "--out", "tiled.stl")
                .WithExample("export", "--input", "scan.npy", "--threshold", "0.5", "--voxel-size", "5um", "--out", "scan.stl");
            config.AddBranch("dataset", dataset =>
            {
                dataset.SetDescription("Labelled datasets: structures from the prior with η along x, y, z from the solver.");
                dataset.AddCommand<DatasetGenerateCommand>("generate")
                    .WithDescription("Generate (or resume) a dataset; parallel, resumable after any interruption, shardable.")
                    .WithExample("dataset", "generate", "--profile", "compact", "--seed", "1", "--out", "data/compact");
                dataset.AddCommand<DatasetMergeCommand>("merge")
                    .WithDescription("Join the shards of a dataset made with --shard K/N.")
                    .WithExample("dataset", "merge", "part-0", "part-1", "--out", "data/full");
                dataset.AddCommand<DatasetStatsCommand>("stats")
                    .WithDescription("Counts, rejection rate, η ranges, correlations, and the paper's Figure 3 as PNG.")
                    .WithExample("dataset", "stats", "data/compact");
                dataset.AddCommand<DatasetCacheCommand>("cache")
                    .WithDescription("Build the memory-mappable .npy of downsampled CNN inputs from the table.")
                    .WithExample("dataset", "cache", "data/compact");
            });
            config.AddCommand<TrainCommand>("train")
                .WithDescription("Train a CNN surrogate for η on a dataset (resumable, progress, metrics CSV, best-validation checkpoint).")
                .WithExample("train", "--data", "data/compact", "--network", "compact", "--epochs", "40", "--out", "models/mine");
            config.AddCommand<CorrectCommand>("correct")
                .WithDescription("Fit a model's correction by coarse-grid solves of its own input (correction.json; predict, evaluate and design then use it).")
                .WithExample("correct", "--model", "models/mine", "--data", "data/compact");
            config.AddCommand<PredictCommand>("predict")
                .WithDescription("η_x, η_y, η_z of a structure from a trained CNN (the bundled model by default).")
                .WithExample("predict", "--theta", "0.092,0.135,0.245,0.666", "--seed", "3", "--model", "models/mine");
            config.AddCommand<EvaluateCommand>("evaluate")
                .WithDescription("MSE (logit) and MAPE of a model on a dataset split, and the paper's Figure 5 as PNG.")
                .WithExample("evaluate", "--model", "models/mine", "--data", "data/compact", "--split", "test");
            config.AddCommand<DesignCommand>("design")
                .WithDescription("Inverse design by ABC-PMC: parameters θ whose structures have a target η (posterior, its mean, plots, HTML report).")
                .WithExample("design", "--target", "0.40,0.50,0.60")
                .WithExample("design", "--target", "0.25,0.375,0.50", "--validate", "25", "--out", "eta2")
                .WithExample("design", "--target", "0.4,-,0.6", "--porosity-range", "0.5,0.7", "--mode", "paper");
            config.AddCommand<ValidateCommand>("validate")
                .WithDescription("η of structures at θ with fresh seeds by the solver and the CNN: means, spreads, and the paper's Figures 8–9.")
                .WithExample("validate", "--theta", "0.092,0.135,0.245,0.666", "--count", "250", "--target", "0.40,0.50,0.60");
            config.AddCommand<UpscaleCommand>("upscale")
                .WithDescription("The paper's upscaling: length scales divided by F on an F-times larger grid; η by the solver at both sizes.")
                .WithExample("upscale", "--theta", "0.092,0.135,0.245,0.666", "--factor", "3", "--count", "10");
            config.SetExceptionHandler((exception, _) => CliErrors.Report(exception, errors ?? Console.Error));
        });
        return app;
    }
}
