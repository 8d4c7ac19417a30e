using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using Spinodoid.Design;
using Spinodoid.Design.Abc;
using Spinodoid.Microstructure;
using Spinodoid.Reports;
using Spinodoid.Runtime;
using Spinodoid.Surrogate;
using Spinodoid.Cli.Support;

namespace Spinodoid.Cli.Commands;

internal sealed class DesignCommand : Command<DesignCommand.Settings>
{
    public sealed class Settings : SolverCheckSettings
    {
        [CommandOption("--target <ETA>")]
        [Description("Target η_x,η_y,η_z, e.g. 0.40,0.50,0.60; '-' leaves a direction free (0.4,-,0.6).")]
        public string Target { get; init; } = "";

        [CommandOption("--method <abc|emulator>")]
        [Description("abc: ABC-PMC with the simulator (the paper's; default). emulator: the posterior from the model's emulator (seconds, no structures generated; build it with `spinodoid emulator build`), its mean moved onto the θ the emulator predicts the target at, then the same validation and refinement.")]
        [DefaultValue("abc")]
        public string Method { get; init; } = "abc";

        [CommandOption("--start <prior|emulator>")]
        [Description("Where ABC's first generation draws from: prior (Algorithm 1; default) or emulator (near the emulator's posterior, at the final tolerance, importance-weighted against the prior: the same posterior with fewer CNN calls; refuses an unreachable target at once).")]
        [DefaultValue("prior")]
        public string Start { get; init; } = "prior";

        [CommandOption("--emulator <FILE>")]
        [Description("Emulator weights for --method emulator, --start emulator and the report's reachable set. Default: emulator.bin in the model's folder.")]
        public string? Emulator { get; init; }

        [CommandOption("--targets <CSV>")]
        [Description("Design every row of a CSV table (columns eta_x,eta_y,eta_z; - for free) into OUT/row-000, row-001, …, and write OUT/designs.csv (θ, predicted and validated η, status); resumable row by row.")]
        public string? Targets { get; init; }

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

        [CommandOption("--correction <off|on>")]
        [Description("Whether ABC's simulations apply the model's coarse-grid correction (correction.json): off (default) uses the network alone, fast; on adds two coarse solves per structure (measured: 4.6 instead of 26 simulations/s on 2 cores) for the corrected model's accuracy. Validation and refinement use the solver either way.")]
        [DefaultValue("off")]
        public string Correction { get; init; } = "off";

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

        [CommandOption("--validate-size <N>")]
        [Description("Grid size of the validation (and refinement) structures, e.g. 192 to check a design at a finer resolution than the model's. Default: the simulator's N.")]
        public int? ValidateSize { get; init; }

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

        [CommandOption("--refine-anisotropy-max <BETA>")]
        [Description("Let the solver refinement move the design up to this anisotropy β (largest / smallest length scale), " +
                     "beyond the paper's prior (β ≤ 3), for targets that need more anisotropy than the prior allows (e.g. 4). " +
                     "The CNN and emulator were trained inside the prior, so beyond it their Jacobian extrapolates; the solver judges every round. " +
                     "Allowed 3..10. Default: the prior's 3.")]
        public double? RefineAnisotropyMax { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Target) == string.IsNullOrWhiteSpace(Targets)
                ? ValidationResult.Error("give --target η_x,η_y,η_z (e.g. --target 0.40,0.50,0.60) or --targets FILE.csv, one of them")
                : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var targets = settings.Targets is null ? null : DiffusivityTarget.ReadTable(settings.Targets);
        var target = targets?[0] ?? DiffusivityTarget.Parse(settings.Target!);
        var mode = settings.Mode.ToLowerInvariant() switch
        {
            "default" => DesignMode.Default,
            "paper" => DesignMode.Paper,
            _ => throw new ArgumentException($"mode '{settings.Mode}' must be default or paper"),
        };
        bool startFromEmulator = settings.Start.ToLowerInvariant() switch
        {
            "prior" => false,
            "emulator" => true,
            _ => throw new ArgumentException($"--start '{settings.Start}' must be prior or emulator"),
        };
        var (porosityMin, porosityMax) = settings.PorosityRange is null ? ((double?)null, (double?)null) : OptionParsing.Range(settings.PorosityRange);
        var tolerances = settings.Tolerances?.Split(',', StringSplitOptions.TrimEntries).Select(t =>
            double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v / 100
            : throw new ArgumentException($"tolerance '{t}' in --tolerances is not a number (percent)")).ToArray();
        DesignRequest RequestFor(DiffusivityTarget t) => new(t, mode, settings.Population, settings.Tolerance / 100, settings.Quantile, tolerances, settings.Seed,
            porosityMin, porosityMax, settings.MaxSimulations, settings.MaxTime is double s ? TimeSpan.FromSeconds(s) : null,
            settings.MinAcceptance / 100, settings.Batch, startFromEmulator);
        var solverOptions = settings.SolverOptions();
        var plan = new DesignValidationPlan(settings.ValidateCount, settings.ValidateSize, solverOptions,
            Refinement: new RefinementSettings(settings.Refine, settings.RefineTolerance / 100, AnisotropyMax: settings.RefineAnisotropyMax));
        var request = RequestFor(target);
        string directory = settings.Out ?? (targets is null ? $"design-{target.ToString().Replace(',', '_')}-s{settings.Seed}" : "designs");
        OutputPaths.CheckFolder(directory);

