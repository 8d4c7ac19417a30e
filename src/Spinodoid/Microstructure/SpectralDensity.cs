namespace Spinodoid.Microstructure;

/// <summary>The anisotropic spectral density γ(q) of eq. (3).</summary>
public static class SpectralDensity
{
    /// <summary>
    /// Wave vectors with |a∘q| above this carry no variance worth keeping: √γ = 1/(1 + s⁸) ≈ 2.6·10⁻⁶ at
    /// s = 5, and the variance beyond is ~10⁻¹⁰ of the total. Cutting in these physical terms (not at the
    /// grid's Nyquist frequency) keeps the field the same whatever the grid size.
    /// </summary>
    public const double Cutoff = 5.0;

    /// <summary>γ(q) = [1 + ((a_x q_x)² + (a_y q_y)² + (a_z q_z)²)⁴]⁻², q in cycles per domain length.</summary>
    public static double Gamma(LengthScales a, double qx, double qy, double qz) =>
        GammaOfSquaredNorm(Square(a.X * qx) + Square(a.Y * qy) + Square(a.Z * qz));

    /// <summary>γ as a function of s² = |a∘q|².</summary>
    public static double GammaOfSquaredNorm(double s2)
    {
        double s8 = s2 * s2 * s2 * s2;
        double d = 1.0 + s8;
        return 1.0 / (d * d);
    }

    /// <summary>√γ as a function of s² = |a∘q|², the Fourier amplitude filter of eq. (12).</summary>
    public static double AmplitudeOfSquaredNorm(double s2)
    {
        double s8 = s2 * s2 * s2 * s2;
        return 1.0 / (1.0 + s8);
    }

    private static double Square(double v) => v * v;
}
