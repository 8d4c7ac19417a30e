using System.Globalization;
using Spinodoid.Datasets;
using Spinodoid.Runtime;
using Spinodoid.Surrogate;

namespace Spinodoid.Benchmarks;

/// <summary>
/// What should the emulator learn from: CNN draws over the prior (what ABC sees) or the dataset's solver labels (what
/// validation measures)? Each emulator is scored on the dataset's test split, which neither saw. Against single
/// structures the seed scatter is part of every error, but it is the same for all emulators: the mean squared logit
/// error is scatter + bias², so differences between emulators are differences in their squared bias against the
/// solver. The CNN's own predictions of the test structures (<c>predictions-test.csv</c>) give the same against the CNN.
/// </summary>
internal static class EmulatorLabelSources
{
    public static int Run(string[] args)
    {
        string modelDirectory = args.Length > 0 ? args[0] : "models/compact";
        string dataDirectory = args.Length > 1 ? args[1] : "data/compact";
        int epochs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 150;
        TorchRuntime.EnsureInitialised();
        var data = DatasetStore.Load(dataDirectory);
        EmulatorSample Sample(DatasetRow r) => new(r.Theta.ToVector(), [r.EtaX, r.EtaY, r.EtaZ]);
        var test = data.Split("test");
        var cnn = File.ReadAllLines(Path.Combine(modelDirectory, "predictions-test.csv")).Skip(1).Select(l => l.Split(','))
            .ToDictionary(f => int.Parse(f[0], CultureInfo.InvariantCulture), f => new[] { D(f[5]), D(f[6]), D(f[7]) });
        var candidates = new List<(string Name, IDiffusivityEmulator Emulator)>();
        var bundled = DiffusivityEmulator.Load(Path.Combine(modelDirectory, "emulator.bin"));
        candidates.Add(("bundled (CNN draws)", bundled));
        foreach (var (name, splits) in new[] { ("solver labels, train", new[] { "train" }), ("solver labels, train + validation", new[] { "train", "validation" }) })
        {
            var samples = data.Rows.Where(r => splits.Contains(r.Split)).Select(Sample).ToList();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var emulator = DiffusivityEmulator.Train(samples, new EmulatorTraining(Epochs: epochs));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"trained '{name}' on {samples.Count} structures, {epochs} epochs, {clock.Elapsed.TotalSeconds:0} s"));
            candidates.Add((name, emulator));
        }
        Console.WriteLine($"test split: {test.Count} structures (solver labels at N = {test[0].Size}); errors of η̄(θ) against single structures");
        Console.WriteLine("emulator                               vs solver: MSE logit  mean signed % (x, y, z)      MAPE %  | vs CNN: MSE logit  mean signed %");
        var thetas = test.Select(r => r.Theta.ToVector()).ToList();
        foreach (var (name, emulator) in candidates)
        {
            var predicted = emulator.Predict(thetas);
            var solver = Score(test.Select((r, i) => (predicted[i].Mean, new[] { r.EtaX, r.EtaY, r.EtaZ })).ToList());
            var network = Score(test.Select((r, i) => (predicted[i].Mean, cnn[r.Index])).ToList());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-38} {solver.Mse,10:0.000e0}  {string.Join(", ", solver.Signed.Select(s => s.ToString("+0.00;-0.00", CultureInfo.InvariantCulture))),-22}  {solver.Mape,6:0.00}  | {network.Mse,10:0.000e0}  {string.Join(", ", network.Signed.Select(s => s.ToString("+0.00;-0.00", CultureInfo.InvariantCulture)))}"));
        }
        var cnnScore = Score(test.Select(r => (cnn[r.Index], new[] { r.EtaX, r.EtaY, r.EtaZ })).ToList());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"(the CNN itself, per structure)",-38} {cnnScore.Mse,10:0.000e0}  {string.Join(", ", cnnScore.Signed.Select(s => s.ToString("+0.00;-0.00", CultureInfo.InvariantCulture))),-22}  {cnnScore.Mape,6:0.00}"));
        foreach (var (_, emulator) in candidates) (emulator as IDisposable)?.Dispose();
        return 0;
    }

    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    /// <summary>Mean squared logit error, mean signed relative error per direction (%), and MAPE (%) of predictions against labels.</summary>
    private static (double Mse, double[] Signed, double Mape) Score(IReadOnlyList<(double[] Predicted, double[] Label)> pairs)
    {
        double mse = 0, mape = 0;
        var signed = new double[3];
        foreach (var (p, y) in pairs)
            for (int d = 0; d < 3; d++)
            {
                double e = SurrogateScaling.Logit(Math.Clamp(p[d], 1e-4, 1 - 1e-4)) - SurrogateScaling.Logit(Math.Clamp(y[d], 1e-4, 1 - 1e-4));
                mse += e * e / (3.0 * pairs.Count);
                signed[d] += 100 * (p[d] / y[d] - 1) / pairs.Count;
                mape += 100 * Math.Abs(p[d] / y[d] - 1) / (3.0 * pairs.Count);
            }
        return (mse, signed, mape);
    }
}