        SurrogateModel? model = null;
        bool networkAlone = false;
        ISimulator simulator;
        if (settings.Simulator.Equals("surrogate", StringComparison.OrdinalIgnoreCase))
        {
            model = SurrogateModel.Load(settings.Model ?? BundledModel.Locate());
            bool corrected = settings.Correction.ToLowerInvariant() switch
            {
                "on" => true,
                "off" => false,
                _ => throw new ArgumentException($"--correction '{settings.Correction}' must be off or on"),
            };
            if (corrected && model.Correction is null)
                throw new ArgumentException($"--correction on: the model in '{settings.Model ?? BundledModel.Locate()}' has no {SurrogateCorrection.FileName}; fit one with `spinodoid correct`");
            networkAlone = !corrected && model.Correction is not null;
            if (!corrected) model.Correction = null;
            simulator = new SurrogateSimulator(model);
        }
        else if (settings.Simulator.Equals("solver", StringComparison.OrdinalIgnoreCase))
        {
            SpinodoidGenerator.ValidateSize(settings.Size);
            simulator = new SolverSimulator(settings.Size, solverOptions);
        }
        else throw new ArgumentException($"simulator '{settings.Simulator}' must be surrogate or solver");
        using var _ = model;
        DiffusivityEmulator? emulator = settings.Method.ToLowerInvariant() switch
        {
            "abc" => null,
            "emulator" when model is null => throw new ArgumentException("--method emulator emulates the CNN: use it with --simulator surrogate"),
            "emulator" => LoadEmulator(settings.Emulator ?? Path.Combine(settings.Model ?? BundledModel.Locate(), "emulator.bin"), model),
            _ => throw new ArgumentException($"--method '{settings.Method}' must be abc or emulator"),
        };
        using var __ = emulator;
        if (startFromEmulator && emulator is not null)
            throw new ArgumentException("--start emulator is for --method abc; --method emulator has no ABC generations to start");
        if (startFromEmulator && model is null)
            throw new ArgumentException("--start emulator needs --simulator surrogate (the emulator emulates the CNN)");
        if (settings.Emulator is { } given && !File.Exists(given))
            throw new FileNotFoundException($"--emulator '{given}' does not exist; build one with `spinodoid emulator build --out {given}`");
        // The report's "can this target be reached?" section (and --start emulator), from the model's emulator when it has one.
        string? reachabilityPath = model is null ? null : settings.Emulator ?? Path.Combine(settings.Model ?? BundledModel.Locate(), "emulator.bin");
        using var reachability = emulator is null && model is not null && File.Exists(reachabilityPath) ? LoadEmulator(reachabilityPath!, model) : null;
        if (startFromEmulator && reachability is null)
            throw new ArgumentException($"--start emulator needs the model's emulator, {reachabilityPath}, which does not exist: build it with `spinodoid emulator build`");

