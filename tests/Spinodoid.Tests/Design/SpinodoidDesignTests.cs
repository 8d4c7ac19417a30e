using System.Text.Json.Nodes;
using Spinodoid.Design;
using Spinodoid.Design.Abc;
using Spinodoid.Microstructure;
using Spinodoid.Reports;
using Spinodoid.Runtime;
using Spinodoid.Surrogate;
using Spinodoid.Transport;

namespace Spinodoid.Tests.Design;

public sealed class SpinodoidDesignTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("spinodoid-design-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void TargetsParseWithFreeDirectionsAndRejectBadValues()
    {
        var t = DiffusivityTarget.Parse("0.4, -, 0.6");
        Assert.Equal(new double?[] { 0.4, null, 0.6 }, t.Components);
        Assert.Contains("1.2", Assert.Throws<ArgumentException>(() => DiffusivityTarget.Parse("0.4,1.2,0.6")).Message);
        Assert.Contains("three", Assert.Throws<ArgumentException>(() => DiffusivityTarget.Parse("0.4,0.5")).Message);
        Assert.Contains("free", Assert.Throws<ArgumentException>(() => DiffusivityTarget.Parse("-,-,-")).Message);
    }

    [Fact]
    public void TheDistanceIsEquation10OverTheTargetedDirections()
    {
        var full = new MeanAbsolutePercentageDistance(new DiffusivityTarget(0.4, 0.5, 0.6));
        Assert.Equal((0.04 / 0.4 + 0 + 0.12 / 0.6) / 3, full.Measure([0.44, 0.5, 0.48]), 12);
        var partial = new MeanAbsolutePercentageDistance(new DiffusivityTarget(0.4, null, 0.6));
        Assert.Equal((0.04 / 0.4 + 0.12 / 0.6) / 2, partial.Measure([0.44, 0.99, 0.48]), 12);
        // A direction that does not percolate (η = 0) is 100 % off.
        Assert.Equal(1.0, partial.Measure([0, 0.5, 0]), 12);
    }

    [Fact]
    public void APorosityRangeRestrictsThePrior()
    {
        var prior = new SpinodoidDesignPrior(SpinodoidPrior.Paper, 0.5, 0.6);
        var random = new SeededRandom(4);
        for (int i = 0; i < 2000; i++) Assert.InRange(prior.Sample(random)[3], 0.5, 0.6);
        var inside = SpinodoidPrior.Paper.Sample(new SeededRandom(1)).ToVector();
        inside[3] = 0.55;
        // ε is uniform and independent, so narrowing [0.3, 0.85] to [0.5, 0.6] scales the density by 0.55 / 0.1.
        var unrestricted = new SpinodoidDesignPrior(SpinodoidPrior.Paper);
        Assert.Equal(unrestricted.Density(inside) * 5.5, prior.Density(inside), 9);
        inside[3] = 0.7;
        Assert.Equal(0, prior.Density(inside));
        Assert.Throws<ArgumentException>(() => new SpinodoidDesignPrior(SpinodoidPrior.Paper, 0.9, 0.95));
    }

    [Fact]
    public void TheSurrogateSimulatorGivesZeroWhereThePoresDoNotPercolate()
    {
        TorchRuntime.EnsureInitialised();
        using var model = new SurrogateModel(new DiffusivityNetwork(new SurrogateArchitecture("tiny", 12, [8, 8], [8], 3, ConvolutionPadding.Same), seed: 7), 24);
        var simulator = new SurrogateSimulator(model);
        // Low porosity and strong anisotropy: some directions percolate, some do not.
        var proposals = Enumerable.Range(0, 12).Select(s => new Proposal([0.05, 0.12, 0.3, 0.16], (ulong)s)).ToArray();
        var eta = simulator.Simulate(proposals);
        int zeros = 0;
        for (int i = 0; i < proposals.Length; i++)
        {
            var structure = SpinodoidGenerator.Generate(new SpinodoidParameters(0.05, 0.12, 0.3, 0.16), proposals[i].Seed, 24);
            var pores = Connectivity.OfPhase(structure.Pore, structure.Shape, 1, LateralBoundary.Periodic);
            for (int d = 0; d < 3; d++)
            {
                bool percolates = d switch { 0 => pores.X, 1 => pores.Y, _ => pores.Z };
                Assert.Equal(percolates, eta[i][d] > 0);
                if (!percolates) zeros++;
            }
        }
        Assert.True(zeros > 0, "the test structures should include non-percolating directions");
        Assert.True(zeros < 36, "the test structures should include percolating directions");
    }

    [Fact]
    public void ADesignWithTheSolverWritesEveryOutputAndResumes()
    {
        var request = new DesignRequest(new DiffusivityTarget(0.3, 0.3, null), PopulationSize: 16, FinalTolerance: 0.15, Seed: 2, BatchSize: 8,
            PorosityMin: 0.5, PorosityMax: 0.7);
        var simulator = new SolverSimulator(16);
        string dir = Path.Combine(_root, "run");
        var job = new DesignJob(request, dir, new DesignValidationPlan(3, Refinement: new RefinementSettings(0)));
        var outcome = DesignPipeline.Run(job, simulator, DesignReport.Files);
        var result = outcome.Abc;
        Assert.True(result.ReachedFinalTolerance, result.StopReason);
        var posterior = result.Posterior!;
        Assert.All(posterior.Particles, p => Assert.True(p.Distance <= 0.15 && p.Theta[3] is >= 0.5 and <= 0.7));
        // The particles' η really are the solver's for their (θ, seed), of the continuous structure (sub-voxel) by default.
        var first = posterior.Particles[0];
        // (The solver simulator and the checks solve to DesignValidation.CheckTolerance unless told otherwise.)
        var check = DiffusivitySolver.SolveAll(SpinodoidGenerator.GenerateContinuous(SpinodoidParameters.FromVector(first.Theta), first.Seed, 16),
            new DiffusivityOptions(Tolerance: DesignValidation.CheckTolerance));
        Assert.All(check, r => Assert.Equal(Discretization.Subvoxel, r.Discretization));
        for (int d = 0; d < 3; d++) Assert.Equal(check[d].Diffusivity, first.Summary[d], 9);
        // The validation is the solver's at the posterior mean, on the first validation seeds.
        var validation = outcome.Refinement!.Rounds[0].Validation;
        Assert.Equal(SpinodoidParameters.FromVector(posterior.Mean()), validation.Theta);
        Assert.Equal(new RefinementSettings().ValidationSeed(0), validation.Samples[0].Seed);
        foreach (var name in new[] { "posterior.csv", "generations.csv", "summary.json", "posterior.png", "report.html", "validation.png", "validation.csv" })
            Assert.True(File.Exists(Path.Combine(dir, name)), name);

        // One forced refinement round (tolerance ~0), the solver standing in for the surrogate.
        var refinement = DesignRefinement.Refine(request.Target, posterior, new SpinodoidDesignPrior(SpinodoidPrior.Paper, 0.5, 0.7), simulator,
            (theta, round) => DesignValidation.Validate(theta, 3, 16, firstSeed: 100 + 10 * (ulong)round), new RefinementSettings(1, 1e-9, JacobianSeeds: 4));
        Assert.Equal(2, refinement.Rounds.Count);
        DesignReport.Write(outcome with { Refinement = refinement });
        foreach (var name in new[] { "refinement-1.csv", "refinement-1.json", "refinement-1.png" })
            Assert.True(File.Exists(Path.Combine(dir, name)), name);
        Assert.Equal(17, File.ReadAllLines(Path.Combine(dir, "posterior.csv")).Length);
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")))!;
        Assert.Equal("converged", summary["status"]!.GetValue<string>());
        Assert.Equal(simulator.Name, summary["simulator"]!.GetValue<string>());
        Assert.Equal(result.TotalSimulations, summary["simulations"]!.GetValue<long>());
        Assert.Equal(posterior.Mean()[0], summary["posterior_mean"]!["a_x"]!.GetValue<double>(), 12);
        Assert.Contains("data:image/png;base64,", File.ReadAllText(Path.Combine(dir, "report.html")));
        Assert.Equal(refinement.Best.Round, summary["refinement"]!["design_round"]!.GetValue<int>());
        Assert.Equal(2, summary["refinement"]!["rounds"]!.AsArray().Count);

        // Running the finished design again resumes: nothing new is simulated and the posterior is the same.
        var again = DesignPipeline.Run(job with { Validation = null }, simulator).Abc;
        Assert.Equal(result.TotalSimulations, again.TotalSimulations);
        Assert.Equal(posterior.Particles.Select(p => p.Theta), again.Posterior!.Particles.Select(p => p.Theta));
        // Another target, even one that prints alike, or another simulator, in the same folder is refused.
        Assert.Throws<ArgumentException>(() => InverseDesign.Run(request with { Target = new DiffusivityTarget(0.5, 0.5, 0.5) }, simulator, dir));
        Assert.Throws<ArgumentException>(() => InverseDesign.Run(request with { Target = new DiffusivityTarget(0.30001, 0.3, null) }, simulator, dir));
        Assert.Throws<ArgumentException>(() => InverseDesign.Run(request, new SolverSimulator(16, new DiffusivityOptions(Tolerance: 1e-5)), dir));
    }

    /// <summary>η̄_d = ε (0.2 + 2 a_d) with a small constant spread: η grows with porosity and with the length scale along d.</summary>
    private sealed class PorosityEmulator(double bias = 1) : IDiffusivityEmulator
    {
        public (double[] Mean, double[,] Covariance)[] Predict(IReadOnlyList<double[]> thetas) =>
            thetas.Select(t => (Enumerable.Range(0, 3).Select(d => bias * t[3] * (0.2 + 2 * t[d])).ToArray(), new double[,] { { 1e-5, 0, 0 }, { 0, 1e-5, 0 }, { 0, 0, 1e-5 } })).ToArray();
    }

    [Fact]
    public void TheReportSaysWhetherTheTargetIsReachable()
    {
        var emulator = new PorosityEmulator();
        var prior = new SpinodoidDesignPrior(SpinodoidPrior.Paper);
        var inside = prior.Sample(new SeededRandom(5));
        var eta = emulator.Predict([inside])[0].Mean;
        var reachableTarget = new DiffusivityTarget(eta[0], eta[1], eta[2]);
        string dir = Path.Combine(_root, "reachable");
        var job = new DesignJob(new DesignRequest(reachableTarget, Seed: 3), dir) { Emulator = emulator, ReachabilityDraws = 2000 };
        var outcome = DesignPipeline.Run(job, new SolverSimulator(16), DesignReport.Files);
        // The same draws as `spinodoid reachable` with this seed, and the nearest of them is the one the summary names.
        var expected = ReachableSet.Sample(emulator, prior, 2000, 3).Nearest(reachableTarget);
        var reach = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")))!["reachability"]!;
        Assert.True(reach["reachable"]!.GetValue<bool>());
        Assert.Equal(expected.Distance, reach["nearest_distance"]!.GetValue<double>(), 12);
        Assert.Equal(expected.Theta[3], reach["nearest_theta"]!["porosity"]!.GetValue<double>(), 12);
        Assert.Equal(2000, outcome.Reachable!.Theta.Count);
        Assert.True(File.Exists(Path.Combine(dir, "reachable.png")));
        Assert.Contains("Can this target be reached?</h2><p>Yes", File.ReadAllText(Path.Combine(dir, "report.html")));

        // η_x = 0.05 with η_z = 0.9 needs a_z/a_x far beyond the prior's ratio of 3: no draw comes near, and the report says so.
        var far = new DiffusivityTarget(0.05, null, 0.9);
        var refused = DesignPipeline.Run(new DesignJob(new DesignRequest(far, Seed: 3), Path.Combine(_root, "far")) { ModelEmulator = emulator, Emulator = emulator, ReachabilityDraws = 2000 },
            new SolverSimulator(16), DesignReport.Files);
        Assert.False(refused.Reachable!.Contains(far));
        Assert.Contains("Can this target be reached?</h2><p>No", File.ReadAllText(Path.Combine(_root, "far", "report.html")));
    }

    [Fact]
    public void AnEmulatorDesignComparesTheCnnOnItsFirstValidationOnly()
    {
        TorchRuntime.EnsureInitialised();
        using var model = new SurrogateModel(new DiffusivityNetwork(new SurrogateArchitecture("tiny", 12, [8, 8], [8], 3, ConvolutionPadding.Same), seed: 7), 24);
        var emulator = new PorosityEmulator();
        var target = new DiffusivityTarget(0.2, 0.2, 0.2);
        var plan = new DesignValidationPlan(2, Refinement: new RefinementSettings(1, 1e-9, JacobianSeeds: 4));
        // A tolerance of ~0 forces the refinement round; the CNN is the model's but not the emulator design's simulator.
        var byEmulator = DesignPipeline.Run(new DesignJob(new DesignRequest(target, Seed: 4), Path.Combine(_root, "emulator"), plan) { Emulator = emulator },
            new SurrogateSimulator(model)).Refinement!;
        Assert.Equal(2, byEmulator.Rounds.Count);
        Assert.NotNull(byEmulator.Rounds[0].Validation.SurrogateMean);
        Assert.Null(byEmulator.Rounds[1].Validation.SurrogateMean);
    }

    /// <summary>The forward map <see cref="PorosityEmulator"/> emulates: its mean with 1 % multiplicative scatter per structure seed.</summary>
    private sealed class PorositySimulator : ISimulator
    {
        public string Name => "porosity toy";

        public IReadOnlyList<double[]> Simulate(IReadOnlyList<Proposal> proposals, CancellationToken cancellation = default) =>
            proposals.Select(p => Enumerable.Range(0, 3).Select(d =>
                p.Theta[3] * (0.2 + 2 * p.Theta[d]) * (1 + 0.01 * CounterRandom.StandardNormalPair(CounterRandom.Mix(p.Seed + (ulong)d)).Item1)).ToArray()).ToArray();
    }

    [Fact]
    public void AbcStartedFromTheEmulatorFindsThePosteriorThePriorStartFinds()
    {
        // An emulator 1.5 % off the simulator: its posterior is a shifted proposal, which the weights must correct.
        var emulator = new PorosityEmulator(bias: 1.015);
        var target = new DiffusivityTarget(0.2, 0.25, 0.3);
        var request = new DesignRequest(target, PopulationSize: 600, FinalTolerance: 0.02, Seed: 4, BatchSize: 256);
        var fromPrior = DesignPipeline.Run(new DesignJob(request, Path.Combine(_root, "prior")), new PorositySimulator()).Abc;
        var started = DesignPipeline.Run(new DesignJob(request with { StartFromEmulator = true }, Path.Combine(_root, "emulator")) { ModelEmulator = emulator },
            new PorositySimulator()).Abc;
        Assert.True(fromPrior.ReachedFinalTolerance && started.ReachedFinalTolerance, started.StopReason);
        // One generation, at the final tolerance, with a useful share of its proposals accepted.
        Assert.Single(started.Generations);
        Assert.True(started.Posterior!.AcceptanceRate > 0.05, $"acceptance {started.Posterior.AcceptanceRate:P1}");
        Assert.True(started.Posterior.EffectiveSampleSize > 100, $"ESS {started.Posterior.EffectiveSampleSize:0}");
        Assert.Equal(0.02, started.Posterior!.Tolerance);
        Assert.All(started.Posterior.Particles, p => Assert.True(p.Distance <= 0.02));
        // Importance weights against the prior keep it exact: both posterior means agree within their Monte Carlo errors.
        var (a, b) = (fromPrior.Posterior!, started.Posterior);
        var (va, vb) = (a.Covariance(), b.Covariance());
        for (int i = 0; i < 4; i++)
        {
            double error = Math.Sqrt(va[i, i] / a.EffectiveSampleSize + vb[i, i] / b.EffectiveSampleSize);
            Assert.True(Math.Abs(a.Mean()[i] - b.Mean()[i]) < 4 * error, $"θ{i}: {a.Mean()[i]} from the prior, {b.Mean()[i]} from the emulator (±{error})");
        }
        // The start is part of the run's identity: a prior-started folder does not resume as an emulator-started one.
        Assert.Throws<ArgumentException>(() => DesignPipeline.Run(new DesignJob(request with { StartFromEmulator = true }, Path.Combine(_root, "prior")) { ModelEmulator = emulator },
            new PorositySimulator()));
        Assert.Throws<ArgumentException>(() => (request with { StartFromEmulator = true, Mode = DesignMode.Paper }).Validated());
    }

    [Fact]
    public void TheSurrogateSimulatorIsNamedByItsWeightsNotItsPath()
    {
        var architecture = new SurrogateArchitecture("tiny", 12, [8, 8], [8], 3, ConvolutionPadding.Same);
        using (var a = new SurrogateModel(new DiffusivityNetwork(architecture, seed: 7), 24)) a.Save(Path.Combine(_root, "a"));
        using (var b = new SurrogateModel(new DiffusivityNetwork(architecture, seed: 8), 24)) b.Save(Path.Combine(_root, "b"));
        Directory.CreateDirectory(Path.Combine(_root, "copy"));
        foreach (var file in Directory.GetFiles(Path.Combine(_root, "a")))
            File.Copy(file, Path.Combine(_root, "copy", Path.GetFileName(file)));
        using var loadedA = SurrogateModel.Load(Path.Combine(_root, "a"));
        using var loadedB = SurrogateModel.Load(Path.Combine(_root, "b"));
        using var copied = SurrogateModel.Load(Path.Combine(_root, "copy"));
        string Name(SurrogateModel m) => new SurrogateSimulator(m).Name;
        Assert.Equal(Name(loadedA), Name(copied));
        Assert.NotEqual(Name(loadedA), Name(loadedB));
        Assert.Matches("^surrogate N = 24, weights sha256:[0-9a-f]{16}$", Name(loadedA));
    }

    [Fact]
    public void ASecondRunOnALockedFolderIsRefusedNamingTheHolder()
    {
        string dir = Path.Combine(_root, "locked");
        using (FolderLock.Acquire(dir, "design run"))
        {
            var error = Assert.Throws<IOException>(() => FolderLock.Acquire(dir, "design run"));
            Assert.Contains($"process {Environment.ProcessId}", error.Message);
            var request = new DesignRequest(new DiffusivityTarget(0.3, 0.3, null), PopulationSize: 16, FinalTolerance: 0.5);
            Assert.Throws<IOException>(() => DesignPipeline.Run(new DesignJob(request, dir), new SolverSimulator(16)));
        }
        // Released when its holder ends.
        using (FolderLock.Acquire(dir, "design run")) { }
    }

    [Fact]
    public void FingerprintsTellApartTargetsAndPorosityRangesThatPrintAlike()
    {
        var a = new DesignRequest(new DiffusivityTarget(0.4, 0.5, 0.6), PorosityMin: 0.5);
        var b = a with { Target = new DiffusivityTarget(0.40001, 0.5, 0.6) };
        var c = a with { PorosityMin = 0.5000001 };
        Assert.Equal(a.Target.ToString(), b.Target.ToString());
        Assert.NotEqual(a.Fingerprint("s"), b.Fingerprint("s"));
        Assert.NotEqual(a.Fingerprint("s"), c.Fingerprint("s"));
        Assert.NotEqual(a.Fingerprint("s"), a.Fingerprint("t"));
        Assert.Equal(a.Fingerprint("s"), (a with { Target = DiffusivityTarget.Parse(a.Target.RoundTrip()) }).Fingerprint("s"));
    }

    [Fact]
    public void ValidationAndUpscalingUseTheSolverOnFreshSeeds()
    {
        var theta = new SpinodoidParameters(0.1, 0.15, 0.2, 0.6);
        var validation = DesignValidation.Validate(theta, 3, 16, firstSeed: 5);
        Assert.Equal([5UL, 6UL, 7UL], validation.Samples.Select(s => s.Seed));
        Assert.Equal(Discretization.Subvoxel, validation.Discretization);
        Assert.Equal(DesignValidation.CheckTolerance, validation.SolverTolerance);
        // Structures are solved side by side; each η is bit for bit the one solved alone, in seed order.
        for (int k = 0; k < 3; k++)
        {
            var direct = DiffusivitySolver.SolveAll(SpinodoidGenerator.GenerateContinuous(theta, 5 + (ulong)k, 16), new DiffusivityOptions(Tolerance: DesignValidation.CheckTolerance));
            Assert.Equal(direct.Select(r => r.Diffusivity), validation.Samples[k].Solver);
        }
        Assert.Equal(validation.Samples.Average(s => s.Solver[2]), validation.SolverMean[2], 12);
        // Asked for, the voxel staircase: the same seeds, the binary structure's η, lower.
        var voxel = DesignValidation.Validate(theta, 3, 16, firstSeed: 5, options: new DiffusivityOptions(Discretization: Discretization.Voxel));
        Assert.Equal(Discretization.Voxel, voxel.Discretization);
        var staircase = DiffusivitySolver.SolveAll(SpinodoidGenerator.Generate(theta, 6, 16));
        Assert.Equal(staircase[1].Diffusivity, voxel.Samples[1].Solver[1], 12);
        Assert.All(Enumerable.Range(0, 3), d => Assert.True(voxel.SolverMean[d] < validation.SolverMean[d]));

        var upscaled = DesignValidation.Upscale(theta, 2, 2, 16);
        Assert.Equal(32, upscaled.Size);
        Assert.Equal(0.05, upscaled.Theta.LengthScales.X, 12);
        Assert.All(upscaled.Samples, s => Assert.All(s.Solver, v => Assert.InRange(v, 0, 1)));
    }
}
