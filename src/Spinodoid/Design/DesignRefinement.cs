using System.Globalization;
using Spinodoid.Microstructure;
using Spinodoid.Runtime;
using Spinodoid.Design.Abc;

namespace Spinodoid.Design;

/// <summary>
/// Calibrates a surrogate-based design against the solver (not in the paper). The CNN carries a small systematic error
/// that varies over θ (about 2 % at some designs), so the posterior mean of an ABC run on the CNN can miss the target by
/// that much when the solver checks it. Refinement validates θ with the solver, then moves θ by the linear-Gaussian
/// (Kalman) update of the posterior mean, Δθ = Σ Jᵀ (J Σ Jᵀ)⁻¹ (η* − η̄_solver), with Σ the ABC posterior covariance and
/// J the surrogate's Jacobian of the mean η (central differences with common seeds; of η̄ itself for an emulator), and
/// validates again.
/// Where the CNN error is locally constant and η locally linear in θ, this is the posterior mean ABC would find with the solver itself.
/// </summary>
public static class DesignRefinement
{
    /// <summary>
    /// Runs the refinement from the posterior mean. <paramref name="validate"/> gives solver (and CNN) η at θ for a round
    /// (the caller picks count, size and progress; <see cref="RefinementSettings.ValidationSeed"/> gives each round's
    /// seeds). Without a <paramref name="surrogate"/> only round 0 runs.
    /// </summary>
    public static RefinementResult Refine(DiffusivityTarget target, Population posterior, IPrior prior, ISimulator? surrogate,
        Func<SpinodoidParameters, int, ValidationSummary> validate, RefinementSettings? settings = null,
        IStageReporter? stages = null, CancellationToken cancellation = default)
    {
        settings = (settings ?? new RefinementSettings()).Validated();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var theta = posterior.Mean();
        var covariance = posterior.Covariance();
        var bounds = (prior as IPolytopeSupport)?.Bounds;
        // An emulator's mean is deterministic and costs nothing: its finite differences need one point each, its
        // Jacobian is retaken wherever θ moves, and the posterior mean is first moved onto the set where the emulator
        // predicts the target. The mean of a curved posterior is not such a point: it can miss the target by several
        // percent before any solver runs.
        bool deterministic = surrogate is EmulatorMeanSimulator;
        EmulatorProjection? projection = deterministic && settings.ProjectionSteps > 0
            ? (stages ?? IStageReporter.Silent).Run("emulator projection onto the target", settings.ProjectionSteps,
                progress => Project(surrogate!, target, theta, covariance, prior, bounds, settings, progress, cancellation))
            : null;
        var start = projection?.Theta ?? theta;
        var startTheta = SpinodoidParameters.FromVector(start);
        var rounds = new List<RefinementRound>
        {
            new(0, startTheta, validate(startTheta, 0), projection is null ? null : start.Select((v, i) => v - theta[i]).ToArray()),
        };
        double[,]? jacobian = null;
        RefinementResult Done(string reason) => new(target, rounds, jacobian, reason)
            { Seconds = clock.Elapsed.TotalSeconds, JacobianSource = jacobian is null ? null : surrogate?.Name, Projection = projection, AnisotropyMax = settings.AnisotropyMax };
        while (true)
        {
            var last = rounds[^1];
            double worst = last.WorstError(target);
            if (worst <= settings.Tolerance)
                return Done(string.Create(CultureInfo.InvariantCulture, $"round {last.Round} is within {100 * settings.Tolerance:0.##} % of the target in every direction"));
            if (rounds.Count > 1 && worst >= rounds[^2].WorstError(target))
                return Done($"round {last.Round} did not improve on round {last.Round - 1}; the best round is kept");
            if (last.Round >= settings.Rounds)
                return Done(settings.Rounds == 0 ? "validation only (no refinement rounds)" : $"used all {settings.Rounds} refinement rounds" + SupportNote(rounds));
            cancellation.ThrowIfCancellationRequested();
            if (surrogate is null)
                return Done("no surrogate to take the Jacobian of; validation only");
            var current = last.Theta.ToVector();
            if (jacobian is null || deterministic)
            {
                var at = deterministic ? current : start;
                var (below, above) = FiniteDifferenceOffsets(at, covariance, prior, settings.StepFraction);
                int seeds = deterministic ? 1 : settings.JacobianSeeds;
                string what = deterministic ? $"{surrogate.Name} Jacobian ({2 * at.Length} points)" : $"surrogate Jacobian ({2 * at.Length} × {seeds} structures)";
                jacobian = (stages ?? IStageReporter.Silent).Run(what, 2 * at.Length,
                    points => Jacobian(surrogate, at, below, above, seeds, settings.FirstSeed, points, cancellation));
            }
            var mean = last.Validation.SolverMean;
            var residual = target.Components.Select((t, d) => t is double v ? v - mean[d] : (double?)null).ToArray();
            var correction = Correct(jacobian, covariance, residual, current, prior, bounds, target,
                holdScale: deterministic && projection is not { MeanLengthScaleFreed: true });
            if (correction.Failure is { } failure) return Done(failure);
            var next = correction.Theta!;
            var nextTheta = SpinodoidParameters.FromVector(next);
            rounds.Add(new(last.Round + 1, nextTheta, validate(nextTheta, last.Round + 1), next.Select((v, i) => v - current[i]).ToArray(),
                correction.Scale, correction.ActiveBounds));
        }
    }

