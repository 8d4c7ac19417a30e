using Spinodoid.Runtime;

namespace Spinodoid.Design.Abc;

/// <summary>The prior π(θ) of an ABC run: draws and density (Algorithm 1 needs both).</summary>
public interface IPrior
{
    /// <summary>Names of the parameters, in vector order.</summary>
    IReadOnlyList<string> ParameterNames { get; }

    /// <summary>A draw from the prior.</summary>
    double[] Sample(SeededRandom random);

    /// <summary>The density at θ; 0 outside the support.</summary>
    double Density(ReadOnlySpan<double> theta);
}

/// <summary>A linear bound of a prior's support: <c>Normal · θ ≤ Bound</c>.</summary>
public readonly record struct LinearBound(double[] Normal, double Bound);

/// <summary>
/// A prior whose support is the convex polytope of its <see cref="Bounds"/> (optional: lets a design refinement slide along
/// the boundary instead of stopping short of it).
/// </summary>
public interface IPolytopeSupport
{
    /// <summary>Every bound of the support; θ is in the support when all hold.</summary>
    IReadOnlyList<LinearBound> Bounds { get; }
}

/// <summary>One simulator call: parameters and the seed of the random structure made from them.</summary>
public readonly record struct Proposal(double[] Theta, ulong Seed);

/// <summary>
/// The forward model: parameters (and a seed) → summary statistics, here η_x, η_y, η_z. Called with a batch so
/// that an implementation can generate structures in parallel and evaluate a network once per batch.
/// </summary>
public interface ISimulator
{
    /// <summary>
    /// What this simulator is, precisely enough that two simulators with one name give the same summaries (recorded with
    /// a run, and part of its resume fingerprint).
    /// </summary>
    string Name { get; }

    /// <summary>Simulates every proposal; result <c>i</c> belongs to proposal <c>i</c>.</summary>
    IReadOnlyList<double[]> Simulate(IReadOnlyList<Proposal> proposals, CancellationToken cancellation = default);
}

/// <summary>The discrepancy ρ between a simulated summary and the target (eq. 10 for the case study).</summary>
public interface IDistance
{
    /// <summary>ρ ≥ 0; 0 for a perfect match.</summary>
    double Measure(ReadOnlySpan<double> simulated);
}

/// <summary>A perturbation kernel K(θ | θ_q) fitted to the previous generation (Algorithm 1, step "perturb").</summary>
public interface ITransitionKernel
{
    /// <summary>Short name for logs (e.g. "olcm").</summary>
    string Name { get; }

    /// <summary>Fits the kernel to the previous population for the next tolerance.</summary>
    IFittedKernel Fit(Population previous, double nextTolerance);
}

/// <summary>A kernel fitted to one population: perturbs ancestors and evaluates K(θ | θ_q).</summary>
public interface IFittedKernel
{
    /// <summary>θ* ~ K(· | θ_ancestor).</summary>
    double[] Perturb(int ancestor, SeededRandom random);

    /// <summary>K(θ | θ_ancestor).</summary>
    double Density(ReadOnlySpan<double> theta, int ancestor);
}

/// <summary>The sequence of tolerances ε_1 &gt; ε_2 &gt; … of the generations.</summary>
public interface IToleranceSchedule
{
    /// <summary>The tolerance of the first generation (drawn from the prior); may be +∞ (accept all).</summary>
    double First { get; }

    /// <summary>The tolerance the run ends at.</summary>
    double Final { get; }

    /// <summary>The tolerance after <paramref name="previous"/>, or null when <paramref name="previous"/> was the last generation.</summary>
    double? Next(Population previous);
}

/// <summary>A rule that ends a run early; checked after every batch of simulations.</summary>
public interface IStoppingRule
{
    /// <summary>A sentence saying why the run stops, or null to go on.</summary>
    string? Check(AbcProgress progress);
}

/// <summary>Where a run stands (reported after every batch of simulations).</summary>
/// <param name="Generation">Index of the generation being sampled (0 = from the prior).</param>
/// <param name="Tolerance">Its tolerance.</param>
/// <param name="Accepted">Particles accepted so far in this generation.</param>
/// <param name="PopulationSize">Particles needed.</param>
/// <param name="GenerationSimulations">Simulator calls in this generation.</param>
/// <param name="TotalSimulations">Simulator calls of the whole run (resumed runs included).</param>
/// <param name="ClosestDistance">The smallest ρ seen in the whole run.</param>
/// <param name="Elapsed">Wall time of this invocation.</param>
public sealed record AbcProgress(int Generation, double Tolerance, int Accepted, int PopulationSize,
    long GenerationSimulations, long TotalSimulations, double ClosestDistance, TimeSpan Elapsed)
{
    /// <summary>The generation just completed (set once per generation, on its last report).</summary>
    public Population? Completed { get; init; }

    /// <summary>Accepted / simulated in this generation (1 before any call).</summary>
    public double AcceptanceRate => GenerationSimulations == 0 ? 1 : (double)Accepted / GenerationSimulations;
}

/// <summary>Completed generations and counters, as a store returns them.</summary>
/// <param name="Generations">The completed generations, in order.</param>
/// <param name="TotalSimulations">Simulator calls made by those generations.</param>
/// <param name="ClosestDistance">The smallest distance seen so far (accepted or not).</param>
/// <param name="Repair">When the store found damaged state and fell back to the last good generation: what and why.</param>
public sealed record AbcCheckpoint(IReadOnlyList<Population> Generations, long TotalSimulations, double ClosestDistance, string? Repair = null);

/// <summary>Persists completed generations so that an interrupted run resumes from the last one.</summary>
public interface IAbcStore
{
    /// <summary>What was saved before (no generations for a fresh run).</summary>
    AbcCheckpoint Load();

    /// <summary>Saves the completed generations (the last one is new).</summary>
    void Save(IReadOnlyList<Population> generations, long totalSimulations, double closestDistance);
}
