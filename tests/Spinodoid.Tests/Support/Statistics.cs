namespace Spinodoid.Tests.Support;

/// <summary>Goodness-of-fit helpers with fixed significance levels.</summary>
public static class Statistics
{
    /// <summary>Kolmogorov–Smirnov statistic of a sample against a continuous CDF.</summary>
    public static double KolmogorovSmirnov(IEnumerable<double> sample, Func<double, double> cdf)
    {
        var sorted = sample.OrderBy(v => v).ToArray();
        int n = sorted.Length;
        double d = 0;
        for (int i = 0; i < n; i++)
        {
            double f = cdf(sorted[i]);
            d = Math.Max(d, Math.Max(f - (double)i / n, (double)(i + 1) / n - f));
        }
        return d;
    }

    /// <summary>Critical KS distance at significance 0.001 (asymptotic: 1.949/√n).</summary>
    public static double KolmogorovSmirnovCritical001(int n) => 1.949 / Math.Sqrt(n);

    /// <summary>Pearson's χ² statistic.</summary>
    public static double ChiSquare(IReadOnlyList<double> observed, IReadOnlyList<double> expected)
    {
        double chi = 0;
        for (int i = 0; i < observed.Count; i++) chi += (observed[i] - expected[i]) * (observed[i] - expected[i]) / expected[i];
        return chi;
    }

    /// <summary>Upper 0.001 quantile of χ² with k degrees of freedom (Wilson–Hilferty approximation).</summary>
    public static double ChiSquareCritical001(int k)
    {
        const double z = 3.090; // standard normal 0.999 quantile
        double h = 2.0 / (9.0 * k);
        return k * Math.Pow(1 - h + z * Math.Sqrt(h), 3);
    }
}
