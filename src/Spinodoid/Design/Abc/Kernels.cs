using Spinodoid.Runtime;

namespace Spinodoid.Design.Abc;

/// <summary>
/// The paper's kernel (Beaumont et al. 2009, Algorithm 1): independent Gaussian perturbations with standard
/// deviation √2 · std(θ_i) of the previous generation, per component.
/// </summary>
public sealed class ComponentwiseGaussianKernel : ITransitionKernel
{
    /// <inheritdoc />
    public string Name => "componentwise";

    /// <inheritdoc />
    public IFittedKernel Fit(Population previous, double nextTolerance)
    {
        var cov = previous.Covariance();
        int d = previous.Dimension;
        var diagonal = new double[d, d];
        for (int i = 0; i < d; i++) diagonal[i, i] = 2 * cov[i, i];
        return GaussianKernels.Shared(previous, diagonal);
    }
}

/// <summary>A multivariate Gaussian with twice the weighted covariance of the previous generation (Beaumont et al.; Filippi et al. 2013).</summary>
public sealed class MultivariateGaussianKernel : ITransitionKernel
{
    /// <inheritdoc />
    public string Name => "multivariate";

    /// <inheritdoc />
    public IFittedKernel Fit(Population previous, double nextTolerance) =>
        GaussianKernels.Shared(previous, GaussianKernels.Scaled(previous.Covariance(), 2));
}

/// <summary>
/// The locally adapted ("optimal local covariance matrix", OLCM) kernel of Filippi et al. (2013): each ancestor
/// θ_q gets Σ_q = Σ_k ω̄_k (θ_k − θ_q)(θ_k − θ_q)ᵀ over the previous particles θ_k already within the next tolerance
/// (weights ω̄ renormalised over them). Falls back to <see cref="MultivariateGaussianKernel"/> when fewer than
/// <see cref="MinimumLocalParticles"/> particles qualify or a Σ_q is singular.
/// </summary>
public sealed class LocalCovarianceKernel : ITransitionKernel
{
    /// <summary>Fewest previous particles within the next tolerance for the local covariance (default 2·(d + 1), at least 5).</summary>
    public int? MinimumLocalParticles { get; init; }

    /// <inheritdoc />
    public string Name => "olcm";

    /// <inheritdoc />
    public IFittedKernel Fit(Population previous, double nextTolerance)
    {
        int d = previous.Dimension;
        var fallback = GaussianKernels.Scaled(previous.Covariance(), 2);
        var close = previous.Particles.Where(p => p.Distance <= nextTolerance).ToArray();
        if (close.Length < (MinimumLocalParticles ?? Math.Max(5, 2 * (d + 1))))
            return GaussianKernels.Shared(previous, fallback);
        double total = close.Sum(p => p.Weight);
        if (!(total > 0)) return GaussianKernels.Shared(previous, fallback);
        var perAncestor = new double[previous.Particles.Count][,];
        Parallel.For(0, perAncestor.Length, q =>
        {
            var centre = previous.Particles[q].Theta;
            var cov = new double[d, d];
            foreach (var p in close)
            {
                double w = p.Weight / total;
                for (int i = 0; i < d; i++)
                for (int j = 0; j <= i; j++)
                    cov[i, j] += w * (p.Theta[i] - centre[i]) * (p.Theta[j] - centre[j]);
            }
            for (int i = 0; i < d; i++)
            for (int j = i + 1; j < d; j++)
                cov[i, j] = cov[j, i];
            perAncestor[q] = cov;
        });
        return GaussianKernels.PerAncestor(previous, perAncestor, fallback);
    }
}

/// <summary>Gaussian kernels centred on the particles of a population, each with a Cholesky-factored covariance.</summary>
internal sealed class GaussianKernels : IFittedKernel
{
    private readonly double[][] _centres;
    private readonly double[][,] _cholesky;   // per ancestor (may share one instance)
    private readonly double[] _logNormaliser; // −½ log det(2πΣ_q)

    private GaussianKernels(double[][] centres, double[][,] cholesky, double[] logNormaliser)
    {
        _centres = centres; _cholesky = cholesky; _logNormaliser = logNormaliser;
    }

    public static double[,] Scaled(double[,] matrix, double factor)
    {
        var result = (double[,])matrix.Clone();
        for (int i = 0; i < result.GetLength(0); i++)
        for (int j = 0; j < result.GetLength(1); j++)
            result[i, j] *= factor;
        return result;
    }

    public static GaussianKernels Shared(Population previous, double[,] covariance)
    {
        var (l, logNorm) = Factor(covariance) ?? Factor(Regularised(covariance))
            ?? throw new InvalidOperationException("the population has collapsed to a point (zero covariance); use a larger population or tolerance");
        int n = previous.Particles.Count;
        return new GaussianKernels(previous.Particles.Select(p => p.Theta).ToArray(),
            Enumerable.Repeat(l, n).ToArray(), Enumerable.Repeat(logNorm, n).ToArray());
    }

    public static GaussianKernels PerAncestor(Population previous, double[][,] covariances, double[,] fallback)
    {
        var shared = Shared(previous, fallback);
        int n = previous.Particles.Count;
        var chol = new double[n][,];
        var logNorm = new double[n];
        for (int q = 0; q < n; q++)
        {
            var factor = Factor(covariances[q]);
            (chol[q], logNorm[q]) = factor ?? (shared._cholesky[q], shared._logNormaliser[q]);
        }
        return new GaussianKernels(shared._centres, chol, logNorm);
    }

    public double[] Perturb(int ancestor, SeededRandom random)
    {
        var centre = _centres[ancestor];
        var l = _cholesky[ancestor];
        int d = centre.Length;
        Span<double> z = stackalloc double[d];
        for (int i = 0; i < d; i++) z[i] = StandardNormal(random);
        var theta = new double[d];
        for (int i = 0; i < d; i++)
        {
            double v = centre[i];
            for (int j = 0; j <= i; j++) v += l[i, j] * z[j];
            theta[i] = v;
        }
        return theta;
    }

    public double Density(ReadOnlySpan<double> theta, int ancestor)
    {
        var centre = _centres[ancestor];
        var l = _cholesky[ancestor];
        int d = centre.Length;
        Span<double> y = stackalloc double[d];
        double squared = 0;
        for (int i = 0; i < d; i++)
        {
            double v = theta[i] - centre[i];
            for (int j = 0; j < i; j++) v -= l[i, j] * y[j];
            y[i] = v / l[i, i];
            squared += y[i] * y[i];
        }
        return Math.Exp(_logNormaliser[ancestor] - 0.5 * squared);
    }

    /// <summary>A standard normal draw (Box–Muller; one of the pair is discarded to keep the stream simple).</summary>
    internal static double StandardNormal(SeededRandom random)
    {
        double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private static double[,] Regularised(double[,] covariance)
    {
        int d = covariance.GetLength(0);
        double trace = 0;
        for (int i = 0; i < d; i++) trace += covariance[i, i];
        var result = (double[,])covariance.Clone();
        for (int i = 0; i < d; i++) result[i, i] += 1e-9 * Math.Max(trace / d, 1e-300);
        return result;
    }

    /// <summary>Lower Cholesky factor and −½ log det(2πΣ), or null when Σ is not positive definite.</summary>
    private static (double[,] L, double LogNormaliser)? Factor(double[,] covariance) =>
        DenseLinearAlgebra.Cholesky(covariance) is { } f
            ? (f.L, -0.5 * (f.LogDet + covariance.GetLength(0) * Math.Log(2 * Math.PI)))
            : null;
}