    /// <summary>
    /// One correction Δθ towards the residual: the Kalman step, held on the support's bounds where it would leave them
    /// (<see cref="BoundedKalmanStep"/>), shortened if still outside. A failure says why no step can be taken.
    /// </summary>
    private static (double[]? Theta, double Scale, int ActiveBounds, string? Failure) Correct(double[,] jacobian, double[,] covariance,
        double?[] residual, double[] current, IPrior prior, IReadOnlyList<LinearBound>? bounds, DiffusivityTarget target, bool holdScale = false)
    {
        var weights = target.Components.Select(t => t is double v ? 1 / v : 0).ToArray();
        if (holdScale) (jacobian, residual, weights) = HoldingMeanLengthScale(jacobian, residual, weights, current);
        var step = KalmanStep(jacobian, covariance, residual);
        if (step is null || step.Any(double.IsNaN))
            return (null, 0, 0, "the surrogate's η does not change with θ here (singular Jacobian); no correction possible");
        int activeBounds = 0;
        if (bounds is not null && prior.Density(current.Select((v, i) => v + step[i]).ToArray()) <= 0
            && BoundedKalmanStep(jacobian, covariance, residual, current, bounds, out activeBounds, weights) is { } bounded)
            step = bounded;
        var (next, scale) = InsideSupport(prior, current, step);
        return next is null ? (null, 0, 0, "the correction leaves the prior's support; the best round is kept") : (next, scale, activeBounds, null);
    }

    /// <summary>
    /// The system with one more targeted row: the mean length scale m = (a_x + a_y + a_z) / 3 held where it is. The
    /// posterior is widest along m, and the minimum-Σ-norm step would otherwise buy η there, where η changes only through
    /// the structure's size against the box (finite-size and resolution effects), not through its shape; m's row is
    /// weighted as a relative error, like η's.
    /// </summary>
    private static (double[,] Jacobian, double?[] Residual, double[] Weights) HoldingMeanLengthScale(double[,] jacobian, double?[] residual,
        double[] weights, double[] theta)
    {
        int outputs = jacobian.GetLength(0), dimension = jacobian.GetLength(1);
        var held = new double[outputs + 1, dimension];
        for (int d = 0; d < outputs; d++)
        for (int k = 0; k < dimension; k++)
            held[d, k] = jacobian[d, k];
        for (int k = 0; k < 3; k++) held[outputs, k] = 1.0 / 3;
        double m = (theta[0] + theta[1] + theta[2]) / 3;
        return (held, [.. residual, 0.0], [.. weights, 1 / m]);
    }

