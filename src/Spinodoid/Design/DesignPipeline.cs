using Spinodoid.Surrogate;
using Spinodoid.Design.Abc;
using Spinodoid.Microstructure;
using Spinodoid.Runtime;
using Spinodoid.Transport;

namespace Spinodoid.Design;

/// <summary>What a design does after ABC: validate the posterior mean with the solver, then refine it.</summary>
/// <param name="Count">Structures per validation (fresh seeds); 0 = no validation.</param>
/// <param name="Size">N of the validation structures; null = the simulator's N (the model's, or the solver simulator's).</param>
/// <param name="Solver">Solver options of the validation (discretisation, convention, tolerance); null = the defaults.</param>
/// <param name="Refinement">Refinement rounds and tolerance; null = <see cref="RefinementSettings"/>' defaults.</param>
public sealed record DesignValidationPlan(int Count = 0, int? Size = null, DiffusivityOptions? Solver = null, RefinementSettings? Refinement = null)
{
    /// <summary>Throws on out-of-range settings, naming the value and the allowed range.</summary>
    public DesignValidationPlan Validated()
    {
        if (Count < 0) throw new ArgumentException($"validation count {Count} must be 0 or more");
        if (Size is int n) SpinodoidGenerator.ValidateSize(n);
        _ = (Refinement ?? new RefinementSettings()).Validated();
        _ = Solver?.Validated();
        return this;
    }
}

/// <summary>A whole design: the ABC request, its run folder and what follows ABC.</summary>
/// <param name="Request">The ABC settings.</param>
/// <param name="Directory">Run folder (resumed when it holds a run with the same settings).</param>
/// <param name="Validation">Validation and refinement; null = none.</param>
public sealed record DesignJob(DesignRequest Request, string Directory, DesignValidationPlan? Validation = null)
{
    /// <summary>
    /// When set, the posterior comes from this emulator's synthetic likelihood (<see cref="EmulatorPosterior"/>) instead
    /// of ABC: seconds instead of minutes, no structure generated; validation and refinement as usual.
    /// </summary>
    public Surrogate.IDiffusivityEmulator? Emulator { get; init; }

    /// <summary>
    /// The model's emulator, when there is one (<see cref="Emulator"/> stands in for it when only that is set). With it the
    /// outcome also says whether the target is within the η the prior's structures can have (<see cref="ReachableSet"/>,
    /// <see cref="ReachabilityDraws"/> emulated prior draws: the report's "can this target be reached?" section), and a
    /// request with <see cref="DesignRequest.StartFromEmulator"/> starts ABC from the emulator's posterior.
    /// </summary>
    public Surrogate.IDiffusivityEmulator? ModelEmulator { get; init; }

    /// <summary>Prior draws of the reachable set (default 20,000).</summary>
    public int ReachabilityDraws { get; init; } = 20_000;
}

/// <summary>The result of a design: ABC, the refinement (when a validation ran) and where it was written.</summary>
/// <param name="Request">The validated ABC settings.</param>
/// <param name="Directory">The run folder.</param>
/// <param name="Simulator">The simulator's <see cref="ISimulator.Name"/>.</param>
/// <param name="Abc">Generations, posterior and why ABC stopped.</param>
/// <param name="Refinement">Validation rounds (round 0 is the posterior mean); null without validation.</param>
/// <param name="Store">The run folder's store.</param>
public sealed record DesignOutcome(DesignRequest Request, string Directory, string Simulator, AbcResult Abc, RefinementResult? Refinement,
    AbcRunDirectory Store)
{
    /// <summary>The reachable set of the request's prior, when the job had an emulator for it; null otherwise.</summary>
    public ReachableSet? Reachable { get; init; }

    /// <summary>
    /// The emulator members' spread of logit η̄ (x, y, z) at the design θ (<see cref="DesignTheta"/>): how far the emulator
    /// itself is unsure of the mean there. Null without an ensemble emulator.
    /// </summary>
    public double[]? EmulatorSpreadAtDesign { get; init; }

    /// <summary>The design θ: the refinement's best round, else the posterior mean; null when there is no posterior.</summary>
    public double[]? DesignTheta => Refinement?.Best.Theta.ToVector() ?? Abc.Posterior?.Mean();
}

/// <summary>Watches a design: its start, the ABC generations, each validation, and long stages (progress bars in the CLI).</summary>
public interface IDesignObserver : IStageReporter
{
    /// <summary>
    /// The design is about to run; <paramref name="resumed"/> holds the generations it resumes after (none for a fresh
    /// folder) and, when the folder's state was damaged, what was repaired.
    /// </summary>
    void Starting(DesignJob job, string simulator, AbcCheckpoint resumed);

    /// <summary>Runs ABC (<paramref name="abc"/>), which reports each accepted particle and each finished generation.</summary>
    AbcResult Sampling(Func<IProgress<AbcProgress>?, AbcResult> abc);

    /// <summary>A validation with the solver starts: round 0 is the posterior mean, later rounds are refinements.</summary>
    void Validating(SpinodoidParameters theta, int round, int count, int size);

    /// <summary>Shows nothing.</summary>
    new static IDesignObserver Silent { get; } = new SilentObserver();