        if (targets is null)
        {
            var outcome = DesignPipeline.Run(new DesignJob(request, directory, plan) { Emulator = emulator, ModelEmulator = reachability }, simulator, DesignReport.Files, new DesignProgress(), cancellation);
            Print(outcome);
            if (emulator is null && networkAlone) WarnAtLowPorosity(outcome);
            HintAtTheAnisotropyBound(outcome, settings.RefineTolerance / 100);
            return outcome.Abc.StopReason.StartsWith("unreachable", StringComparison.Ordinal) ? 3 : 0;
        }

        // A batch: one run folder per row (each resumes on its own), and the table rebuilt after every row.
        Directory.CreateDirectory(directory);
        string table = Path.Combine(directory, "designs.csv");
        for (int row = 0; row < targets.Count; row++)
        {
            string folder = DesignReport.BatchRowFolder(directory, row);
            if (DesignReport.IsFinishedDesign(folder, targets[row]))
            {
                AnsiConsole.MarkupLine($"row {row} (η = {Markup.Escape(targets[row].ToString())}): finished earlier, kept");
                continue;
            }
            AnsiConsole.MarkupLine($"[bold]row {row} ({row + 1} of {targets.Count})[/]: target η = {Markup.Escape(targets[row].ToString())} → {Markup.Escape(folder)}");
            var outcome = DesignPipeline.Run(new DesignJob(RequestFor(targets[row]), folder, plan) { Emulator = emulator, ModelEmulator = reachability }, simulator, DesignReport.Files, new DesignProgress(), cancellation);
            Print(outcome);
            if (emulator is null && networkAlone) WarnAtLowPorosity(outcome);
            HintAtTheAnisotropyBound(outcome, settings.RefineTolerance / 100);
            AtomicFile.WriteText(table, DesignReport.BatchTable(directory, targets));
        }
        AtomicFile.WriteText(table, DesignReport.BatchTable(directory, targets));
        AnsiConsole.MarkupLine($"{targets.Count} targets: [green]{Markup.Escape(table)}[/]");
        return 0;
    }

