using Spinodoid.Microstructure;

namespace Spinodoid.Design;

/// <summary>One validated θ of a refinement.</summary>
/// <param name="Round">0 for the posterior mean, then 1, 2, …</param>
/// <param name="Theta">The θ validated.</param>
/// <param name="Validation">Solver (and CNN) η of fresh structures at θ.</param>
/// <param name="Step">The change of θ from the previous round (null in round 0).</param>
/// <param name="StepScale">The fraction of the computed correction taken: 1, or less where the full step left the prior's support.</param>
/// <param name="ActiveBounds">Bounds of the prior's support the step was held on (θ slid along the boundary).</param>
public sealed record RefinementRound(int Round, SpinodoidParameters Theta, ValidationSummary Validation, double[]? Step, double StepScale = 1,
    int ActiveBounds = 0)
{
    /// <summary>The largest relative deviation of the mean solver η from the target over the targeted directions.</summary>
    public double WorstError(DiffusivityTarget target) =>
        Validation.RelativeError(target).Max(e => e is double v ? double.IsNaN(v) ? double.PositiveInfinity : Math.Abs(v) : 0);
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

    /// <summary>Wall time of the whole refinement, validations included.</summary>
    public double Seconds { get; init; }
}