    /// <summary>
    /// Gauss–Newton on a deterministic surrogate's η̄ from <paramref name="theta"/>: Kalman steps (the least change in the
    /// posterior's metric) with the Jacobian retaken at every step, each halved until it lowers the squared relative
    /// error (the posterior is widest along the mean length scale, where η̄ is far from linear over a full step), until
    /// η̄ is within a tenth of the tolerance of the target, no step brings it closer, or
    /// <see cref="RefinementSettings.ProjectionSteps"/> are used.
    /// </summary>
    private static EmulatorProjection Project(ISimulator surrogate, DiffusivityTarget target, double[] theta, double[,] covariance, IPrior prior,
        IReadOnlyList<LinearBound>? bounds, RefinementSettings settings, IProgress<int>? progress, CancellationToken cancellation)
    {
        double[] Eta(double[] at) => surrogate.Simulate([new Proposal(at, settings.FirstSeed)], cancellation)[0];
        double Worst(double[] eta) => target.Components.Select((t, d) => t is double v ? Math.Abs(eta[d] / v - 1) : 0).Max();
        double Squared(double[] eta) => target.Components.Select((t, d) => t is double v ? Math.Pow(eta[d] / v - 1, 2) : 0).Sum();
        var current = theta;
        var eta = Eta(current);
        var startEta = eta;
        int steps = 0;
        // Shape first (m held); only where that cannot come within half the tolerance, e.g. at the porosity bound, m too.
        bool freed = false;
        foreach (bool hold in new[] { true, false })
        {
            if (!hold && Worst(eta) <= settings.Tolerance / 2) break;
            freed = !hold;
            for (int pass = 0; pass < settings.ProjectionSteps && Worst(eta) > settings.Tolerance / 10; pass++)
            {
                var (below, above) = FiniteDifferenceOffsets(current, covariance, prior, settings.StepFraction);
                var jacobian = Jacobian(surrogate, current, below, above, 1, settings.FirstSeed, cancellation: cancellation);
                var residual = target.Components.Select((t, d) => t is double v ? v - eta[d] : (double?)null).ToArray();
                var correction = Correct(jacobian, covariance, residual, current, prior, bounds, target, holdScale: hold);
                if (correction.Theta is not { } full) break;
                double[]? accepted = null, acceptedEta = null;
                for (int halving = 0; halving <= 6 && accepted is null; halving++)
                {
                    double f = Math.Pow(0.5, halving);
                    var trial = current.Select((v, i) => v + f * (full[i] - v)).ToArray();
                    var trialEta = Eta(trial);
                    if (Squared(trialEta) < Squared(eta)) (accepted, acceptedEta) = (trial, trialEta);
                }
                if (accepted is null) break;
                (current, eta) = (accepted, acceptedEta!);
                progress?.Report(++steps);
            }
        }
        return new EmulatorProjection(theta, startEta, current, eta, steps) { MeanLengthScaleFreed = freed };
    }

