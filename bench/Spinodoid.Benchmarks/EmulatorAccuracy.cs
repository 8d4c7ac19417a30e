using System.Diagnostics;
using System.Globalization;
using Spinodoid.Design;
using Spinodoid.Design.Abc;
using Spinodoid.Microstructure;
using Spinodoid.Runtime;
using Spinodoid.Surrogate;

namespace Spinodoid.Benchmarks;

/// <summary>
/// The emulator's η̄(θ) against repeated solver runs (issue #13): at θ drawn from the prior with a seed the emulator was
/// not built from, the mean η of S structures from the solver (the model's N, the default discretisation, i.e. the
/// physical labels) and from the CNN (what the emulator was trained to reproduce), with the standard error of the
/// solver mean. The gap emulator − CNN mean is the emulator's own error; CNN mean − solver mean is the CNN's.
/// </summary>
internal static class EmulatorAccuracy
{
    public static int Run(string[] args)
    {
        string modelDirectory = args.Length > 0 ? args[0] : "models/compact";
        int thetas = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 12;
        int seeds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 8;
        ulong drawSeed = args.Length > 3 ? ulong.Parse(args[3], CultureInfo.InvariantCulture) : 20261202;
        if (seeds < 2) throw new ArgumentException($"seeds {seeds} must be at least 2 (a standard error needs two)");
        TorchRuntime.EnsureInitialised();
        using var model = SurrogateModel.Load(modelDirectory);
        using var emulator = DiffusivityEmulator.Load(Path.Combine(modelDirectory, "emulator.bin"));
        var cnn = new SurrogateSimulator(model);
        var solver = new SolverSimulator(model.StructureSize);
        var prior = new SpinodoidDesignPrior(SpinodoidPrior.Paper);
        var random = new SeededRandom(drawSeed);
        Console.WriteLine($"model {modelDirectory} (N = {model.StructureSize}), {thetas} held-out θ (draw seed {drawSeed}), {seeds} structures each; solver: {solver.Name}");
        Console.WriteLine("θ = a_x, a_y, a_z, ε                  emulator η̄              CNN mean                 solver mean ± s.e.                 |emu−solver| % |emu−CNN| % |CNN−solver| %");
        var errors = new List<(double EmuSolver, double EmuCnn, double CnnSolver, double StandardError)>();
        var clock = Stopwatch.StartNew();
        for (int t = 0; t < thetas; t++)
        {
            var theta = prior.Sample(random);
            var proposals = Enumerable.Range(0, seeds).Select(s => new Proposal(theta, SeededRandom.Mix(drawSeed + 1000UL * (ulong)t + (ulong)s))).ToArray();
            var solved = solver.Simulate(proposals);
            var predicted = cnn.Simulate(proposals);
            var emulated = emulator.Predict([theta])[0].Mean;
            string V(IEnumerable<double> v) => "(" + string.Join(", ", v.Select(x => x.ToString("0.0000", CultureInfo.InvariantCulture))) + ")";
            var solverMean = Enumerable.Range(0, 3).Select(d => solved.Average(e => e[d])).ToArray();
            var solverSe = Enumerable.Range(0, 3).Select(d => Math.Sqrt(solved.Sum(e => Math.Pow(e[d] - solverMean[d], 2)) / (seeds - 1) / seeds)).ToArray();
            var cnnMean = Enumerable.Range(0, 3).Select(d => predicted.Average(e => e[d])).ToArray();
            // Directions where the solver or the CNN says η = 0 (no percolation) have no relative error.
            var last = Enumerable.Range(0, 3).Where(d => solverMean[d] > 0 && cnnMean[d] > 0)
                .Select(d => (EmuSolver: Math.Abs(emulated[d] / solverMean[d] - 1), EmuCnn: Math.Abs(emulated[d] / cnnMean[d] - 1),
                    CnnSolver: Math.Abs(cnnMean[d] / solverMean[d] - 1), StandardError: solverSe[d] / solverMean[d])).ToArray();
            errors.AddRange(last);
            if (last.Length == 0) { Console.WriteLine($"{V(theta),-36} no direction percolates"); continue; }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{V(theta),-36} {V(emulated),-24} {V(cnnMean),-24} {V(solverMean)} ± {100 * last.Max(e => e.StandardError):0.00} %   {100 * last.Average(e => e.EmuSolver),6:0.00}        {100 * last.Average(e => e.EmuCnn),6:0.00}      {100 * last.Average(e => e.CnnSolver),6:0.00}"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"mean |relative error| over {errors.Count} (θ, direction): emulator vs solver mean {100 * errors.Average(e => e.EmuSolver):0.00} % (max {100 * errors.Max(e => e.EmuSolver):0.00} %), " +
            $"emulator vs CNN mean {100 * errors.Average(e => e.EmuCnn):0.00} %, CNN mean vs solver mean {100 * errors.Average(e => e.CnnSolver):0.00} %; " +
            $"standard error of the solver mean {100 * errors.Average(e => e.StandardError):0.00} % (mean); {clock.Elapsed.TotalSeconds:0} s"));
        return 0;
    }
}
