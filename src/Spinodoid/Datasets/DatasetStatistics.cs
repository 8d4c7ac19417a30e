using Spinodoid.Microstructure;

namespace Spinodoid.Datasets;

/// <summary>Summary of a dataset: counts, rejection rate, η ranges and the correlation between directions.</summary>
public sealed record DatasetStatistics(
    int Rows, int Train, int Validation, int Test, double RejectionRate,
    (double Min, double Mean, double Max)[] Eta, double[,] Correlation, double MeanSolveSeconds)
{
    /// <summary>Computes the statistics of a dataset.</summary>
    public static DatasetStatistics Of(Dataset dataset)
    {
        var rows = dataset.Rows;
        if (rows.Count == 0) throw new ArgumentException("the dataset has no rows");
        var axes = new[] { Axis.X, Axis.Y, Axis.Z };
        var eta = axes.Select(a => (rows.Min(r => r.Eta(a)), rows.Average(r => r.Eta(a)), rows.Max(r => r.Eta(a)))).ToArray();
        var correlation = new double[3, 3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                correlation[i, j] = Pearson(rows.Select(r => r.Eta(axes[i])).ToArray(), rows.Select(r => r.Eta(axes[j])).ToArray());
        return new DatasetStatistics(rows.Count, dataset.Split("train").Count, dataset.Split("validation").Count,
            dataset.Split("test").Count, dataset.Manifest.RejectionRate, eta, correlation, rows.Average(r => r.SolveSeconds));
    }

    /// <summary>Pearson's correlation coefficient.</summary>
    public static double Pearson(double[] a, double[] b)
    {
        double ma = a.Average(), mb = b.Average(), sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return saa > 0 && sbb > 0 ? sab / Math.Sqrt(saa * sbb) : double.NaN;
    }
}