    private sealed class SilentObserver : IDesignObserver
    {
        public void Starting(DesignJob job, string simulator, AbcCheckpoint resumed) { }
        public AbcResult Sampling(Func<IProgress<AbcProgress>?, AbcResult> abc) => abc(null);
        public void Validating(SpinodoidParameters theta, int round, int count, int size) { }
        public T Run<T>(string title, int total, Func<IProgress<int>, T> work) => IStageReporter.Silent.Run(title, total, work);
    }
}

/// <summary>Writes a design's outputs (implemented by <c>Reports.DesignReport.Files</c>).</summary>
public interface IDesignOutputs
{
    /// <summary>Writes the outputs of <paramref name="outcome"/> into its run folder.</summary>
    void Write(DesignOutcome outcome);
}

/// <summary>
/// The inverse-design pipeline (paper, "Case study"): ABC-PMC on a simulator, then solver validation of the posterior
/// mean and refinement of the design against the solver (<see cref="DesignRefinement"/>), then the outputs.
/// </summary>
public static class DesignPipeline
{
    /// <summary>
    /// Runs (or resumes) <paramref name="job"/> with <paramref name="simulator"/> and writes the result with
    /// <paramref name="outputs"/>. When the simulator is the CNN (<see cref="SurrogateSimulator"/>), the refinement of an
    /// ABC design takes its Jacobian (an emulator design takes the emulator mean's), and validations at its N compare with it.
    /// </summary>
    public static DesignOutcome Run(DesignJob job, ISimulator simulator, IDesignOutputs? outputs = null, IDesignObserver? observer = null,
        CancellationToken cancellation = default)
    {
        var request = job.Request.Validated();
        var plan = (job.Validation ?? new DesignValidationPlan()).Validated();
        var refinementSettings = (plan.Refinement ?? new RefinementSettings()).Validated();
        var model = (simulator as SurrogateSimulator)?.Model;
        int? simulatorSize = model?.StructureSize ?? (simulator as SolverSimulator)?.Size;
        int size = plan.Size ?? simulatorSize ?? (plan.Count > 0
            ? throw new ArgumentException("the validation size is not known for this simulator; give it (DesignValidationPlan.Size)")
            : 0);
        observer ??= IDesignObserver.Silent;

        using var folder = FolderLock.Acquire(job.Directory, "design run");
        var store = InverseDesign.Store(job.Directory, request, simulator);
        observer.Starting(job, simulator.Name, store.Load());
        var modelEmulator = job.ModelEmulator ?? job.Emulator;
        AbcResult abc;
        if (job.Emulator is { } emulator) abc = observer.Sampling(_ => EmulatorPosterior.Design(emulator, request));
        else if (request.StartFromEmulator)
        {
            // ABC's first generation proposes near the emulator's posterior; an unreachable target is refused at once.
            var start = EmulatorPosterior.Design(modelEmulator ?? throw new ArgumentException("starting ABC from the emulator needs the model's emulator (DesignJob.ModelEmulator)"), request);
            // A refusal made no simulator call: the emulator's evaluations are not the CNN's.
            abc = start.Posterior is { } initial
                ? observer.Sampling(progress => InverseDesign.Run(request, simulator, store, progress, cancellation, initial))
                : start with { TotalSimulations = 0 };
        }
        else abc = observer.Sampling(progress => InverseDesign.Run(request, simulator, store, progress, cancellation));

        RefinementResult? refinement = null;
        if (plan.Count > 0 && abc.Posterior is { } posterior)
        {
            var compareWith = model?.StructureSize == size ? model : null;
            // An emulator design never asks the CNN, so its η is a bystander's: compared once, on the first validated θ,
            // not in every refinement round (its coarse-grid correction costs about a sixth of a round at porosity 0.30).
            SurrogateModel? CompareIn(int round) => job.Emulator is null || round == 0 ? compareWith : null;
            // An emulator design takes its Jacobian from the emulator's mean (no structures); an ABC design from its simulator.
            ISimulator? slope = job.Emulator is { } mean ? new EmulatorMeanSimulator(mean) : model is null ? null : simulator;
            refinement = DesignRefinement.Refine(request.Target, posterior, request.RefinementPrior(refinementSettings.AnisotropyMax), slope, (theta, round) =>
                {
                    observer.Validating(theta, round, plan.Count, size);
                    return observer.Run($"solver N = {size}", plan.Count, progress => DesignValidation.Validate(theta, plan.Count, size, CompareIn(round),
                        refinementSettings.ValidationSeed(round), plan.Solver, progress, cancellation));
                }, refinementSettings, observer, cancellation);
        }
        // The same draws for a given seed and prior, so a resumed or repeated run draws the same picture.
        var reachable = modelEmulator is { } reach
            ? observer.Run("reachable set", 1, _ => ReachableSet.Sample(reach, request.Prior(), job.ReachabilityDraws, request.Seed))
            : null;
        var outcome = new DesignOutcome(request, job.Directory, simulator.Name, abc, refinement, store) { Reachable = reachable };
        if (outcome.DesignTheta is { } designTheta && modelEmulator?.MemberSpreadLogit([designTheta])?[0] is { } spread)
            outcome = outcome with { EmulatorSpreadAtDesign = spread };
        outputs?.Write(outcome);
        return outcome;
    }
}
