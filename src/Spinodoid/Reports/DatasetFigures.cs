using Spinodoid.Datasets;

namespace Spinodoid.Reports;

/// <summary>The paper's Figure 3 for a dataset: (a) histogram of η_x, (b) scatter of η_x against η_y.</summary>
public static class DatasetFigures
{
    /// <summary>Writes Figure 3 as one PNG.</summary>
    public static void WriteFigure3(Dataset dataset, string path)
    {
        var etaX = dataset.Rows.Select(r => r.EtaX).ToArray();
        var etaY = dataset.Rows.Select(r => r.EtaY).ToArray();
        double r = DatasetStatistics.Pearson(etaX, etaY);

        var histogram = new ScottPlot.Plot();
        var bins = ScottPlot.Statistics.Histogram.WithBinCount(30, 0, 1);
        bins.AddRange(etaX);
        var bars = histogram.Add.Bars(bins.Bins, bins.Counts);
        foreach (var bar in bars.Bars) bar.Size = bins.FirstBinSize * 0.95;
        histogram.Title($"(a) η_x, {etaX.Length} structures");
        histogram.XLabel("η_x");
        histogram.YLabel("count");
        histogram.Axes.SetLimitsX(0, 1);
        histogram.Axes.Margins(bottom: 0);

        var scatter = new ScottPlot.Plot();
        var points = scatter.Add.ScatterPoints(etaX, etaY);
        points.MarkerSize = 3;
        scatter.Title($"(b) η_x vs η_y, r = {r:0.00}");
        scatter.XLabel("η_x");
        scatter.YLabel("η_y");
        scatter.Axes.SetLimits(0, 1, 0, 1);

        PlotImages.WriteRow(path, 520, 440, histogram, scatter);
    }
}
