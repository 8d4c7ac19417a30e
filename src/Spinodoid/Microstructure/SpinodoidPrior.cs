using Spinodoid.Runtime;

namespace Spinodoid.Microstructure;

/// <summary>
/// The paper's parameter prior ("Dataset generation"): β ~ U[β_min, β_max] (largest / smallest a),
/// α ~ U[1, β] (middle / smallest a), the vector (1, α, β) rescaled to a mean m ~ U[m_min, m_max],
/// a uniformly random permutation onto (a_x, a_y, a_z), and ε ~ U[ε_min, ε_max].
/// </summary>
/// <remarks>
/// Density (needed by the ABC weights). With the sorted scales a₍₁₎ ≤ a₍₂₎ ≤ a₍₃₎ we have α = a₍₂₎/a₍₁₎,
/// β = a₍₃₎/a₍₁₎ and m = (a₍₁₎ + a₍₂₎ + a₍₃₎)/3. The Jacobian of (a₍₁₎, a₍₂₎, a₍₃₎) ↦ (α, β, m) is
/// m / a₍₁₎³, and each of the 6 permutations is equally likely, so
/// π(θ) = (1/6) · 1/(β_max − β_min) · 1/(β − 1) · 1/(m_max − m_min) · m / a₍₁₎³ · 1/(ε_max − ε_min)
/// on the support 1 ≤ α ≤ β ∈ [β_min, β_max], m ∈ [m_min, m_max], ε ∈ [ε_min, ε_max] (and 0 elsewhere).
/// The 1/(β − 1) factor is an integrable singularity along the isotropic diagonal a_x = a_y = a_z.
/// The rejection of structures that fail the connectivity check is not part of this density
/// (as in the paper, whose ABC used this flat prior).
/// </remarks>
public sealed record SpinodoidPrior(
    double BetaMin = 1.0, double BetaMax = 3.0,
    double MeanMin = 0.05, double MeanMax = 0.2,
    double PorosityMin = 0.3, double PorosityMax = 0.85)
{
    /// <summary>The paper's prior.</summary>
    public static SpinodoidPrior Paper { get; } = new();

    /// <summary>Throws when the bounds do not describe a proper prior.</summary>
    public SpinodoidPrior Validated()
    {
        if (!(BetaMin >= 1 && BetaMax > BetaMin)) throw new ArgumentException($"need 1 ≤ β_min < β_max, got [{BetaMin}, {BetaMax}]");
        if (!(MeanMin > 0 && MeanMax > MeanMin)) throw new ArgumentException($"need 0 < m_min < m_max, got [{MeanMin}, {MeanMax}]");
        if (!(PorosityMin > 0 && PorosityMax < 1 && PorosityMax > PorosityMin))
            throw new ArgumentException($"need 0 < ε_min < ε_max < 1, got [{PorosityMin}, {PorosityMax}]");
        return this;
    }

    /// <summary>Draws θ from the prior.</summary>
    public SpinodoidParameters Sample(SeededRandom random)
    {
        double beta = random.Uniform(BetaMin, BetaMax);
        double alpha = random.Uniform(1.0, beta);
        double mean = random.Uniform(MeanMin, MeanMax);
        double scale = 3.0 * mean / (1.0 + alpha + beta);
        Span<double> sorted = [scale, scale * alpha, scale * beta];
        Span<double> a = stackalloc double[3];
        // A uniformly random permutation (Fisher–Yates) of the sorted scales onto (x, y, z).
        sorted.CopyTo(a);
        for (int i = 2; i > 0; i--)
        {
            int j = random.NextInt(i + 1);
            (a[i], a[j]) = (a[j], a[i]);
        }
        double porosity = random.Uniform(PorosityMin, PorosityMax);
        return new SpinodoidParameters(a[0], a[1], a[2], porosity);
    }

    /// <summary>True when θ lies in the support of the prior.</summary>
    public bool Contains(SpinodoidParameters theta) => Density(theta) > 0;

    /// <summary>The prior probability density π(θ) (see remarks); 0 outside the support.</summary>
    public double Density(SpinodoidParameters theta)
    {
        var (x, y, z) = (theta.LengthScales.X, theta.LengthScales.Y, theta.LengthScales.Z);
        double eps = theta.Porosity;
        if (!(x > 0 && y > 0 && z > 0)) return 0;
        if (!(eps >= PorosityMin && eps <= PorosityMax)) return 0;
        double a1 = Math.Min(x, Math.Min(y, z));
        double m = (x + y + z) / 3.0;
        double beta = theta.LengthScales.Anisotropy;
        if (!(beta >= BetaMin && beta <= BetaMax && m >= MeanMin && m <= MeanMax)) return 0;
        if (beta <= 1.0) return 0; // measure-zero isotropic diagonal, where the density is unbounded
        return 1.0 / 6.0
               / (BetaMax - BetaMin) / (beta - 1.0)
               / (MeanMax - MeanMin) * m / (a1 * a1 * a1)
               / (PorosityMax - PorosityMin);
    }
}