    private static string SupportNote(IReadOnlyList<RefinementRound> rounds)
    {
        var shortened = rounds.Where(r => r.StepScale < 1).ToList();
        if (shortened.Count > 0)
            return "; the full corrections left the prior's support, so only " +
                   string.Join(", ", shortened.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.StepScale:0.###} (round {r.Round})"))) + " of them were taken";
        return rounds.Any(r => r.ActiveBounds > 0) ? "; steps slid along the boundary of the prior's support (e.g. its largest anisotropy)" : "";
    }

    /// <summary>
    /// ∂E[η_d]/∂θ_j (3 × dimension) of a simulator by central differences θ ± h_j e_j, each point averaged over the same
    /// <paramref name="seeds"/> structure seeds (common random numbers cancel most of the structure-to-structure noise).
    /// <paramref name="progress"/> counts the 2 × dimension points done.
    /// </summary>
    public static double[,] Jacobian(ISimulator simulator, double[] theta, double[] steps, int seeds, ulong firstSeed,
        IProgress<int>? progress = null, CancellationToken cancellation = default) =>
        Jacobian(simulator, theta, steps, steps, seeds, firstSeed, progress, cancellation);

    /// <summary>
    /// The same with the points θ − <paramref name="below"/>_j e_j and θ + <paramref name="above"/>_j e_j (one of them may
    /// be 0: a one-sided difference where the other side leaves the prior).
    /// </summary>
    public static double[,] Jacobian(ISimulator simulator, double[] theta, double[] below, double[] above, int seeds, ulong firstSeed,
        IProgress<int>? progress = null, CancellationToken cancellation = default)
    {
        int dimension = theta.Length;
        var eta = new List<double[]>(2 * dimension * seeds);
        for (int j = 0; j < dimension; j++)
        for (int sign = -1; sign <= 1; sign += 2)
        {
            var point = (double[])theta.Clone();
            point[j] += sign < 0 ? -below[j] : above[j];
            eta.AddRange(simulator.Simulate(Enumerable.Range(0, seeds).Select(s => new Proposal(point, firstSeed + (ulong)s)).ToArray(), cancellation));
            progress?.Report(eta.Count / seeds);
        }
        int outputs = eta[0].Length;
        var jacobian = new double[outputs, dimension];
        for (int j = 0; j < dimension; j++)
        for (int d = 0; d < outputs; d++)
        {
            double difference = 0;
            for (int s = 0; s < seeds; s++)
                difference += eta[(2 * j + 1) * seeds + s][d] - eta[2 * j * seeds + s][d];
            jacobian[d, j] = difference / seeds / (below[j] + above[j]);
        }
        return jacobian;
    }

    /// <summary>
    /// The minimum-Σ-norm Δθ with J Δθ = r over the targeted directions (null entries of <paramref name="residual"/> are free):
    /// Δθ = Σ Jᵀ (J Σ Jᵀ)⁻¹ r. Null when J Σ Jᵀ is singular.
    /// </summary>
    public static double[]? KalmanStep(double[,] jacobian, double[,] covariance, double?[] residual)
    {
        int dimension = covariance.GetLength(0);
        var rows = TargetedRows(jacobian, residual);
        int m = rows.Count;
        if (m == 0 || m > dimension) return null;
        // G = Σ Jᵀ (dimension × m) and S = J Σ Jᵀ (m × m) over the targeted rows.
        var gain = new double[dimension, m];
        for (int i = 0; i < dimension; i++)
        for (int a = 0; a < m; a++)
        for (int k = 0; k < dimension; k++)
            gain[i, a] += covariance[i, k] * rows[a].Row[k];
        var s = new double[m, m];
        for (int a = 0; a < m; a++)
        for (int b = 0; b < m; b++)
        for (int k = 0; k < dimension; k++)
            s[a, b] += rows[a].Row[k] * gain[k, b];
        var y = DenseLinearAlgebra.Solve(s, rows.Select(c => c.Value).ToArray());
        if (y is null) return null;
        var step = new double[dimension];
        for (int i = 0; i < dimension; i++)
        for (int a = 0; a < m; a++)
            step[i] += gain[i, a] * y[a];
        return step;
    }

    /// <summary>
    /// <see cref="KalmanStep"/> kept inside a polytope support: the step minimising ‖W (J Δθ − r)‖² + λ Δθᵀ Σ⁻¹ Δθ subject
    /// to n·(θ + Δθ) ≤ b for every bound, by a primal active-set method from Δθ = 0 (θ is inside). W is diag(
    /// <paramref name="rowWeights"/>) over the targeted rows (1 / target η_d gives relative errors, as in eq. 10;
    /// default 1); λ is tiny, so where the targets can be met inside the support they are, by the smallest step in the
    /// posterior's metric (the Kalman step's choice), and θ slides along the bounds it meets; where they cannot, this is
    /// the closest the support allows. Null when a working set's system is singular.
    /// <paramref name="activeBounds"/> is how many bounds the result lies on.
    /// </summary>
    public static double[]? BoundedKalmanStep(double[,] jacobian, double[,] covariance, double?[] residual, double[] theta,
        IReadOnlyList<LinearBound> bounds, out int activeBounds, double[]? rowWeights = null)
    {
        activeBounds = 0;
        int n = theta.Length;
        var precision = DenseLinearAlgebra.Invert(covariance);
        if (precision is null) return null;
        // Objective ½ Δᵀ H Δ − gᵀ Δ.
        var h = new double[n, n];
        var g = new double[n];
        for (int d = 0; d < residual.Length; d++)
        {
            if (residual[d] is not double r) continue;
            double w2 = Math.Pow(rowWeights?[d] ?? 1, 2);
            for (int i = 0; i < n; i++)
            {
                g[i] += w2 * jacobian[d, i] * r;
                for (int j = 0; j < n; j++) h[i, j] += w2 * jacobian[d, i] * jacobian[d, j];
            }
        }
        double traceH = 0, traceP = 0;
        for (int i = 0; i < n; i++) { traceH += h[i, i]; traceP += precision[i, i]; }
        if (!(traceH > 0)) return null;
        double lambda = 1e-6 * traceH / traceP;
        for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            h[i, j] += lambda * precision[i, j];
        // Bounds on Δθ, aimed a hair inside so that the prior's density is positive on them.
        var normals = bounds.Select(b => b.Normal).ToArray();
        var limits = bounds.Select(b => Math.Max(0, b.Bound - DenseLinearAlgebra.Dot(b.Normal, theta) - 1e-9 * Math.Max(1, Math.Abs(b.Bound)) * Math.Sqrt(DenseLinearAlgebra.Dot(b.Normal, b.Normal)))).ToArray();

        var step = new double[n];
        var working = new List<int>();
        for (int iteration = 0; iteration < 100; iteration++)
        {
            // Equality-constrained subproblem on the working set: H p + Nᵀ μ = g − H Δ, N p = 0.
            int m = working.Count;
            var kkt = new double[n + m, n + m];
            var rhs = new double[n + m];
            for (int i = 0; i < n; i++)
            {
                rhs[i] = g[i];
                for (int j = 0; j < n; j++)
                {
                    kkt[i, j] = h[i, j];
                    rhs[i] -= h[i, j] * step[j];
                }
            }
            for (int a = 0; a < m; a++)
            for (int i = 0; i < n; i++)
                kkt[n + a, i] = kkt[i, n + a] = normals[working[a]][i];
            var solution = DenseLinearAlgebra.Solve(kkt, rhs);
            if (solution is null) return null;
            var p = solution[..n];
            double size = Math.Sqrt(DenseLinearAlgebra.Dot(p, p)), scale = Math.Sqrt(DenseLinearAlgebra.Dot(step, step)) + Math.Sqrt(DenseLinearAlgebra.Dot(g, g)) / Math.Max(traceH, 1e-300);
            if (size <= 1e-6 * scale)
            {
                // Stationary on the working set: done unless a bound pulls the wrong way (negative multiplier).
                int drop = -1;
                double most = -1e-12;
                for (int a = 0; a < m; a++)
                    if (solution[n + a] < most) (drop, most) = (a, solution[n + a]);
                if (drop < 0) break;
                working.RemoveAt(drop);
                continue;
            }
            // Ratio test: go along p until the first bound outside the working set.
            double alpha = 1;
            int blocking = -1;
            for (int k = 0; k < normals.Length; k++)
            {
                if (working.Contains(k)) continue;
                double rate = DenseLinearAlgebra.Dot(normals[k], p);
                if (rate <= 0) continue;
                double room = (limits[k] - DenseLinearAlgebra.Dot(normals[k], step)) / rate;
                if (room < alpha) (alpha, blocking) = (Math.Max(room, 0), k);
            }
            for (int i = 0; i < n; i++) step[i] += alpha * p[i];
            if (blocking >= 0) working.Add(blocking);
        }
        activeBounds = working.Count;
        return step;
    }

    private static List<(double[] Row, double Value)> TargetedRows(double[,] jacobian, double?[] residual) =>
        Enumerable.Range(0, residual.Length).Where(d => residual[d] is not null)
            .Select(d => (Enumerable.Range(0, jacobian.GetLength(1)).Select(k => jacobian[d, k]).ToArray(), residual[d]!.Value)).ToList();

    /// <summary>
    /// Finite-difference offsets below and above the posterior mean: a fraction of each parameter's posterior standard
    /// deviation, one-sided where a side leaves the prior (which is also the surrogate's training domain), and
    /// shortened until at least one side is inside.
    /// </summary>
    private static (double[] Below, double[] Above) FiniteDifferenceOffsets(double[] mean, double[,] covariance, IPrior prior, double fraction)
    {
        int n = mean.Length;
        var below = new double[n];
        var above = new double[n];
        for (int j = 0; j < n; j++)
        {
            // Half the distance to the edge of the valid range keeps θ ± h a valid spinodoid (a > 0, 0 < ε < 1).
            double edge = j < 3 ? mean[j] : Math.Min(mean[j], 1 - mean[j]);
            double h = Math.Min(fraction * Math.Sqrt(Math.Max(covariance[j, j], 0)), 0.5 * edge);
            if (!(h > 0)) h = 1e-3 * edge;
            for (int attempt = 0; attempt < 20; attempt++, h /= 2)
            {
                bool down = Inside(prior, mean, j, -h), up = Inside(prior, mean, j, h);
                if (!down && !up) continue;
                (below[j], above[j]) = (down ? h : 0, up ? h : 0);
                break;
            }
            if (below[j] + above[j] == 0) (below[j], above[j]) = (h, h);
        }
        return (below, above);
    }

    private static bool Inside(IPrior prior, double[] theta, int component, double offset)
    {
        var point = (double[])theta.Clone();
        point[component] += offset;
        return prior.Density(point) > 0;
    }

    /// <summary>θ + s·Δθ with s = 1, ½, ¼, … (up to 10 halvings): the first inside the prior's support; null if none is.</summary>
    private static (double[]? Theta, double Scale) InsideSupport(IPrior prior, double[] theta, double[] step)
    {
        var scale = 1.0;
        for (int attempt = 0; attempt <= 10; attempt++, scale /= 2)
        {
            var next = theta.Select((v, i) => v + scale * step[i]).ToArray();
            if (prior.Density(next) > 0) return (next, scale);
        }
        return (null, 0);
    }
}