    /// <summary>The emulator, with a warning when its card says it was built for other CNN weights or symmetry averaging.</summary>
    private static DiffusivityEmulator LoadEmulator(string path, SurrogateModel model)
    {
        var emulator = DiffusivityEmulator.Load(path);
        var card = File.Exists(path + ".card.json") ? System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path + ".card.json")) : null;
        if (card?["model_weights_sha256"]?.GetValue<string>() is { } digest && digest != model.WeightsDigest)
            AnsiConsole.MarkupLine($"[yellow]the emulator {Markup.Escape(path)} was built for other CNN weights (sha256:{Markup.Escape(digest)}, this model sha256:{Markup.Escape(model.WeightsDigest ?? "?")}): rebuild it with `spinodoid emulator build`[/]");
        else if (card is not null && (card["model_symmetry_averaging"]?.GetValue<int>() ?? 1) != model.SymmetryAveraging)
            AnsiConsole.MarkupLine($"[yellow]the emulator {Markup.Escape(path)} was built for the CNN averaged over {card["model_symmetry_averaging"]?.GetValue<int>() ?? 1} symmetries, this model averages over {model.SymmetryAveraging}: rebuild it with `spinodoid emulator build`[/]");
        return emulator;
    }

    /// <summary>Below this posterior-mean porosity ABC with the network alone is warned about (see docs/design.md).</summary>
    private const double NetworkAloneLowPorosity = 0.35;

    /// <summary>
    /// At low porosity the network alone is 4.9 % off, and ABC's posterior with it there was narrow and off-centre, where
    /// the corrected CNN's agrees with the emulator's (docs/design.md, "ABC against the emulator").
    /// </summary>
    private static void WarnAtLowPorosity(DesignOutcome outcome)
    {
        if (outcome.Abc.Posterior?.Mean() is not { } mean || mean[3] >= NetworkAloneLowPorosity) return;
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"[yellow]the posterior lies at porosity {mean[3]:0.000}, where the CNN without its coarse-grid correction is least accurate " +
            $"(4.9 % error at ε < {NetworkAloneLowPorosity}): `--correction on` or `--method emulator` give the posterior " +
            $"the solver supports there (validation and refinement use the solver either way)[/]"));
    }

    /// <summary>
    /// A design left short of the target on the prior's largest anisotropy may need more of it than the prior allows
    /// (η₂ of the paper: docs/design.md); the solver refinement can go beyond the prior on request.
    /// </summary>
    private static void HintAtTheAnisotropyBound(DesignOutcome outcome, double tolerance)
    {
        if (outcome.Refinement is not { } refinement || refinement.AnisotropyMax > SpinodoidPrior.Paper.BetaMax) return;
        var best = refinement.Best;
        double worst = best.WorstError(outcome.Request.Target), beta = best.Theta.LengthScales.Anisotropy;
        if (worst <= tolerance || beta < SpinodoidPrior.Paper.BetaMax * 0.99) return;
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"[yellow]the design sits on the prior's largest anisotropy (β = {beta:0.000} of {SpinodoidPrior.Paper.BetaMax:0.#}) and misses the target by {100 * worst:0.00} %: " +
            $"the target may need more anisotropy than the paper's prior allows; `--refine-anisotropy-max 4` lets the solver refinement go beyond it[/]"));
    }

    private static void Print(DesignOutcome outcome)
    {
        var (request, result, refinement, directory) = (outcome.Request, outcome.Abc, outcome.Refinement, outcome.Directory);
        AnsiConsole.MarkupLine((result.ReachedFinalTolerance ? "[green]converged[/]: " : "[yellow]stopped[/]: ") + Markup.Escape(result.StopReason));
        if (result.Posterior is not { } posterior)
        {
            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"no generation completed; closest distance reached {100 * result.ClosestDistance:0.##} %"));
            return;
        }
        var mean = posterior.Mean();
        var table = new Table().AddColumns("parameter", "posterior mean", "95 % interval");
        for (int i = 0; i < 4; i++)
            table.AddRow(SpinodoidParameters.Symbols[i], mean[i].ToString("0.00000", CultureInfo.InvariantCulture),
                Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"[{posterior.Quantile(i, 0.025):0.00000}, {posterior.Quantile(i, 0.975):0.00000}]")));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"posterior at tolerance τ = {100 * posterior.Tolerance:0.###} %: ESS {posterior.EffectiveSampleSize:0}, {result.TotalSimulations} simulator calls " +
            $"({result.TotalSimulations / posterior.EffectiveSampleSize:0.0} per effective sample), {result.Generations.Sum(g => g.Seconds):0.0} s in all generations; " +
            $"closest distance {100 * result.ClosestDistance:0.###} %"));
        AnsiConsole.MarkupLine($"θ (posterior mean) = [bold]{string.Join(",", mean.Select(v => v.ToString("0.00000", CultureInfo.InvariantCulture)))}[/]");
        if (refinement?.Projection is { Steps: > 0 } projection)
        {
            string V(IEnumerable<double> v) => string.Join(",", v.Select(x => x.ToString("0.0000", CultureInfo.InvariantCulture)));
            AnsiConsole.MarkupLine($"moved onto the emulator's target set ({projection.Steps} Gauss–Newton steps): θ = [bold]{V(projection.Theta)}[/], " +
                                   $"emulated η̄ ({V(projection.PosteriorMeanEta)}) at the posterior mean → ({V(projection.Eta)})");
        }
        if (refinement is not null) ValidateCommand.PrintSummary(refinement.Rounds[0].Validation, request.Target);
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
        if (refinement?.BeyondPaperPriorNote is { } beyond) AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(beyond)}[/]");
        if (outcome.EmulatorSpreadAtDesign is { } spread)
            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"the emulator's members disagree at the design θ by {string.Join(" / ", spread.Select(v => $"{100 * v:0.00}"))} % (x / y / z, logit SD): its own uncertainty of η̄ there"));
        AnsiConsole.MarkupLine($"report: [green]{Markup.Escape(Path.Combine(directory, "report.html"))}[/]");
    }

}
