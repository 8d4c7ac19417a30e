using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using Spinodoid.Design;
using Spinodoid.Microstructure;
using Spinodoid.Reports;
using Spinodoid.Surrogate;

namespace Spinodoid.Cli.Commands;

internal sealed class DesignCommand : Command<DesignCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--target <ETA>")]
        [Description("Target η_x,η_y,η_z, e.g. 0.40,0.50,0.60; '-' leaves a direction free (0.4,-,0.6).")]
        public string Target { get; init; } = "";

        [CommandOption("-o|--out <DIR>")]
        [Description("Run folder (posterior.csv, generations.csv, summary.json, posterior.png, report.html). Default design-<target>-s<seed>. The same command resumes an interrupted run.")]
        public string? Out { get; init; }

        [CommandOption("--mode <MODE>")]
        [Description("default (locally adapted OLCM kernel, quantile tolerances) or paper (Algorithm 1: componentwise kernel, 9 log-spaced tolerances 100 % → final).")]
        [DefaultValue("default")]
        public string Mode { get; init; } = "default";

        [CommandOption("--population <P>")]
        [Description("Particles per generation. Default 256 in default mode, 512 (the paper's) in paper mode.")]
        public int? Population { get; init; }

        [CommandOption("--tolerance <PERCENT>")]
        [Description("Final tolerance: mean absolute percentage error of η (eq. 10). Default 1 (%).")]
        [DefaultValue(1.0)]
        public double Tolerance { get; init; }

        [CommandOption("--tolerances <LIST>")]
        [Description("Explicit decreasing tolerance list in %, e.g. 100,50,20,10,5,2,1 (overrides the mode's schedule).")]
        public string? Tolerances { get; init; }

        [CommandOption("--quantile <Q>")]
        [Description("Default mode: next tolerance = this weighted quantile of the previous distances. Default 0.1.")]
        [DefaultValue(0.1)]
        public double Quantile { get; init; }

        [CommandOption("--porosity-range <LO,HI>")]
        [Description("Constrain the porosity ε to the range LO..HI (e.g. 0.5,0.6).")]
        public string? PorosityRange { get; init; }

        [CommandOption("--simulator <NAME>")]
        [Description("surrogate (the CNN; default) or solver (the numerical solver at --size; exact but slow).")]
        [DefaultValue("surrogate")]
        public string Simulator { get; init; } = "surrogate";

        [CommandOption("--model <DIR>")]
        [Description("CNN model folder. Default: the bundled model (models/compact).")]
        public string? Model { get; init; }

        [CommandOption("--size <N>")]
        [Description("Grid size for --simulator solver. Default 64.")]
        [DefaultValue(64)]
        public int Size { get; init; }

        [CommandOption("--max-simulations <N>")]
        [Description("Stop after this many simulator calls.")]
        public long? MaxSimulations { get; init; }

        [CommandOption("--max-time <SECONDS>")]
        [Description("Stop after this much wall time (this invocation).")]
        public double? MaxTime { get; init; }

        [CommandOption("--min-acceptance <PERCENT>")]
        [Description("Stop when a generation's acceptance rate falls below this (after 10·P calls): the target is out of reach. Default 0.1 (%).")]
        [DefaultValue(0.1)]
        public double MinAcceptance { get; init; }

        [CommandOption("--batch <B>")]
        [Description("Structures simulated per batch (one CNN pass). Does not change the result. Default 32.")]
        [DefaultValue(32)]
        public int Batch { get; init; }

        [CommandOption("--seed <SEED>")]
        [Description("Seed of all random choices. Default 0.")]
        [DefaultValue(0UL)]
        public ulong Seed { get; init; }

        [CommandOption("--validate <K>")]
        [Description("At the end, validate the posterior mean with the solver on K structures (fresh seeds). Default 0 (off).")]
        [DefaultValue(0)]
        public int ValidateCount { get; init; }

        [CommandOption("--refine <ROUNDS>")]
        [Description("With --validate and the CNN: while the solver's mean η misses the target by more than --refine-tolerance, move θ by the " +
                     "posterior's linear update (Σ Jᵀ (J Σ Jᵀ)⁻¹ × residual, J the CNN's Jacobian) and validate again, at most ROUNDS times. " +
                     "Removes the CNN's systematic error at the design. Default 2; 0 validates only.")]
        [DefaultValue(2)]
        public int Refine { get; init; }

        [CommandOption("--refine-tolerance <PERCENT>")]
        [Description("Refinement stops once the solver's mean η is this close to the target in every targeted direction. Default 1 (%).")]
        [DefaultValue(1.0)]
        public double RefineTolerance { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Target) ? ValidationResult.Error("--target η_x,η_y,η_z is required (e.g. --target 0.40,0.50,0.60)") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var target = DiffusivityTarget.Parse(settings.Target);
        var mode = settings.Mode.ToLowerInvariant() switch
        {
            "default" => DesignMode.Default,
            "paper" => DesignMode.Paper,
            _ => throw new ArgumentException($"mode '{settings.Mode}' must be default or paper"),
        };
        if (settings.ValidateCount < 0) throw new ArgumentException($"--validate {settings.ValidateCount} must be 0 or more");
        if (settings.Refine is < 0 or > 10) throw new ArgumentException($"--refine {settings.Refine} must be in 0..10 (rounds)");
        if (!(settings.RefineTolerance > 0 && settings.RefineTolerance < 100))
            throw new ArgumentException($"--refine-tolerance {settings.RefineTolerance} must be in (0, 100) (%)");
        var refinementSettings = new RefinementSettings(settings.Refine, settings.RefineTolerance / 100).Validated();
        var (porosityMin, porosityMax) = settings.PorosityRange is null ? ((double?)null, (double?)null) : ParseRange(settings.PorosityRange);
        var tolerances = settings.Tolerances?.Split(',', StringSplitOptions.TrimEntries).Select(t =>
            double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v / 100
            : throw new ArgumentException($"tolerance '{t}' in --tolerances is not a number (percent)")).ToArray();

        SurrogateModel? model = null;
        ISimulator simulator;
        string simulatorText;
        if (settings.Simulator.Equals("surrogate", StringComparison.OrdinalIgnoreCase))
        {
            string modelDir = settings.Model ?? BundledModel.Locate();
            model = SurrogateModel.Load(modelDir);
            simulator = new SurrogateSimulator(model);
            simulatorText = $"surrogate {Path.GetFullPath(modelDir)} (N = {model.StructureSize})";
        }
        else if (settings.Simulator.Equals("solver", StringComparison.OrdinalIgnoreCase))
        {
            SpinodoidGenerator.ValidateSize(settings.Size);
            simulator = new SolverSimulator(settings.Size);
            simulatorText = $"solver N = {settings.Size}";
        }
        else throw new ArgumentException($"simulator '{settings.Simulator}' must be surrogate or solver");

        using var _ = model;
        var request = new DesignRequest(target, mode, settings.Population, settings.Tolerance / 100, settings.Quantile, tolerances, settings.Seed,
            porosityMin, porosityMax, settings.MaxSimulations, settings.MaxTime is double s ? TimeSpan.FromSeconds(s) : null,
            settings.MinAcceptance / 100, settings.Batch, simulatorText).Validated();
        string directory = settings.Out ?? $"design-{target.ToString().Replace(',', '_')}-s{settings.Seed}";
        var done = InverseDesign.Store(directory, request).Load();
        AnsiConsole.MarkupLine($"designing η = ({Markup.Escape(target.ToString())}) with {Markup.Escape(simulatorText)}, mode {mode.ToString().ToLowerInvariant()}, " +
                               $"P = {request.Population}, final tolerance {100 * request.FinalTolerance:0.###} % → {Markup.Escape(directory)}" +
                               (done.Generations.Count > 0 ? $" (resuming after generation {done.Generations.Count - 1})" : ""));

        AbcResult result = null!;
        AnsiConsole.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                ProgressTask? task = null;
                int current = -1;
                var progress = new Inline<AbcProgress>(p =>
                {
                    if (p.Generation != current)
                    {
                        task?.StopTask();
                        task = ctx.AddTask($"generation {p.Generation}", maxValue: p.PopulationSize);
                        current = p.Generation;
                    }
                    task!.Value = p.Accepted;
                    string tol = double.IsInfinity(p.Tolerance) ? "∞" : $"{100 * p.Tolerance:0.###} %";
                    task.Description = string.Create(CultureInfo.InvariantCulture,
                        $"generation {p.Generation}, ε {tol}: {p.Accepted}/{p.PopulationSize} accepted, {p.GenerationSimulations} calls ({100 * p.AcceptanceRate:0.0} %), total {p.TotalSimulations}");
                    if (p.Completed is { } done)
                        task.Description += string.Create(CultureInfo.InvariantCulture, $", ESS {done.EffectiveSampleSize:0}, {done.Seconds:0.0} s");
                });
                result = InverseDesign.Run(request, simulator, directory, progress, cancellation);
                task?.StopTask();
            });

        RefinementResult? refinement = null;
        if (settings.ValidateCount > 0 && result.Posterior is { } posterior)
        {
            int size = model?.StructureSize ?? settings.Size;
            refinement = DesignRefinement.Refine(target, posterior, request.Prior(), model is null ? null : simulator, (theta, round) =>
                {
                    AnsiConsole.MarkupLine(round == 0
                        ? $"validating the posterior mean with the solver: {settings.ValidateCount} structures at N = {size}"
                        : $"refinement round {round}: validating θ = {Markup.Escape(theta.ToString())} with the solver");
                    return ValidationCommand.RunWithProgress(theta, settings.ValidateCount, size, model, refinementSettings.ValidationSeed(round), cancellation);
                }, refinementSettings,
                ProgressBarStages.Instance, cancellation);
        }
        DesignReport.Write(directory, request, result, refinement);
        Print(request, result, refinement, directory);
        return 0;
    }

    private static void Print(DesignRequest request, AbcResult result, RefinementResult? refinement, string directory)
    {
        AnsiConsole.MarkupLine((result.ReachedFinalTolerance ? "[green]converged[/]: " : "[yellow]stopped[/]: ") + Markup.Escape(result.StopReason));
        if (result.Posterior is not { } posterior)
        {
            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"no generation completed; closest distance reached {100 * result.ClosestDistance:0.##} %"));
            return;
        }
        var mean = posterior.Mean();
        var table = new Table().AddColumns("parameter", "posterior mean", "95 % interval");
        string[] names = ["a_x", "a_y", "a_z", "ε"];
        for (int i = 0; i < 4; i++)
            table.AddRow(names[i], mean[i].ToString("0.00000", CultureInfo.InvariantCulture),
                Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"[{posterior.Quantile(i, 0.025):0.00000}, {posterior.Quantile(i, 0.975):0.00000}]")));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"posterior at ε = {100 * posterior.Tolerance:0.###} %: ESS {posterior.EffectiveSampleSize:0}, {result.TotalSimulations} simulator calls " +
            $"({result.TotalSimulations / posterior.EffectiveSampleSize:0.0} per effective sample), {result.Generations.Sum(g => g.Seconds):0.0} s in all generations; " +
            $"closest distance {100 * result.ClosestDistance:0.###} %"));
        AnsiConsole.MarkupLine($"θ (posterior mean) = [bold]{string.Join(",", mean.Select(v => v.ToString("0.00000", CultureInfo.InvariantCulture)))}[/]");
        if (refinement is not null) ValidationCommand.PrintSummary(refinement.Rounds[0].Validation, request.Target);
        if (refinement is { Rounds.Count: > 1 })
        {
            var rounds = new Table().AddColumns("round", "θ", "solver η_x", "η_y", "η_z", "vs target η_x", "η_y", "η_z");
            foreach (var round in refinement.Rounds)
                rounds.AddRow([round.Round.ToString(CultureInfo.InvariantCulture) + (round == refinement.Best ? " (design)" : ""),
                    string.Join(",", round.Theta.ToVector().Select(v => v.ToString("0.0000", CultureInfo.InvariantCulture))),
                    .. round.Validation.SolverMean.Select(v => v.ToString("0.0000", CultureInfo.InvariantCulture)),
                    .. round.Validation.RelativeError(request.Target).Select(e => e is double v ? string.Create(CultureInfo.InvariantCulture, $"{100 * v:+0.00;-0.00} %") : "free")]);
            AnsiConsole.Write(rounds);
            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"refinement ({refinement.Seconds:0} s): {Markup.Escape(refinement.StopReason)}"));
            AnsiConsole.MarkupLine($"design θ (solver-validated) = [bold]{string.Join(",", refinement.Best.Theta.ToVector().Select(v => v.ToString("0.00000", CultureInfo.InvariantCulture)))}[/]");
        }
        AnsiConsole.MarkupLine($"report: [green]{Markup.Escape(Path.Combine(directory, "report.html"))}[/]");
    }

    internal static (double, double) ParseRange(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var lo)
                              || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var hi))
            throw new ArgumentException($"range '{text}' must be two numbers LO,HI");
        if (!(lo < hi)) throw new ArgumentException($"range '{text}' needs LO < HI");
        return (lo, hi);
    }
}

