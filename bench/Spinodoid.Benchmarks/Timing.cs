using System.Diagnostics;

namespace Spinodoid.Benchmarks;

/// <summary>Wall-clock repeats with a warm-up, summarised by the median.</summary>
internal static class Timing
{
    public static (double Median, double Min, double Max) Measure(int repeats, Action<int> body, int warmup = 2)
    {
        for (int i = 0; i < warmup; i++) body(-1 - i);
        var seconds = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            var watch = Stopwatch.StartNew();
            body(i);
            seconds[i] = watch.Elapsed.TotalSeconds;
        }
        Array.Sort(seconds);
        return (seconds[repeats / 2], seconds[0], seconds[^1]);
    }

    /// <summary>Median of a list (the mean of the middle two for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);
    }

    public static string Describe((double Median, double Min, double Max) t) =>
        $"median {t.Median * 1000:F1} ms (min {t.Min * 1000:F1}, max {t.Max * 1000:F1})";
}
