using System.Globalization;
using System.Text.Json.Nodes;
using Spinodoid.Datasets;
using Spinodoid.Microstructure;
using Spinodoid.Reports;
using Spinodoid.Surrogate;

namespace Spinodoid.Tests.Surrogate;

/// <summary>The committed default model (models/compact) against the committed dataset (data/compact).</summary>
public class BundledModelTests
{
    /// <summary>
    /// What the model card claims for the test MAPE against sub-voxel labels, with the model's coarse-grid correction:
    /// below 0.55 % (0.53 % measured; the network alone 1.78 %). Issue #12 asks for ≤ 1.5 %, goal 1.0 %.
    /// </summary>
    private const double ClaimedTestMape = 0.55;

    /// <summary>Every k-th test structure is regenerated and predicted again (the whole split takes minutes).</summary>
    private const int Stride = 8;

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Spinodoid.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException("repository root (Spinodoid.slnx) not found above " + AppContext.BaseDirectory);
    }

    private sealed record Prediction(int Index, ulong Seed, double[] Solver, double[] Cnn);

    private static Prediction[] ReadPredictions(string path)
    {
        var lines = File.ReadAllLines(path);
        Assert.Equal(SurrogateFigures.PredictionsHeader, lines[0]);
        return lines.Skip(1).Select(line =>
        {
            var f = line.Split(',');
            double D(int k) => double.Parse(f[k], CultureInfo.InvariantCulture);
            return new Prediction(int.Parse(f[0], CultureInfo.InvariantCulture), ulong.Parse(f[1], CultureInfo.InvariantCulture),
                [D(2), D(3), D(4)], [D(5), D(6), D(7)]);
        }).ToArray();
    }

    [Fact]
    public void TheBundledModelMeetsItsStatedTestMapeOnTheBundledTestSplit()
    {
        string root = RepositoryRoot();
        string modelDir = Path.Combine(root, "models", "compact");
        var stated = JsonNode.Parse(File.ReadAllText(Path.Combine(modelDir, "evaluation-test.json")))!;
        double statedMape = stated["mape_percent"]!.GetValue<double>();
        Assert.True(statedMape <= ClaimedTestMape, $"the model card claims test MAPE below {ClaimedTestMape} %; evaluation-test.json states {statedMape:F2} %");

        using var model = SurrogateModel.Load(modelDir);
        Assert.Equal(stated["symmetry_averaging"]?.GetValue<int>() ?? 1, model.SymmetryAveraging);
        // The figures are the corrected model's (correction.json beside the network), as predict and evaluate use it.
        Assert.NotNull(model.Correction);
        Assert.True(stated["coarse_grid_correction"]!.GetValue<bool>());
        var test = DatasetStore.Load(Path.Combine(root, "data", "compact")).Rows.Where(r => r.Split == "test").OrderBy(r => r.Index).ToArray();
        var predictions = ReadPredictions(Path.Combine(modelDir, "predictions-test.csv"));
        Assert.Equal(stated["structures"]!.GetValue<int>(), test.Length);
        Assert.Equal(test.Length, predictions.Length);

        // The stated figures are those of the per-structure table, whose labels are the dataset's.
        var byAxis = new double[3];
        for (int i = 0; i < test.Length; i++)
        {
            Assert.Equal((test[i].Index, test[i].Seed), (predictions[i].Index, predictions[i].Seed));
            Assert.Equal([test[i].EtaX, test[i].EtaY, test[i].EtaZ], predictions[i].Solver);
            for (int d = 0; d < 3; d++) byAxis[d] += 100 * Math.Abs(predictions[i].Cnn[d] - predictions[i].Solver[d]) / predictions[i].Solver[d] / test.Length;
        }
        Assert.Equal(statedMape, byAxis.Average(), 9);
        for (int d = 0; d < 3; d++) Assert.Equal(stated["mape_percent_by_axis"]![d]!.GetValue<double>(), byAxis[d], 9);

        // The table is this model's: regenerate every Stride-th structure from (θ, seed) — the generator is
        // bit-reproducible — and predict it again in batches of another size.
        var sample = Enumerable.Range(0, test.Length).Where(i => i % Stride == 0).ToArray();
        var inputs = new byte[sample.Length][];
        Parallel.For(0, sample.Length, k =>
        {
            var r = test[sample[k]];
            inputs[k] = Downsampling.SolidCounts2x(SpinodoidGenerator.Generate(r.Theta, r.Seed, r.Size));
        });
        double worst = 0;
        for (int start = 0; start < sample.Length; start += 32)
        {
            var batch = inputs.Skip(start).Take(32).ToArray();
            var predicted = model.Predict(batch);
            for (int k = 0; k < batch.Length; k++)
            {
                var expected = predictions[sample[start + k]].Cnn;
                double[] again = [predicted[k].X, predicted[k].Y, predicted[k].Z];
                for (int d = 0; d < 3; d++) worst = Math.Max(worst, Math.Abs(again[d] - expected[d]) / expected[d]);
            }
        }
        // Batch size and thread count change float rounding only (single precision: about 10⁻⁶ relative).
        Assert.True(worst < 1e-4, $"a regenerated test structure's prediction differs from the stated table by {worst:E2} (relative)");
    }
}