/// <summary>Shows each long stage of a computation as a progress bar with elapsed and remaining time.</summary>
internal sealed class ProgressBarStages : IStageReporter
{
    public static ProgressBarStages Instance { get; } = new();

    public T Run<T>(string title, int total, Func<IProgress<int>, T> work)
    {
        T result = default!;
        AnsiConsole.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(title), maxValue: total);
                result = work(new Inline<int>(k => task.Value = k));
            });
        return result;
    }
}

internal sealed class ValidationCommand : Command<ValidationCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--theta <THETA>")]
        [Description("θ = a_x,a_y,a_z,ε to validate (e.g. a design's posterior mean).")]
        public string Theta { get; init; } = "";

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

        [CommandOption("--target <ETA>")]
        [Description("Optional target η_x,η_y,η_z to report the relative error of the mean against.")]
        public string? Target { get; init; }

        [CommandOption("--seed <SEED>")]
        [Description("First structure seed. Default 1.")]
        [DefaultValue(1UL)]
        public ulong Seed { get; init; }

        [CommandOption("-o|--out <PREFIX>")]
        [Description("Output prefix: PREFIX.csv, PREFIX.json, PREFIX.png (solver vs CNN per direction, the paper's Figures 8–9). Default 'validation'.")]
        [DefaultValue("validation")]
        public string Out { get; init; } = "validation";

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Theta) ? ValidationResult.Error("--theta a_x,a_y,a_z,ε is required") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var theta = SpinodoidParameters.Parse(settings.Theta);
        var target = settings.Target is null ? null : DiffusivityTarget.Parse(settings.Target);
        if (settings.Count < 1) throw new ArgumentException($"--count {settings.Count} must be at least 1");
        using var model = settings.NoCnn ? null : SurrogateModel.Load(settings.Model ?? BundledModel.Locate());
        int size = settings.Size ?? model?.StructureSize ?? 128;
        var validation = RunWithProgress(theta, settings.Count, size, model, settings.Seed, cancellation);
        DesignReport.WriteValidation(validation, settings.Out, target);
        PrintSummary(validation, target);
        AnsiConsole.MarkupLine($"wrote {Markup.Escape(settings.Out)}.csv, .json, .png");
        return 0;
    }

    internal static ValidationSummary RunWithProgress(SpinodoidParameters theta, int count, int size, SurrogateModel? model, ulong firstSeed, CancellationToken cancellation) =>
        ProgressBarStages.Instance.Run($"solver N = {size}", count, progress =>
            DesignValidation.Validate(theta, count, size, model?.StructureSize == size ? model : null, firstSeed, progress: progress, cancellation: cancellation));

    internal static void PrintSummary(ValidationSummary validation, DiffusivityTarget? target)
    {
        var table = new Table().AddColumns("", "η_x", "η_y", "η_z");
        if (target is not null) table.AddRow(["target", .. target.Components.Select(c => c is double v ? v.ToString("0.0000", CultureInfo.InvariantCulture) : "free")]);
        table.AddRow(["solver mean ± sd", .. Enumerable.Range(0, 3).Select(d =>
            string.Create(CultureInfo.InvariantCulture, $"{validation.SolverMean[d]:0.0000} ± {validation.SolverStd[d]:0.0000}"))]);
        if (validation.SurrogateMean is { } m)
            table.AddRow(["CNN mean ± sd", .. Enumerable.Range(0, 3).Select(d =>
                string.Create(CultureInfo.InvariantCulture, $"{m[d]:0.0000} ± {validation.SurrogateStd![d]:0.0000}"))]);
        if (target is not null)
            table.AddRow(["solver vs target", .. validation.RelativeError(target).Select(e => e is double v ? string.Create(CultureInfo.InvariantCulture, $"{100 * v:+0.00;-0.00} %") : "")]);
        AnsiConsole.Write(table);
    }
}

