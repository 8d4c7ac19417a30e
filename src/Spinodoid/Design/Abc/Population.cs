namespace Spinodoid.Design.Abc;

/// <summary>An accepted particle: parameters, normalised importance weight, distance, summary and structure seed.</summary>
public sealed record Particle(double[] Theta, double Weight, double Distance, double[] Summary, ulong Seed);

/// <summary>One generation of ABC-PMC: P weighted particles all within <see cref="Tolerance"/>.</summary>
/// <param name="Generation">0 for the generation drawn from the prior.</param>
/// <param name="Tolerance">ε of this generation.</param>
/// <param name="Particles">Accepted particles; weights sum to 1.</param>
/// <param name="Simulations">Simulator calls spent on this generation.</param>
/// <param name="Seconds">Wall time spent on it.</param>
public sealed record Population(int Generation, double Tolerance, IReadOnlyList<Particle> Particles, long Simulations, double Seconds)
{
    /// <summary>Number of parameters.</summary>
    public int Dimension => Particles[0].Theta.Length;

    /// <summary>Accepted / simulated.</summary>
    public double AcceptanceRate => Simulations == 0 ? 0 : (double)Particles.Count / Simulations;

    /// <summary>Kish's effective sample size (Σw)² / Σw².</summary>
    public double EffectiveSampleSize
    {
        get
        {
            double sum = 0, squares = 0;
            foreach (var p in Particles) { sum += p.Weight; squares += p.Weight * p.Weight; }
            return squares > 0 ? sum * sum / squares : 0;
        }
    }

    /// <summary>The weighted mean of θ.</summary>
    public double[] Mean()
    {
        var mean = new double[Dimension];
        foreach (var p in Particles)
            for (int i = 0; i < mean.Length; i++) mean[i] += p.Weight * p.Theta[i];
        return mean;
    }

    /// <summary>The weighted covariance of θ (weights normalised; no small-sample correction).</summary>
    public double[,] Covariance()
    {
        var mean = Mean();
        int d = Dimension;
        var cov = new double[d, d];
        foreach (var p in Particles)
            for (int i = 0; i < d; i++)
            for (int j = 0; j <= i; j++)
                cov[i, j] += p.Weight * (p.Theta[i] - mean[i]) * (p.Theta[j] - mean[j]);
        for (int i = 0; i < d; i++)
        for (int j = i + 1; j < d; j++)
            cov[i, j] = cov[j, i];
        return cov;
    }

    /// <summary>The weighted <paramref name="q"/>-quantile of parameter <paramref name="index"/>.</summary>
    public double Quantile(int index, double q) => WeightedQuantile(Particles.Select(p => (p.Theta[index], p.Weight)), q);

    /// <summary>The weighted <paramref name="q"/>-quantile of the distances.</summary>
    public double DistanceQuantile(double q) => WeightedQuantile(Particles.Select(p => (p.Distance, p.Weight)), q);

    /// <summary>The smallest value v with cumulative weight ≥ q (weights need not be normalised).</summary>
    public static double WeightedQuantile(IEnumerable<(double Value, double Weight)> items, double q)
    {
        var sorted = items.OrderBy(i => i.Value).ToArray();
        double total = sorted.Sum(i => i.Weight), cumulative = 0;
        foreach (var (value, weight) in sorted)
        {
            cumulative += weight;
            if (cumulative >= q * total) return value;
        }
        return sorted[^1].Value;
    }
}
