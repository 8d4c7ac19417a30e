using Spinodoid.Design.Abc;
using Spinodoid.Runtime;
using Spinodoid.Surrogate;

namespace Spinodoid.Design;

/// <summary>
/// The η vectors the prior's structures can have, as the emulator sees them: η̄(θ) for many θ drawn from the prior.
/// A target is reachable when some emulated η̄ is within <see cref="EmulatorPosterior.UnreachableDistance"/> (mean
/// |relative error| over its given directions) — the rule <c>design --method emulator</c> applies.
/// </summary>
public sealed class ReachableSet
{
    private ReachableSet(double[][] theta, double[][] eta)
    {
        Theta = theta;
        Eta = eta;
    }

    /// <summary>The θ drawn.</summary>
    public IReadOnlyList<double[]> Theta { get; }

    /// <summary>Their emulated η̄.</summary>
    public IReadOnlyList<double[]> Eta { get; }

    /// <summary>Emulates <paramref name="draws"/> θ from <paramref name="prior"/>.</summary>
    public static ReachableSet Sample(IDiffusivityEmulator emulator, IPrior prior, int draws, ulong seed)
    {
        if (draws < 100) throw new ArgumentException($"the reachable set needs at least 100 draws, got {draws}");
        var random = new SeededRandom(seed);
        var theta = Enumerable.Range(0, draws).Select(_ => prior.Sample(random)).ToArray();
        var eta = EmulatorPosterior.Predict(emulator, theta).Select(p => p.Mean).ToArray();
        return new ReachableSet(theta, eta);
    }

    /// <summary>The emulated point nearest to <paramref name="target"/> and its distance.</summary>
    public (double[] Theta, double[] Eta, double Distance) Nearest(DiffusivityTarget target)
    {
        var mape = new MeanAbsolutePercentageDistance(target);
        int best = -1;
        double distance = double.PositiveInfinity;
        for (int s = 0; s < Eta.Count; s++)
        {
            double r = mape.Measure(Eta[s]);
            if (r < distance) { distance = r; best = s; }
        }
        return (Theta[best], Eta[best], distance);
    }

    /// <summary>Whether <paramref name="target"/> is reachable: an emulated η̄ within <paramref name="tolerance"/>.</summary>
    public bool Contains(DiffusivityTarget target, double tolerance = EmulatorPosterior.UnreachableDistance) => Nearest(target).Distance <= tolerance;
}
