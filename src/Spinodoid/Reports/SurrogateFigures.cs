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
    public static System.Text.Json.Nodes.JsonObject EvaluationJson(string dataset, string split, int structures, SurrogateEvaluation e, int symmetryAveraging = 1,
        bool corrected = false) =>
        new(Runtime.ProgramInfo.Header())
        {
            ["dataset"] = dataset, ["split"] = split, ["structures"] = structures, ["symmetry_averaging"] = symmetryAveraging,
            ["coarse_grid_correction"] = corrected,
            ["mse_logit"] = e.MseLogit, ["mape_percent"] = e.Mape,
            ["mape_percent_by_axis"] = new System.Text.Json.Nodes.JsonArray(e.MapeByAxis.Select(v => (System.Text.Json.Nodes.JsonNode?)v).ToArray()),
        };

    /// <summary>The CSV header of <see cref="PredictionsCsv"/>.</summary>
    public const string PredictionsHeader = "index,seed,eta_x,eta_y,eta_z,cnn_eta_x,cnn_eta_y,cnn_eta_z";

    /// <summary>
    /// The points of Figure 5 as CSV, one row per structure of the split: its dataset index and seed, the solver's η
    /// (the label) and the CNN's, at round-trip precision, so a reader can find the worst structures or re-plot.
    /// </summary>
    public static string PredictionsCsv(IReadOnlyList<Datasets.DatasetRow> rows, SurrogateEvaluation e)
    {
        if (rows.Count != e.Predicted.Length)
            throw new ArgumentException($"{rows.Count} rows but {e.Predicted.Length} predictions");
        var text = new System.Text.StringBuilder(PredictionsHeader).Append('\n');
        for (int i = 0; i < rows.Count; i++)
            text.Append(System.FormattableString.Invariant(
                $"{rows[i].Index},{rows[i].Seed},{e.Solver[i][0]:R},{e.Solver[i][1]:R},{e.Solver[i][2]:R},{e.Predicted[i][0]:R},{e.Predicted[i][1]:R},{e.Predicted[i][2]:R}\n"));
        return text.ToString();
    }
}