internal sealed class UpscaleCommand : Command<UpscaleCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--theta <THETA>")]
        [Description("θ = a_x,a_y,a_z,ε at the base size.")]
        public string Theta { get; init; } = "";

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

        [CommandOption("--seed <SEED>")]
        [Description("First structure seed. Default 1.")]
        [DefaultValue(1UL)]
        public ulong Seed { get; init; }

        [CommandOption("-o|--out <PREFIX>")]
        [Description("Output prefix: PREFIX-base.*, PREFIX-upscaled.* (csv, json, png). Default 'upscale'.")]
        [DefaultValue("upscale")]
        public string Out { get; init; } = "upscale";

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Theta) ? ValidationResult.Error("--theta a_x,a_y,a_z,ε is required") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var theta = SpinodoidParameters.Parse(settings.Theta);
        if (settings.Factor < 1 || settings.Factor > 10) throw new ArgumentException($"--factor {settings.Factor} must be in 1..10");
        if (settings.Count < 1) throw new ArgumentException($"--count {settings.Count} must be at least 1");
        SpinodoidGenerator.ValidateSize(settings.Size);
        SpinodoidGenerator.ValidateSize(settings.Size * settings.Factor);
        var baseline = ValidationCommand.RunWithProgress(theta, settings.Count, settings.Size, null, settings.Seed, cancellation);
        ValidationSummary upscaled = null!;
        var scaled = theta with { LengthScales = theta.LengthScales.DividedBy(settings.Factor) };
        AnsiConsole.MarkupLine($"upscaled: θ = {Markup.Escape(scaled.ToString())}, N = {settings.Size * settings.Factor}");
        upscaled = ValidationCommand.RunWithProgress(scaled, settings.Count, settings.Size * settings.Factor, null, settings.Seed, cancellation);
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
