using System.Globalization;
using Spinodoid.Design;
using Spinodoid.Design.Abc;
using Spinodoid.Microstructure;
using Spinodoid.Runtime;
using Spinodoid.Surrogate;

namespace Spinodoid.Benchmarks;

/// <summary>
/// Does <c>design --method emulator</c> find the posterior that ABC finds (issue #13)? For the paper's η₁ and η₂ and five
/// targets spread over the reachable set (farthest-point picks among 20,000 emulated prior draws), ABC-PMC with the CNN
/// (the defaults of <c>spinodoid design</c>) and the emulator's posterior; the two agree on a parameter when each one's
/// posterior mean lies in the other's 95 % credible interval. Run folders are kept under OUT, so an interrupted
/// comparison resumes.
/// </summary>
internal static class AbcEmulatorAgreement
{
    public static int Run(string[] args)
    {
        string modelDirectory = args.Length > 0 ? args[0] : "models/compact";
        string output = args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), "spinodoid-abc-vs-emulator");
        int spread = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5;
        // A comparison split over sessions can start at a later target (0-based, in the order printed below).
        int first = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 0;
        TorchRuntime.EnsureInitialised();
        using var model = SurrogateModel.Load(modelDirectory);
        using var emulator = DiffusivityEmulator.Load(Path.Combine(modelDirectory, "emulator.bin"));
        var simulator = new SurrogateSimulator(model);
        var targets = new List<DiffusivityTarget> { new(0.40, 0.50, 0.60), new(0.25, 0.375, 0.50) };
        targets.AddRange(SpreadTargets(emulator, spread));
        Console.WriteLine($"model {modelDirectory}; run folders under {output}; targets: {string.Join("; ", targets)}");
        Console.WriteLine("(calls: CNN calls for abc, emulator evaluations for emulator)");
        Console.WriteLine("target η              method    calls   seconds  posterior mean θ (95 % interval)                                                    agree a_x a_y a_z ε");
        int agreeing = 0, compared = 0, startAgreeing = 0, startCompared = 0;
        var startCalls = new List<(double Prior, double Started)>();
        for (int i = first; i < targets.Count; i++)
        {
            var request = new DesignRequest(targets[i], Seed: 1);
            var abc = DesignPipeline.Run(new DesignJob(request, Path.Combine(output, $"target-{i}-abc")), simulator).Abc;
            var started = DesignPipeline.Run(new DesignJob(request with { StartFromEmulator = true }, Path.Combine(output, $"target-{i}-abc-start-emulator"))
                { ModelEmulator = emulator }, simulator).Abc;
            var fast = DesignPipeline.Run(new DesignJob(request, Path.Combine(output, $"target-{i}-emulator")) { Emulator = emulator }, simulator).Abc;
            if (abc.Posterior is not { } a || fast.Posterior is not { } e || !abc.ReachedFinalTolerance)
            {
                Console.WriteLine($"{targets[i],-21} no posterior: ABC '{abc.StopReason}', emulator '{fast.StopReason}'");
                continue;
            }
            var agree = Agreement(a, e);
            agreeing += agree.Count(x => x);
            compared += 4;
            Console.WriteLine(Row(targets[i].ToString(), "abc", abc, a, ""));
            if (started.Posterior is { } s && started.ReachedFinalTolerance)
            {
                var same = Agreement(a, s);
                startAgreeing += same.Count(x => x);
                startCompared += 4;
                startCalls.Add(((double)abc.TotalSimulations, (double)started.TotalSimulations));
                Console.WriteLine(Row("", "abc-start", started, s, Flags(same) + "  (vs abc)"));
            }
            else Console.WriteLine($"{"",-21} abc-start: no posterior ('{started.StopReason}')");
            Console.WriteLine(Row("", "emulator", fast, e, Flags(agree) + "  (vs abc)"));
        }
        Console.WriteLine($"{agreeing} of {compared} (target, parameter) pairs: the emulator's and ABC's posterior means agree within both credible intervals");
        if (startCalls.Count > 0)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{startAgreeing} of {startCompared} pairs: ABC started from the emulator agrees with ABC from the prior; CNN calls {startCalls.Sum(c => c.Started):0} against {startCalls.Sum(c => c.Prior):0} " +
                $"(median ratio {Timing.Median(startCalls.Select(c => c.Started / c.Prior)):0.00})"));
        return 0;
    }

    private static bool[] Agreement(Population a, Population b) =>
        Enumerable.Range(0, 4).Select(k => Inside(a.Mean()[k], b, k) && Inside(b.Mean()[k], a, k)).ToArray();

    private static string Flags(bool[] agree) => string.Join("   ", agree.Select(x => x ? "yes" : "NO "));

    private static bool Inside(double value, Population posterior, int k) =>
        value >= posterior.Quantile(k, 0.025) && value <= posterior.Quantile(k, 0.975);

    private static string Row(string target, string method, AbcResult result, Population posterior, string agreement) =>
        string.Create(CultureInfo.InvariantCulture, $"{target,-21} {method,-9} {result.TotalSimulations,7} {result.Generations.Sum(g => g.Seconds),8:0.0}  ") +
        string.Join(" ", Enumerable.Range(0, 4).Select(k => string.Create(CultureInfo.InvariantCulture, $"{posterior.Mean()[k]:0.0000} [{posterior.Quantile(k, 0.025):0.0000}, {posterior.Quantile(k, 0.975):0.0000}]"))) +
        "  " + agreement;

    /// <summary>Targets spread over the reachable set: farthest-point picks (in η) among emulated prior draws, rounded to 3 decimals.</summary>
    private static IEnumerable<DiffusivityTarget> SpreadTargets(IDiffusivityEmulator emulator, int count)
    {
        var set = ReachableSet.Sample(emulator, new SpinodoidDesignPrior(SpinodoidPrior.Paper), 20_000, seed: 7);
        var eta = set.Eta;
        // Start from the draw nearest the centroid, then keep taking the draw farthest from every pick so far; the
        // outermost 2 % (by distance to the centroid) are left out, so the picks sit inside the set, not on its rim.
        var centroid = Enumerable.Range(0, 3).Select(d => eta.Average(e => e[d])).ToArray();
        double Distance(double[] u, double[] v) => Math.Sqrt(Enumerable.Range(0, 3).Sum(d => (u[d] - v[d]) * (u[d] - v[d])));
        var inner = eta.OrderBy(e => Distance(e, centroid)).Take((int)(0.98 * eta.Count)).ToArray();
        var picks = new List<double[]> { inner[0] };
        while (picks.Count < count) picks.Add(inner.MaxBy(e => picks.Min(p => Distance(e, p)))!);
        return picks.Select(p => new DiffusivityTarget(Math.Round(p[0], 3), Math.Round(p[1], 3), Math.Round(p[2], 3)));
    }
}
