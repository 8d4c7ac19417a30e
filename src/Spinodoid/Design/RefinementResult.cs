using Spinodoid.Microstructure;

namespace Spinodoid.Design;

/// <summary>One validated θ of a refinement.</summary>
/// <param name="Round">0 for the posterior mean (for an emulator design, moved onto the emulator's target set), then 1, 2, …</param>
/// <param name="Theta">The θ validated.</param>
/// <param name="Validation">Solver (and CNN) η of fresh structures at θ.</param>
/// <param name="Step">The change of θ from the previous round (in round 0: from the posterior mean, null when it is the posterior mean).</param>
/// <param name="StepScale">The fraction of the computed correction taken: 1, or less where the full step left the prior's support.</param>
/// <param name="ActiveBounds">Bounds of the prior's support the step was held on (θ slid along the boundary).</param>
public sealed record RefinementRound(int Round, SpinodoidParameters Theta, ValidationSummary Validation, double[]? Step, double StepScale = 1,
    int ActiveBounds = 0)
{
    /// <summary>The largest relative deviation of the mean solver η from the target over the targeted directions.</summary>
    public double WorstError(DiffusivityTarget target) =>
        Validation.RelativeError(target).Max(e => e is double v ? double.IsNaN(v) ? double.PositiveInfinity : Math.Abs(v) : 0);
}

/// <summary>
/// The posterior mean moved, with the emulator alone, to a θ whose emulated η̄ is the target (<see cref="DesignRefinement"/>).
/// </summary>
/// <param name="PosteriorMean">Where it started.</param>
/// <param name="PosteriorMeanEta">The emulated η̄ there.</param>
/// <param name="Theta">Where it ended: round 0's θ.</param>
/// <param name="Eta">The emulated η̄ there.</param>
/// <param name="Steps">Gauss–Newton steps taken (0: the posterior mean already met the target).</param>
public sealed record EmulatorProjection(double[] PosteriorMean, double[] PosteriorMeanEta, double[] Theta, double[] Eta, int Steps)
{
    /// <summary>
    /// False when every step held the mean length scale m (the shape alone met the target); true when the target needed
    /// m too (shape alone stayed more than half the tolerance away), and then the refinement rounds may move m as well.
    /// </summary>
    public bool MeanLengthScaleFreed { get; init; }
}

/// <summary>The outcome of a refinement: every round, the best one, and why it ended.</summary>
/// <param name="Target">The target η.</param>
/// <param name="Rounds">Round 0 (the posterior mean) and the correction rounds.</param>
/// <param name="Jacobian">∂E[η]/∂θ of the surrogate at the posterior mean (3 × 4); null when no correction was needed.</param>
/// <param name="StopReason">A sentence saying why it ended.</param>
public sealed record RefinementResult(DiffusivityTarget Target, IReadOnlyList<RefinementRound> Rounds, double[,]? Jacobian, string StopReason)
{
    /// <summary>The round whose validated η is closest to the target (smallest worst-direction error).</summary>
    public RefinementRound Best => Rounds.MinBy(r => r.WorstError(Target))!;

    /// <summary>True when the design θ (<see cref="Best"/>) is not the posterior mean: a correction round, or a projected round 0.</summary>
    public bool MovedFromPosteriorMean => Best.Round > 0 || Best.Step is not null;

    /// <summary>Wall time of the whole refinement, validations included.</summary>
    public double Seconds { get; init; }

    /// <summary>The simulator the Jacobian was taken of (its <c>Name</c>); null when no correction step was needed.</summary>
    public string? JacobianSource { get; init; }

    /// <summary>For an emulator design: the posterior mean moved onto the emulator's target set before round 0; else null.</summary>
    public EmulatorProjection? Projection { get; init; }

    /// <summary>The largest anisotropy the refinement was allowed (<see cref="RefinementSettings.AnisotropyMax"/>); null = the prior's.</summary>
    public double? AnisotropyMax { get; init; }

    /// <summary>
    /// A sentence when the design θ lies beyond the paper's prior (anisotropy above its β_max = 3), where neither the CNN
    /// nor the emulator saw training data, so that the solver's validation alone vouches for it; null inside.
    /// </summary>
    public string? BeyondPaperPriorNote
    {
        get
        {
            double beta = Best.Theta.LengthScales.Anisotropy, paper = SpinodoidPrior.Paper.BetaMax;
            if (beta <= paper * (1 + 1e-9)) return null;
            return string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"the design's anisotropy β = {beta:0.000} (largest / smallest length scale) lies beyond the paper's prior (β ≤ {paper:0.#}; the refinement was allowed up to {AnisotropyMax ?? paper:0.###}): the CNN and the emulator were trained inside it, so only the solver's validation vouches for this design");
        }
    }
}
