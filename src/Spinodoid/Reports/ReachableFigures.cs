using System.Globalization;
using Spinodoid.Design;

namespace Spinodoid.Reports;

/// <summary>Pictures of the reachable set: what anisotropy and which η the prior's structures can have.</summary>
public static class ReachableFigures
{
    private static readonly (double Lo, double Hi)[] PorosityBins = [(0.30, 0.45), (0.45, 0.60), (0.60, 0.75), (0.75, 0.85)];
    private static readonly ScottPlot.Color[] Colours = [ScottPlot.Colors.Navy, ScottPlot.Colors.SeaGreen, ScottPlot.Colors.DarkOrange, ScottPlot.Colors.Crimson];

    /// <summary>The paper's two targets, marked on every panel.</summary>
    public static IReadOnlyList<(string Label, double[] Eta)> PaperTargets { get; } =
        [("η₁ (0.40, 0.50, 0.60)", [0.40, 0.50, 0.60]), ("η₂ (0.25, 0.375, 0.50)", [0.25, 0.375, 0.50])];

    /// <summary>
    /// One PNG: the anisotropy η_y/η_x against η_z/η_x coloured by porosity, then the η_x–η_y plane for four porosity
    /// bands; <paramref name="targets"/> marked as crosses (the paper's two by default).
    /// </summary>
    public static void WritePng(ReachableSet set, string path, IReadOnlyList<(string Label, double[] Eta)>? targets = null)
    {
        // A target equal to a paper target is marked once, under the paper's name.
        targets = (targets ?? PaperTargets).DistinctBy(t => string.Join(",", t.Eta.Select(v => Math.Round(v, 9)))).ToList();
        var plots = new List<ScottPlot.Plot?>();
        var ratios = new ScottPlot.Plot();
        for (int b = 0; b < PorosityBins.Length; b++)
        {
            var (lo, hi) = PorosityBins[b];
            var members = Enumerable.Range(0, set.Theta.Count).Where(s => set.Theta[s][3] >= lo && set.Theta[s][3] < hi).Take(4000).ToArray();
            if (members.Length == 0) continue;
            var points = ratios.Add.ScatterPoints(members.Select(s => set.Eta[s][2] / set.Eta[s][0]).ToArray(), members.Select(s => set.Eta[s][1] / set.Eta[s][0]).ToArray());
            points.MarkerSize = 2;
            points.Color = Colours[b].WithAlpha(0.5);
            points.LegendText = string.Create(CultureInfo.InvariantCulture, $"ε {lo:0.00}–{hi:0.00}");
        }
        foreach (var (label, eta) in targets)
        {
            var mark = ratios.Add.Marker(eta[2] / eta[0], eta[1] / eta[0]);
            mark.Shape = ScottPlot.MarkerShape.Cross;
            mark.Size = 14;
            mark.Color = ScottPlot.Colors.Black;
            mark.LegendText = label;
        }
        ratios.Title("anisotropy the prior can reach");
        ratios.XLabel("η_z / η_x");
        ratios.YLabel("η_y / η_x");
        ratios.ShowLegend();
        plots.Add(ratios);

        for (int b = 0; b < PorosityBins.Length; b++)
        {
            var (lo, hi) = PorosityBins[b];
            var plot = new ScottPlot.Plot();
            var members = Enumerable.Range(0, set.Theta.Count).Where(s => set.Theta[s][3] >= lo && set.Theta[s][3] < hi).Take(4000).ToArray();
            if (members.Length > 0)
            {
                var points = plot.Add.ScatterPoints(members.Select(s => set.Eta[s][0]).ToArray(), members.Select(s => set.Eta[s][1]).ToArray());
                points.MarkerSize = 2;
                points.Color = Colours[b].WithAlpha(0.5);
            }
            foreach (var (_, eta) in targets)
            {
                var mark = plot.Add.Marker(eta[0], eta[1]);
                mark.Shape = ScottPlot.MarkerShape.Cross;
                mark.Size = 14;
                mark.Color = ScottPlot.Colors.Black;
            }
            plot.Title(string.Create(CultureInfo.InvariantCulture, $"η_x–η_y at porosity {lo:0.00}–{hi:0.00}"));
            plot.XLabel("η_x");
            plot.YLabel("η_y");
            plots.Add(plot);
        }
        PlotImages.WriteGrid(path, 420, 380, plots.Count, plots);
    }
}
