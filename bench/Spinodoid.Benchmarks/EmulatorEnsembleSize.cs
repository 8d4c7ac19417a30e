using System.Globalization;
using Spinodoid.Datasets;
using Spinodoid.Design;
using Spinodoid.Runtime;
using Spinodoid.Surrogate;

namespace Spinodoid.Benchmarks;

/// <summary>
/// How many emulator members to average: K networks trained from seeds 1 … K on the dataset's train and validation
/// splits (as <c>emulator build</c> does), scored on the test split against the solver's labels for ensembles of the
/// first 1, 2, 4, … members. The seed scatter is in every error and the same for all K, so a lower mean squared logit
/// error is a smaller squared bias. Also the mean signed residual (label − η̄) at low porosity (ε &lt; 0.35),
/// where one network's fit varies most from seed to seed, and the members' spread there.
/// </summary>
internal static class EmulatorEnsembleSize
{
    public static int Run(string[] args)
    {
        string dataDirectory = args.Length > 0 ? args[0] : "data/compact";
        int members = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 8;
        int epochs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 150;
        if (members < 1) throw new ArgumentException($"members {members} must be at least 1");
        TorchRuntime.EnsureInitialised();
        var data = DatasetStore.Load(dataDirectory);
        var train = EmulatorDraws.FromDataset(data.Rows.Where(r => r.Split != "test"));
        var test = EmulatorDraws.FromDataset(data.Split("test"));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var logits = new List<(double[] Mean, double[,] Covariance)[]>();
        for (int k = 0; k < members; k++)
        {
            using var member = DiffusivityEmulator.Train(train, new EmulatorTraining(Epochs: epochs, Seed: 1 + (ulong)k));
            logits.Add(member.PredictLogit(test.Select(s => s.Theta).ToList()));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{members} members (seeds 1–{members}), {epochs} epochs, trained on {train.Count} structures in {clock.Elapsed.TotalSeconds:0} s; test split {test.Count} structures"));
        var labels = test.Select(s => s.Eta.Select(e => SurrogateScaling.Logit(Math.Clamp(e, 1e-4, 1 - 1e-4))).ToArray()).ToArray();
        bool LowPorosity(EmulatorSample s) => s.Theta[3] < 0.35;
        Console.WriteLine("K   MSE logit (all)   ε < 0.4      ε ≥ 0.4     ε < 0.35: mean label − η̄ %, x y z   members' SD %");
        for (int k = 1; k <= members; k *= 2)
        {
            double[] Mean(int s) => Enumerable.Range(0, 3).Select(d => logits.Take(k).Average(m => m[s].Mean[d])).ToArray();
            var means = Enumerable.Range(0, test.Count).Select(Mean).ToArray();
            double Mse(Func<EmulatorSample, bool> keep) => Enumerable.Range(0, test.Count).Where(s => keep(test[s]))
                .Average(s => Enumerable.Range(0, 3).Average(d => Math.Pow(labels[s][d] - means[s][d], 2)));
            var low = Enumerable.Range(0, test.Count).Where(s => LowPorosity(test[s])).ToArray();
            // In logit, a difference δ is a relative difference of about δ (1 − η) in η; at these η (< 0.15) nearly δ.
            var residual = Enumerable.Range(0, 3).Select(d => low.Length == 0 ? double.NaN : 100 * low.Average(s => labels[s][d] - means[s][d])).ToArray();
            double spread = k < 2 || low.Length == 0 ? 0 : 100 * low.Average(s => Enumerable.Range(0, 3).Average(d =>
            {
                double mean = logits.Take(k).Average(m => m[s].Mean[d]);
                return Math.Sqrt(logits.Take(k).Sum(m => Math.Pow(m[s].Mean[d] - mean, 2)) / (k - 1));
            }));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{k,-3} {Mse(_ => true):0.0000e0}        {Mse(s => s.Theta[3] < 0.4):0.0000e0}   {Mse(s => s.Theta[3] >= 0.4):0.0000e0}   {low.Length} structures: {residual[0],6:+0.00;-0.00} {residual[1],6:+0.00;-0.00} {residual[2],6:+0.00;-0.00}   {spread:0.00}"));
        }
        return 0;
    }
}
