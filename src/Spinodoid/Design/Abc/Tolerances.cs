namespace Spinodoid.Design.Abc;

/// <summary>A fixed list of tolerances, e.g. the paper's 9 log-equidistant values from 100 % to 1 %.</summary>
public sealed class FixedToleranceSchedule : IToleranceSchedule
{
    private readonly double[] _tolerances;

    /// <summary>The given strictly decreasing positive tolerances.</summary>
    public FixedToleranceSchedule(IReadOnlyList<double> tolerances)
    {
        if (tolerances.Count == 0) throw new ArgumentException("the tolerance schedule is empty");
        for (int i = 0; i < tolerances.Count; i++)
        {
            if (!(tolerances[i] > 0)) throw new ArgumentException($"tolerance {tolerances[i]} must be positive");
            if (i > 0 && !(tolerances[i] < tolerances[i - 1]))
                throw new ArgumentException($"tolerances must decrease; {tolerances[i]} follows {tolerances[i - 1]}");
        }
        _tolerances = [.. tolerances];
    }

    /// <summary><paramref name="count"/> log-equidistant tolerances from <paramref name="first"/> to <paramref name="last"/> (the paper: 9 from 1 to 0.01).</summary>
    public static FixedToleranceSchedule LogSpaced(double first, double last, int count)
    {
        if (count < 1) throw new ArgumentException($"count {count} must be at least 1");
        if (!(first > 0 && last > 0 && (count == 1 || first > last)))
            throw new ArgumentException($"need first {first} > last {last} > 0");
        return new(Enumerable.Range(0, count)
            .Select(i => count == 1 ? last : Math.Exp(Math.Log(first) + (Math.Log(last) - Math.Log(first)) * i / (count - 1))).ToArray());
    }

    /// <summary>The tolerances in order.</summary>
    public IReadOnlyList<double> Tolerances => _tolerances;

    /// <inheritdoc />
    public double First => _tolerances[0];

    /// <inheritdoc />
    public double Final => _tolerances[^1];

    /// <inheritdoc />
    public double? Next(Population previous) =>
        previous.Generation + 1 < _tolerances.Length ? _tolerances[previous.Generation + 1] : null;
}

/// <summary>
/// The adaptive default: the first generation accepts every prior draw; each next tolerance is the weighted
/// <see cref="Quantile"/> of the previous generation's distances, never below the final tolerance, and the run
/// ends with a generation at exactly <see cref="Final"/>.
/// </summary>
public sealed class QuantileToleranceSchedule : IToleranceSchedule
{
    /// <summary>
    /// A schedule ending at <paramref name="final"/> taking the <paramref name="quantile"/> of distances each time; the
    /// first generation at <paramref name="first"/> (default +∞: accept every draw, right for draws from the prior; a
    /// finite one for a first generation proposed near the posterior, see <see cref="AbcPmcSampler.InitialProposal"/>).
    /// </summary>
    public QuantileToleranceSchedule(double final, double quantile = 0.1, double first = double.PositiveInfinity)
    {
        if (!(final > 0)) throw new ArgumentException($"final tolerance {final} must be positive");
        if (!(quantile > 0 && quantile < 1)) throw new ArgumentException($"quantile {quantile} must be in (0, 1)");
        if (!(first >= final)) throw new ArgumentException($"first tolerance {first} must be at least the final {final}");
        Final = final;
        Quantile = quantile;
        First = first;
    }

    /// <summary>The quantile of the previous distances (default 0.1: fewest simulator calls per effective sample in `bench … abc`; the median took about twice as many).</summary>
    public double Quantile { get; }

    /// <inheritdoc />
    public double First { get; }

    /// <inheritdoc />
    public double Final { get; }

    /// <inheritdoc />
    public double? Next(Population previous)
    {
        if (previous.Tolerance <= Final) return null;
        double next = Math.Min(previous.DistanceQuantile(Quantile), previous.Tolerance);
        return next <= Final ? Final : next;
    }
}
