using Spinodoid.Design;
using Spinodoid.Design.Abc;
using Spinodoid.Microstructure;
using Spinodoid.Runtime;

namespace Spinodoid.Tests.Design;

public sealed class DesignRefinementTests
{
    private static readonly double[,] Sensitivity = { { -1.5, 0.4, 0.3, 1.2 }, { 0.5, -2.0, 0.2, 1.0 }, { 0.2, 0.6, -1.0, 1.1 } };

    /// <summary>η = A θ + c + noise(seed): the noise depends on the seed only, so common seeds cancel it exactly.</summary>
    private sealed class LinearSimulator(double[] offset, double noise) : ISimulator
    {
        public string Name => "linear";
        public IReadOnlyList<double[]> Simulate(IReadOnlyList<Proposal> proposals, CancellationToken cancellation = default) =>
            proposals.Select(p => Evaluate(p.Theta, offset, noise * (new SeededRandom(p.Seed).NextDouble() - 0.5))).ToArray();
    }

    private static double[] Evaluate(double[] theta, double[] offset, double noise) =>
        Enumerable.Range(0, 3).Select(d => offset[d] + noise + Enumerable.Range(0, 4).Sum(k => Sensitivity[d, k] * theta[k])).ToArray();

    private sealed class BoxPrior(double lo, double hi) : IPrior
    {
        public IReadOnlyList<string> ParameterNames => SpinodoidParameters.Names;
        public double[] Sample(SeededRandom random) => Enumerable.Range(0, 4).Select(_ => lo + (hi - lo) * random.NextDouble()).ToArray();
        public double Density(ReadOnlySpan<double> theta)
        {
            foreach (var v in theta) if (v < lo || v > hi) return 0;
            return 1;
        }
    }

    /// <summary>The same box, with its bounds declared (θ_i ≤ hi, −θ_i ≤ −lo).</summary>
    private sealed class PolytopeBoxPrior(double lo, double hi) : IPrior, IPolytopeSupport
    {
        private readonly BoxPrior _box = new(lo, hi);
        public IReadOnlyList<string> ParameterNames => _box.ParameterNames;
        public double[] Sample(SeededRandom random) => _box.Sample(random);
        public double Density(ReadOnlySpan<double> theta) => _box.Density(theta);
        public IReadOnlyList<LinearBound> Bounds => Enumerable.Range(0, 4).SelectMany(i => new[]
        {
            new LinearBound(Enumerable.Range(0, 4).Select(k => k == i ? 1.0 : 0).ToArray(), hi),
            new LinearBound(Enumerable.Range(0, 4).Select(k => k == i ? -1.0 : 0).ToArray(), -lo),
        }).ToArray();
    }

    private static readonly double[,] PosteriorCovariance =
        { { 4e-4, 3e-4, 2e-4, 0 }, { 3e-4, 9e-4, 4e-4, 1e-5 }, { 2e-4, 4e-4, 1.6e-3, 0 }, { 0, 1e-5, 0, 1e-4 } };

