namespace Spinodoid.Design.Abc;

/// <summary>Stops once the run has used <see cref="Limit"/> simulator calls (batches are trimmed to end exactly there).</summary>
public sealed record MaxSimulations(long Limit) : IStoppingRule
{
    /// <inheritdoc />
    public string? Check(AbcProgress progress) =>
        progress.TotalSimulations >= Limit ? $"reached the limit of {Limit} simulations" : null;
}

/// <summary>Stops after <see cref="Limit"/> of wall time in this invocation.</summary>
public sealed record WallTimeLimit(TimeSpan Limit) : IStoppingRule
{
    /// <inheritdoc />
    public string? Check(AbcProgress progress) =>
        progress.Elapsed >= Limit ? $"reached the wall-time limit of {Limit.TotalSeconds:G4} s" : null;
}

/// <summary>
/// Stops when a generation's acceptance rate falls below <see cref="Rate"/> after at least
/// <see cref="MinimumCalls"/> calls in it — the sign of a target the structures cannot reach.
/// </summary>
public sealed record MinAcceptanceRate(double Rate, long MinimumCalls = 2000) : IStoppingRule
{
    /// <inheritdoc />
    public string? Check(AbcProgress progress) =>
        progress.GenerationSimulations >= MinimumCalls && progress.AcceptanceRate < Rate
            ? $"acceptance rate {progress.AcceptanceRate:P3} fell below {Rate:P3} at tolerance {progress.Tolerance:G4} " +
              $"({progress.Accepted} of {progress.PopulationSize} accepted after {progress.GenerationSimulations} calls)"
            : null;
}
