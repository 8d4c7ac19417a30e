using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using Spinodoid.Cli.Support;
using Spinodoid.Runtime;
using Spinodoid.Surrogate;

namespace Spinodoid.Cli.Commands;

/// <summary>
/// Fits a model's <see cref="SurrogateCorrection"/> on a dataset's training split and scores it on the validation split:
/// the network's prediction and the coarse-grid η of each structure are kept in the model folder
/// (<c>correction-SPLIT-WEIGHTSDIGEST.csv</c>, appended batch by batch, so an interrupted run resumes where it stopped).
/// </summary>
internal sealed class CorrectCommand : Command<CorrectCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--model <DIR>")]
        [Description("Model folder; correction.json is written into it. Default: the bundled model.")]
        public string? Model { get; init; }

        [CommandOption("--data <DIR>")]
        [Description("Dataset the model was trained on. Default: the bundled dataset (data/compact).")]
        public string? Data { get; init; }

        [CommandOption("--structures <K>")]
        [Description("Training structures to fit on (the first K of the split). Default 8192 (the bundled dataset's whole training split).")]
        [DefaultValue(8192)]
        public int Structures { get; init; } = 8192;

        [CommandOption("--degree <D>")]
        [Description("Total degree of the correction's polynomial in (logit network η, logit coarse η at N/2 and N/4, porosity), 1–6. Default 4 (chosen on the bundled model's validation split).")]
        [DefaultValue(SurrogateCorrection.DefaultDegree)]
        public int Degree { get; init; } = SurrogateCorrection.DefaultDegree;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        if (settings.Degree is < 1 or > SurrogateCorrection.MaximumDegree)
            throw new ArgumentException($"--degree {settings.Degree} is outside 1–{SurrogateCorrection.MaximumDegree}");
        int weights = SurrogateCorrection.Monomials(settings.Degree).Count;
        if (settings.Structures < 2 * weights)
            throw new ArgumentException($"--structures {settings.Structures} must be at least {2 * weights} for a degree-{settings.Degree} correction ({weights} weights)");
        string modelDirectory = settings.Model ?? BundledModel.Locate(), data = settings.Data ?? BundledModel.LocateDataset();
        using var model = SurrogateModel.Load(modelDirectory);
        var clock = Stopwatch.StartNew();
        var train = Samples(model, modelDirectory, data, "train", settings.Structures, cancellation);
        var correction = SurrogateCorrection.Fit(train, settings.Degree, model.WeightsDigest);
        var validation = Samples(model, modelDirectory, data, "validation", int.MaxValue, cancellation);
        double before = Mape(validation, s => s.Cnn), after = Mape(validation, s => correction.Apply(s.Cnn, s.Coarse, s.Porosity));
        correction.Save(modelDirectory);
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"degree {correction.Degree} ({correction.Weights.Length} weights) fitted on {correction.FittedOn} training structures; validation MAPE {before:0.00} % (network) → [green]{after:0.00} %[/] (corrected), " +
            $"{validation.Count} structures, {clock.Elapsed.TotalSeconds:0} s"));
        AnsiConsole.MarkupLine($"wrote {Markup.Escape(Path.Combine(modelDirectory, SurrogateCorrection.FileName))}: predict, evaluate and design now use it");
        return 0;
    }

    private static double Mape(IReadOnlyList<CorrectionSample> samples, Func<CorrectionSample, double[]> predict) =>
        100 * samples.Average(s => { var p = predict(s); return Enumerable.Range(0, 3).Average(d => Math.Abs(p[d] - s.Label[d]) / s.Label[d]); });

    private const string Header = "index,porosity,eta_x,eta_y,eta_z,cnn_x,cnn_y,cnn_z,coarse_half_x,coarse_half_y,coarse_half_z,coarse_quarter_x,coarse_quarter_y,coarse_quarter_z";

    /// <summary>The first <paramref name="limit"/> structures of a split with the network's η and the coarse η, from the model folder's table where already computed.</summary>
    private static List<CorrectionSample> Samples(SurrogateModel model, string modelDirectory, string data, string split, int limit, CancellationToken cancellation)
    {
        using var samples = SurrogateSamples.Open(data, split);
        int count = Math.Min(limit, samples.Count);
        // The network's weights name the table: another network's predictions are never reused.
        string table = Path.Combine(modelDirectory, $"correction-{split}-{model.WeightsDigest}.csv");
        var labels = samples.Rows.ToDictionary(r => r.Index, r => new[] { r.EtaX, r.EtaY, r.EtaZ });
        var known = new Dictionary<int, CorrectionSample>();
        // A line an interruption cut short (perhaps inside a number) is dropped and computed again.
        foreach (var (index, v) in AppendOnlyTable.Read(table, Header, "a correction table"))
        {
            double[] label = v[1..4];
            if (!labels.TryGetValue(index, out var expected) || !expected.SequenceEqual(label))
                throw new InvalidDataException($"'{table}' holds structure {index} with labels the {split} split of '{data}' does not have; it belongs to another dataset: delete it to recompute");
            known[index] = new CorrectionSample(v[4..7], v[7..13], v[0], label);
        }
        // The coarse η are the dataset's (a function of the inputs alone): shared with every other network's fit.
        var coarseTable = CoarseFeatureTable.Open(data, samples.Side);
        var fromModelTable = known.ToList();
        coarseTable.Add(fromModelTable.Select(p => p.Key).ToList(), fromModelTable.Select(p => p.Value.Coarse).ToList());
        var todo = Enumerable.Range(0, count).Where(i => !known.ContainsKey(samples.Rows[i].Index)).ToList();
        if (todo.Count > 0)
            ProgressBarStages.Instance.Run($"{split}: network and coarse-grid η", todo.Count, progress =>
            {
                for (int start = 0; start < todo.Count; start += 16)
                {
                    cancellation.ThrowIfCancellationRequested();
                    var batch = todo.Skip(start).Take(16).ToList();
                    var inputs = batch.Select(i => { var buffer = new byte[samples.Volume]; samples.ReadInput(i, buffer); return buffer; }).ToList();
                    var network = model.PredictNetwork(inputs);
                    var coarse = coarseTable.Get(batch.Select(i => samples.Rows[i].Index).ToList(), inputs, samples.Side);
                    var lines = new List<string>();
                    for (int k = 0; k < batch.Count; k++)
                    {
                        var (x, y, z) = samples.Labels(batch[k]);
                        var sample = new CorrectionSample([network[k].X, network[k].Y, network[k].Z], coarse[k], SurrogateModel.CountsPorosity(inputs[k]), [x, y, z]);
                        known[samples.Rows[batch[k]].Index] = sample;
                        lines.Add(AppendOnlyTable.Line(samples.Rows[batch[k]].Index, new double[] { sample.Porosity, x, y, z }.Concat(sample.Cnn).Concat(sample.Coarse)));
                    }
                    AppendOnlyTable.Append(table, Header, lines);
                    progress.Report(start + batch.Count);
                }
                return 0;
            });
        return Enumerable.Range(0, count).Select(i => known[samples.Rows[i].Index]).ToList();
    }
}