    /// <summary>A Gaussian population with mean θ₀ and (approximately) <see cref="PosteriorCovariance"/>.</summary>
    private static Population GaussianPopulation(double[] mean, int count = 400)
    {
        var random = new SeededRandom(5);
        // Lower Cholesky factor of the covariance above.
        var c = PosteriorCovariance;
        var l = new double[4, 4];
        for (int i = 0; i < 4; i++)
        for (int j = 0; j <= i; j++)
        {
            double s = c[i, j];
            for (int k = 0; k < j; k++) s -= l[i, k] * l[j, k];
            l[i, j] = i == j ? Math.Sqrt(s) : s / l[j, j];
        }
        var particles = Enumerable.Range(0, count).Select(_ =>
        {
            var z = Enumerable.Range(0, 4).Select(_ => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())).ToArray();
            var theta = Enumerable.Range(0, 4).Select(i => mean[i] + Enumerable.Range(0, i + 1).Sum(k => l[i, k] * z[k])).ToArray();
            return new Particle(theta, 1.0 / count, 0, [0, 0, 0], 0);
        }).ToArray();
        return new Population(3, 0.01, particles, count, 0);
    }

    [Fact]
    public void TheJacobianWithCommonSeedsIsExactForALinearSimulatorWithSeedNoise()
    {
        var simulator = new LinearSimulator([0.1, 0.2, 0.3], noise: 0.05);
        var jacobian = DesignRefinement.Jacobian(simulator, [0.1, 0.12, 0.15, 0.6], [0.01, 0.02, 0.005, 0.01], seeds: 7, firstSeed: 11);
        for (int d = 0; d < 3; d++)
        for (int k = 0; k < 4; k++)
            Assert.Equal(Sensitivity[d, k], jacobian[d, k], 9);
    }

    [Fact]
    public void TheKalmanStepSolvesTheTargetedRowsWithTheSmallestPosteriorNorm()
    {
        double?[] residual = [0.01, null, -0.02];
        var step = DesignRefinement.KalmanStep(Sensitivity, PosteriorCovariance, residual)!;
        foreach (int d in new[] { 0, 2 })
            Assert.Equal(residual[d]!.Value, Enumerable.Range(0, 4).Sum(k => Sensitivity[d, k] * step[k]), 12);
        // Any other solution (step + n with rows 0 and 2 of J n = 0) is longer in the Σ⁻¹ norm: the step is Σ Jᵀ y,
        // so Δᵀ Σ⁻¹ n = yᵀ J n = 0 and ‖Δ + n‖² = ‖Δ‖² + ‖n‖².
        var inverse = Invert(PosteriorCovariance);
        double Norm(double[] v) => Enumerable.Range(0, 4).Sum(i => Enumerable.Range(0, 4).Sum(j => v[i] * inverse[i, j] * v[j]));
        var random = new SeededRandom(3);
        for (int trial = 0; trial < 20; trial++)
        {
            var n = NullVector(random);
            var other = step.Select((v, i) => v + 1e-3 * n[i]).ToArray();
            Assert.True(Norm(other) > Norm(step), $"trial {trial}");
        }
        // The y direction was free: it is not held at its current value.
        Assert.NotEqual(0, Enumerable.Range(0, 4).Sum(k => Sensitivity[1, k] * step[k]), 6);
    }

    [Fact]
    public void ASingularJacobianGivesNoStep() =>
        Assert.Null(DesignRefinement.KalmanStep(new double[3, 4], PosteriorCovariance, [0.01, 0.02, 0.03]));

    [Fact]
    public void RefinementRemovesAConstantSurrogateErrorInOneRound()
    {
        // The surrogate is linear; the "solver" is the surrogate minus a constant bias (the CNN's systematic error) plus
        // seed noise. The posterior is centred where the surrogate hits the target, so the solver misses it by the bias.
        double[] offset = [0.1, 0.2, 0.3], bias = [0.004, -0.01, 0.008];
        var theta0 = new[] { 0.1, 0.12, 0.15, 0.6 };
        var surrogateAt0 = Evaluate(theta0, offset, 0);
        var target = new DiffusivityTarget(surrogateAt0[0], surrogateAt0[1], surrogateAt0[2]);
        var surrogate = new LinearSimulator(offset, noise: 0.02);
        ValidationSummary Validate(SpinodoidParameters theta, int round) => new(theta, 16, Enumerable.Range(0, 50).Select(k =>
        {
            ulong seed = 1000 * (ulong)(round + 1) + (ulong)k;
            var eta = Evaluate(theta.ToVector(), offset, 0.002 * (new SeededRandom(seed).NextDouble() - 0.5));
            return new ValidationSample(seed, eta.Select((v, d) => v - bias[d]).ToArray(), eta);
        }).ToArray());

        var result = DesignRefinement.Refine(target, GaussianPopulation(theta0), new BoxPrior(0.01, 0.99), surrogate, Validate,
            new RefinementSettings(Rounds: 3, Tolerance: 0.002));
        Assert.True(result.Rounds[0].WorstError(target) > 0.01, "the bias should put round 0 off target");
        Assert.Equal(2, result.Rounds.Count);
        Assert.Equal(1, result.Best.Round);
        // Validation noise has half-width 0.001 (mean of 50 → ~1e-4); the linear step is exact otherwise.
        Assert.True(result.Best.WorstError(target) < 0.002, $"worst error {result.Best.WorstError(target)}");
        Assert.Contains("within", result.StopReason);
    }

    /// <summary>η̄ = A θ + c with no scatter, counting the θ it is asked for.</summary>
    private sealed class LinearEmulator(double[] offset) : Spinodoid.Surrogate.IDiffusivityEmulator
    {
        public int Evaluations { get; private set; }
        public (double[] Mean, double[,] Covariance)[] Predict(IReadOnlyList<double[]> thetas)
        {
            Evaluations += thetas.Count;
            return thetas.Select(t => (Evaluate(t, offset, 0), new double[3, 3])).ToArray();
        }
    }

    [Fact]
    public void AnEmulatorDesignTakesItsJacobianFromTheEmulatorMeanOnePointEach()
    {
        double[] offset = [0.1, 0.2, 0.3], bias = [0.004, -0.01, 0.008];
        var theta0 = new[] { 0.1, 0.12, 0.15, 0.6 };
        var at0 = Evaluate(theta0, offset, 0);
        var target = new DiffusivityTarget(at0[0], at0[1], at0[2]);
        var emulator = new LinearEmulator(offset);
        ValidationSummary Validate(SpinodoidParameters theta, int round) => new(theta, 16, Enumerable.Range(0, 20).Select(k =>
        {
            var eta = Evaluate(theta.ToVector(), offset, 0);
            return new ValidationSample((ulong)(1000 * round + k), eta.Select((v, d) => v - bias[d]).ToArray(), null);
        }).ToArray());

        var result = DesignRefinement.Refine(target, GaussianPopulation(theta0), new BoxPrior(0.01, 0.99), new EmulatorMeanSimulator(emulator), Validate,
            new RefinementSettings(Rounds: 2, Tolerance: 1e-6, ProjectionSteps: 0));
        // Deterministic: one evaluation per finite-difference point (not JacobianSeeds of them), and the exact slope.
        Assert.Equal(8, emulator.Evaluations);
        Assert.Equal("emulator mean", result.JacobianSource);
        for (int d = 0; d < 3; d++)
        for (int k = 0; k < 4; k++)
            Assert.Equal(Sensitivity[d, k], result.Jacobian![d, k], 9);
        Assert.Equal(1, result.Best.Round);
        Assert.True(result.Best.WorstError(target) < 1e-6, $"worst error {result.Best.WorstError(target)}");
        // The step keeps the mean length scale: the posterior is widest along it, and η̄ may not be bought there.
        Assert.Equal(MeanLengthScale(result.Rounds[0].Theta.ToVector()), MeanLengthScale(result.Best.Theta.ToVector()), 12);
    }

    private static double MeanLengthScale(double[] theta) => (theta[0] + theta[1] + theta[2]) / 3;

    [Fact]
    public void AnEmulatorDesignIsFirstMovedOntoTheTargetWithoutAnySolverRun()
    {
        // The posterior mean is off the target (the mean of a curved posterior); the solver agrees with the emulator.
        double[] offset = [0.1, 0.2, 0.3];
        var theta0 = new[] { 0.1, 0.12, 0.15, 0.6 };
        var at0 = Evaluate(theta0, offset, 0);
        var target = new DiffusivityTarget(at0[0] + 0.01, at0[1] - 0.02, at0[2] + 0.015);
        var emulator = new LinearEmulator(offset);
        int validations = 0;
        ValidationSummary Validate(SpinodoidParameters theta, int round)
        {
            validations++;
            return new(theta, 16, [new ValidationSample(1, Evaluate(theta.ToVector(), offset, 0), null)]);
        }

        var result = DesignRefinement.Refine(target, GaussianPopulation(theta0), new BoxPrior(0.01, 0.99), new EmulatorMeanSimulator(emulator), Validate,
            new RefinementSettings(Rounds: 2, Tolerance: 1e-6));
        Assert.Equal(1, validations);
        var projection = result.Projection!;
        Assert.Equal(1, projection.Steps);
        Assert.True(result.Rounds[0].WorstError(target) < 1e-7, $"worst error {result.Rounds[0].WorstError(target)}");
        Assert.Equal(MeanLengthScale(projection.PosteriorMean), MeanLengthScale(result.Rounds[0].Theta.ToVector()), 12);
        Assert.True(result.MovedFromPosteriorMean);
        Assert.Null(result.JacobianSource);
    }

    [Fact]
    public void ACorrectionThatLeavesThePriorIsShortenedToStayInside()
    {
        double[] offset = [0.1, 0.2, 0.3];
        var theta0 = new[] { 0.1, 0.12, 0.15, 0.6 };
        var prior = new BoxPrior(0.05, 0.7);
        var surrogateAt0 = Evaluate(theta0, offset, 0);
        // A solver 0.2 below the surrogate everywhere: the full step would need θ far outside [0.05, 0.7].
        ValidationSummary Validate(SpinodoidParameters theta, int round) =>
            new(theta, 16, [new ValidationSample(1, Evaluate(theta.ToVector(), offset, 0).Select(v => v - 0.2).ToArray(), null)]);
        var result = DesignRefinement.Refine(new DiffusivityTarget(surrogateAt0[0], surrogateAt0[1], surrogateAt0[2]), GaussianPopulation(theta0), prior,
            new LinearSimulator(offset, 0), Validate, new RefinementSettings(Rounds: 1));
        Assert.Equal(2, result.Rounds.Count);
        Assert.InRange(result.Rounds[1].StepScale, Math.Pow(2, -10), 0.5);
        Assert.True(prior.Density(result.Rounds[1].Theta.ToVector()) > 0);
        Assert.Contains("support", result.StopReason);
        Assert.True(result.Rounds[1].WorstError(result.Target) < result.Rounds[0].WorstError(result.Target));
    }

    [Fact]
    public void ABoundedStepSlidesAlongTheBoundaryAndStillHitsTheTargets()
    {
        var theta = new[] { 0.1, 0.12, 0.15, 0.6 };
        double?[] residual = [-0.05, 0.02, 0.03];
        var free = DesignRefinement.KalmanStep(Sensitivity, PosteriorCovariance, residual)!;
        // A bound that the free step crosses: θ_0 + θ_1 ≤ current + half of the free step's change.
        var bound = new LinearBound([1, 1, 0, 0], theta[0] + theta[1] + 0.5 * (free[0] + free[1]));
        Assert.True(free[0] + free[1] > 0, "the test needs a step that crosses the bound");
        var step = DesignRefinement.BoundedKalmanStep(Sensitivity, PosteriorCovariance, residual, theta,
            [bound, new LinearBound([0, 0, 0, 1], 0.99)], out int active)!;
        Assert.Equal(1, active);
        for (int d = 0; d < 3; d++)
            Assert.Equal(residual[d]!.Value, Enumerable.Range(0, 4).Sum(k => Sensitivity[d, k] * step[k]), 6);
        Assert.Equal(bound.Bound, theta[0] + step[0] + theta[1] + step[1], 6);
        Assert.True(theta[0] + step[0] + theta[1] + step[1] <= bound.Bound);
    }

    [Fact]
    public void WhenTheBoundsLeaveTooFewParametersTheTargetsAreMetInTheLeastSquaresSense()
    {
        var theta = new[] { 0.1, 0.12, 0.15, 0.6 };
        double?[] residual = [-0.05, 0.02, 0.03];
        double[] weights = [1 / 0.3, 1 / 0.4, 1 / 0.5];
        var free = DesignRefinement.KalmanStep(Sensitivity, PosteriorCovariance, residual)!;
        // Two bounds, each crossed by the free step: with three targets that is five conditions on four parameters.
        var bounds = new[] { 0, 2 }.Select(i =>
        {
            var normal = new double[4];
            normal[i] = Math.Sign(free[i]);
            return new LinearBound(normal, normal[i] * (theta[i] + 0.5 * free[i]));
        }).ToArray();
        var step = DesignRefinement.BoundedKalmanStep(Sensitivity, PosteriorCovariance, residual, theta, bounds, out int active, weights)!;
        Assert.Equal(2, active);
        foreach (var b in bounds) Assert.Equal(b.Bound, b.Normal.Zip(theta, (n, t) => n * t).Sum() + b.Normal.Zip(step, (n, t) => n * t).Sum(), 6);
        // Optimality: the weighted residual is orthogonal to J v for every move v along the bounds (v_0 = v_2 = 0).
        var misfit = Enumerable.Range(0, 3).Select(d => weights[d] * weights[d] * (Enumerable.Range(0, 4).Sum(k => Sensitivity[d, k] * step[k]) - residual[d]!.Value)).ToArray();
        // (up to the tiny Σ⁻¹ regularisation: relative 1e-4)
        double scale = Math.Sqrt(misfit.Sum(m => m * m));
        foreach (int k in new[] { 1, 3 })
            Assert.True(Math.Abs(Enumerable.Range(0, 3).Sum(d => Sensitivity[d, k] * misfit[d])) < 1e-4 * scale, $"component {k}");
        Assert.True(misfit.Any(m => Math.Abs(m) > 1e-4), "five conditions cannot all hold exactly");
    }

    [Fact]
    public void AFreeDirectionDoesNotInfluenceTheBoundedStep()
    {
        var theta = new[] { 0.1, 0.12, 0.15, 0.6 };
        double?[] residual = [-0.05, null, 0.03];
        var free = DesignRefinement.KalmanStep(Sensitivity, PosteriorCovariance, residual)!;
        var bounds = Enumerable.Range(0, 3).Select(i =>
        {
            var normal = new double[4];
            normal[i] = Math.Sign(free[i]);
            return new LinearBound(normal, normal[i] * (theta[i] + 0.3 * free[i]));
        }).ToArray();
        var step = DesignRefinement.BoundedKalmanStep(Sensitivity, PosteriorCovariance, residual, theta, bounds, out _, [2, 1, 3])!;
        // Another Jacobian row and weight for the free direction y: the same step.
        var other = (double[,])Sensitivity.Clone();
        for (int k = 0; k < 4; k++) other[1, k] = 10 * k - 7;
        var again = DesignRefinement.BoundedKalmanStep(other, PosteriorCovariance, residual, theta, bounds, out _, [2, 1000, 3])!;
        for (int i = 0; i < 4; i++) Assert.Equal(step[i], again[i], 12);
        foreach (var b in bounds) Assert.True(b.Normal.Zip(theta, (n, t) => n * t).Sum() + b.Normal.Zip(step, (n, t) => n * t).Sum() <= b.Bound + 1e-12);
    }

    [Fact]
    public void NearTheEdgeOfThePriorTheJacobianIsOneSidedAndStaysInside()
    {
        double[] offset = [0.1, 0.2, 0.3];
        var theta0 = new[] { 0.1, 0.12, 0.15, 0.6 };
        var prior = new BoxPrior(0.095, 0.9);
        var simulated = new List<double[]>();
        var recording = new RecordingSimulator(new LinearSimulator(offset, 0.05), simulated);
        ValidationSummary Validate(SpinodoidParameters theta, int round) =>
            new(theta, 16, [new ValidationSample(1, Evaluate(theta.ToVector(), offset, 0).Select(v => v - 0.01).ToArray(), null)]);
        var target = new DiffusivityTarget(0.3, 0.3, 0.3);
        var result = DesignRefinement.Refine(target, GaussianPopulation(theta0), prior, recording, Validate, new RefinementSettings(Rounds: 1, JacobianSeeds: 4));
        Assert.NotNull(result.Jacobian);
        Assert.All(simulated, t => Assert.True(prior.Density(t) > 0, $"θ = {string.Join(",", t)} is outside the prior"));
        for (int d = 0; d < 3; d++)
        for (int k = 0; k < 4; k++)
            Assert.Equal(Sensitivity[d, k], result.Jacobian![d, k], 9);
    }

    [Fact]
    public void ARoundThatIsWorseEndsTheRefinementAndTheBestIsKept()
    {
        var theta0 = new[] { 0.1, 0.12, 0.15, 0.6 };
        var result = DesignRefinement.Refine(new DiffusivityTarget(0.5, 0.5, 0.5), GaussianPopulation(theta0), new BoxPrior(0.01, 0.99),
            new LinearSimulator([0, 0, 0], 0), (theta, round) =>
                new ValidationSummary(theta, 16, [new ValidationSample(1, round == 0 ? [0.51, 0.5, 0.5] : [0.5, 0.52, 0.5], null)]),
            new RefinementSettings(Rounds: 5));
        Assert.Equal(2, result.Rounds.Count);
        Assert.Equal(0, result.Best.Round);
        Assert.Contains("did not improve", result.StopReason);
    }

    private sealed class RecordingSimulator(ISimulator inner, List<double[]> record) : ISimulator
    {
        public string Name => inner.Name;
        public IReadOnlyList<double[]> Simulate(IReadOnlyList<Proposal> proposals, CancellationToken cancellation = default)
        {
            record.AddRange(proposals.Select(p => p.Theta));
            return inner.Simulate(proposals, cancellation);
        }
    }

    [Fact]
    public void TheSpinodoidPriorsBoundsDescribeItsSupport()
    {
        var prior = new SpinodoidDesignPrior(SpinodoidPrior.Paper, 0.4, 0.8);
        var random = new SeededRandom(9);
        int inside = 0;
        for (int trial = 0; trial < 20000; trial++)
        {
            double[] theta = [0.3 * random.NextDouble(), 0.3 * random.NextDouble(), 0.3 * random.NextDouble(), random.NextDouble()];
            bool bounded = prior.Bounds.All(b => b.Normal.Zip(theta).Sum(p => p.First * p.Second) <= b.Bound);
            Assert.Equal(prior.Density(theta) > 0, bounded);
            if (bounded) inside++;
        }
        Assert.InRange(inside, 100, 19900);
    }

    [Fact]
    public void RefinementAtTheEdgeOfAPolytopePriorSlidesAlongIt()
    {
        double[] offset = [0.1, 0.2, 0.3];
        var theta0 = new[] { 0.1, 0.12, 0.15, 0.6 };
        var surrogateAt0 = Evaluate(theta0, offset, 0);
        // The solver is 0.02 below the surrogate; the free correction lowers a_x by about 0.016, past the box's lower bound 0.09.
        ValidationSummary Validate(SpinodoidParameters theta, int round) =>
            new(theta, 16, [new ValidationSample(1, Evaluate(theta.ToVector(), offset, 0).Select(v => v - 0.02).ToArray(), null)]);
        var target = new DiffusivityTarget(surrogateAt0[0], surrogateAt0[1], surrogateAt0[2]);
        var free = DesignRefinement.KalmanStep(Sensitivity, PosteriorCovariance, [0.02, 0.02, 0.02])!;
        Assert.True(theta0[0] + free[0] < 0.09, $"the test needs a free step past the bound: {string.Join(",", free)}");
        var result = DesignRefinement.Refine(target, GaussianPopulation(theta0), new PolytopeBoxPrior(0.09, 0.9), new LinearSimulator(offset, 0),
            Validate, new RefinementSettings(Rounds: 1, Tolerance: 1e-6));
        var round = result.Rounds[1];
        Assert.Equal(1.0, round.StepScale);
        Assert.Equal(1, round.ActiveBounds);
        Assert.InRange(round.Theta.LengthScales.X, 0.09, 0.0901);
        // The linear model is exact, so sliding along the bound still removes the whole bias.
        Assert.True(round.WorstError(target) < 1e-6, $"worst error {round.WorstError(target)}");
    }

    /// <summary>η_d = ε^1.5 · √(a_d / m) / 2, m the mean length scale: η_z / η_x = √(a_z / a_x), at most √3 inside the paper's prior.</summary>
    private sealed class RatioSimulator : ISimulator
    {
        public string Name => "ratio";
        public IReadOnlyList<double[]> Simulate(IReadOnlyList<Proposal> proposals, CancellationToken cancellation = default) =>
            proposals.Select(p => RatioEta(p.Theta)).ToArray();
    }

    private static double[] RatioEta(double[] theta)
    {
        double m = (theta[0] + theta[1] + theta[2]) / 3;
        return Enumerable.Range(0, 3).Select(d => Math.Pow(theta[3], 1.5) * Math.Sqrt(theta[d] / m) / 2).ToArray();
    }

    [Fact]
    public void ATargetThatNeedsMoreAnisotropyThanThePriorIsMetOnlyWhereTheRefinementMayGoBeyondIt()
    {
        // The target is the η of β = a_z / a_x = 3.5: inside β ≤ 3, η_z / η_x falls at least 7 % short of it.
        double[] wanted = [0.06, 0.09, 0.21, 0.6];
        var eta = RatioEta(wanted);
        var target = new DiffusivityTarget(eta[0], eta[1], eta[2]);
        var request = new DesignRequest(target, PorosityMin: 0.5, PorosityMax: 0.7);
        double[] theta0 = [0.07, 0.10, 0.20, 0.6];
        ValidationSummary Validate(SpinodoidParameters theta, int round) =>
            new(theta, 16, [new ValidationSample(1, RatioEta(theta.ToVector()), null)]);

        var inside = DesignRefinement.Refine(target, GaussianPopulation(theta0), request.RefinementPrior(null), new RatioSimulator(), Validate,
            new RefinementSettings(Rounds: 4));
        Assert.True(inside.Best.WorstError(target) > 0.03, $"inside the prior: worst error {inside.Best.WorstError(target)}");
        Assert.True(inside.Best.Theta.LengthScales.Anisotropy <= 3 + 1e-9);
        Assert.Null(inside.BeyondPaperPriorNote);

        var beyond = DesignRefinement.Refine(target, GaussianPopulation(theta0), request.RefinementPrior(4), new RatioSimulator(), Validate,
            new RefinementSettings(Rounds: 4, AnisotropyMax: 4));
        Assert.Equal(4, beyond.AnisotropyMax);
        Assert.True(beyond.Best.WorstError(target) <= 0.01, $"beyond the prior: worst error {beyond.Best.WorstError(target)}");
        Assert.InRange(beyond.Best.Theta.LengthScales.Anisotropy, 3.0, 4.0);
        Assert.InRange(beyond.Best.Theta.Porosity, 0.5, 0.7);
        Assert.Contains("beyond the paper's prior", beyond.BeyondPaperPriorNote);

        Assert.Throws<ArgumentException>(() => new RefinementSettings(AnisotropyMax: 2.5).Validated());
        Assert.Throws<ArgumentException>(() => new RefinementSettings(AnisotropyMax: 11).Validated());
        Assert.Equal(4, request.RefinementPrior(4).Prior.BetaMax);
        Assert.Equal(0.5, request.RefinementPrior(4).Prior.PorosityMin);
    }

    [Fact]
    public void NoRoundsMeansValidationOnly()
    {
        var theta0 = new[] { 0.1, 0.12, 0.15, 0.6 };
        int calls = 0;
        var result = DesignRefinement.Refine(new DiffusivityTarget(0.5, 0.5, 0.5), GaussianPopulation(theta0), new BoxPrior(0.01, 0.99),
            new LinearSimulator([0, 0, 0], 0), (theta, round) =>
            {
                calls++;
                return new ValidationSummary(theta, 16, [new ValidationSample(1, [0.4, 0.4, 0.4], null)]);
            }, new RefinementSettings(Rounds: 0));
        Assert.Equal(1, calls);
        Assert.Single(result.Rounds);
        Assert.Null(result.Jacobian);
        Assert.Throws<ArgumentException>(() => new RefinementSettings(Rounds: -1).Validated());
        Assert.Throws<ArgumentException>(() => new RefinementSettings(Tolerance: 0).Validated());
    }

    /// <summary>A random n with rows 0 and 2 of J n = 0 (projection onto their null space).</summary>
    private static double[] NullVector(SeededRandom random)
    {
        var v = Enumerable.Range(0, 4).Select(_ => random.NextDouble() - 0.5).ToArray();
        // Gram–Schmidt against rows 0 and 2 of J.
        var rows = new List<double[]>();
        foreach (int d in new[] { 0, 2 })
        {
            var r = Enumerable.Range(0, 4).Select(k => Sensitivity[d, k]).ToArray();
            foreach (var q in rows) { double dot = r.Zip(q).Sum(p => p.First * p.Second); r = r.Select((x, i) => x - dot * q[i]).ToArray(); }
            double len = Math.Sqrt(r.Sum(x => x * x));
            rows.Add(r.Select(x => x / len).ToArray());
        }
        foreach (var q in rows) { double dot = v.Zip(q).Sum(p => p.First * p.Second); v = v.Select((x, i) => x - dot * q[i]).ToArray(); }
        return v;
    }

    private static double[,] Invert(double[,] m)
    {
        int n = m.GetLength(0);
        var a = new double[n, 2 * n];
        for (int i = 0; i < n; i++) { for (int j = 0; j < n; j++) a[i, j] = m[i, j]; a[i, n + i] = 1; }
        for (int c = 0; c < n; c++)
        {
            double p = a[c, c];
            for (int j = 0; j < 2 * n; j++) a[c, j] /= p;
            for (int r = 0; r < n; r++)
                if (r != c) { double f = a[r, c]; for (int j = 0; j < 2 * n; j++) a[r, j] -= f * a[c, j]; }
        }
        var inverse = new double[n, n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) inverse[i, j] = a[i, n + j];
        return inverse;
    }
}
