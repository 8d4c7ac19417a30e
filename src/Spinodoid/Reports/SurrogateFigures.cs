using Spinodoid.Surrogate;

namespace Spinodoid.Reports;

/// <summary>The paper's Figure 5 (solver η against CNN η on a split, all three directions) and the evaluation as JSON.</summary>
public static class SurrogateFigures
{
    /// <summary>Writes Figure 5 as PNG.</summary>
    public static void WriteFigure5(SurrogateEvaluation evaluation, string path)
    {
        var plot = new ScottPlot.Plot();
        string[] names = ["η_x", "η_y", "η_z"];
        for (int d = 0; d < 3; d++)
        {
            var points = plot.Add.ScatterPoints(evaluation.Solver.Select(v => v[d]).ToArray(), evaluation.Predicted.Select(v => v[d]).ToArray());
            points.MarkerSize = 3;
            points.LegendText = names[d];
        }
        var diagonal = plot.Add.Line(0, 0, 1, 1);
        diagonal.LineColor = ScottPlot.Colors.Gray;
        plot.Title($"CNN vs solver: MAPE {evaluation.Mape:0.00} %, MSE (logit) {evaluation.MseLogit:0.0e0}");
        plot.XLabel("η (solver)");
        plot.YLabel("η̂ (CNN)");
        plot.Axes.SetLimits(0, 1, 0, 1);
        plot.ShowLegend();
        PlotImages.WriteRow(path, 560, 520, plot);
    }

    /// <summary>An evaluation as JSON: dataset, split, count, MSE of the logits and MAPE (overall and per direction).</summary>
    public static System.Text.Json.Nodes.JsonObject EvaluationJson(string dataset, string split, int structures, SurrogateEvaluation e, int symmetryAveraging = 1) =>
        new(Runtime.ProgramInfo.Header())
        {
            ["dataset"] = dataset, ["split"] = split, ["structures"] = structures, ["symmetry_averaging"] = symmetryAveraging,
            ["mse_logit"] = e.MseLogit, ["mape_percent"] = e.Mape,
            ["mape_percent_by_axis"] = new System.Text.Json.Nodes.JsonArray(e.MapeByAxis.Select(v => (System.Text.Json.Nodes.JsonNode?)v).ToArray()),
        };
}
