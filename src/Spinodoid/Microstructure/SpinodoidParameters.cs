using System.Globalization;

namespace Spinodoid.Microstructure;

/// <summary>
/// The anisotropic length scales (a_x, a_y, a_z) of the spectral density, eq. (3), as fractions of the
/// domain length: wave vectors are integer wave numbers (cycles per domain length), so a structure keeps its
/// morphology in voxels when N is multiplied by a factor and every a divided by it (the paper's upscaling).
/// </summary>
public sealed record LengthScales(double X, double Y, double Z)
{
    /// <summary>The length scale along <paramref name="axis"/>.</summary>
    public double this[Axis axis] => axis switch { Axis.X => X, Axis.Y => Y, _ => Z };

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"(a_x {X:0.######}, a_y {Y:0.######}, a_z {Z:0.######})");

    /// <summary>All three divided by <paramref name="factor"/> (upscaling to a grid that many times larger).</summary>
    public LengthScales DividedBy(double factor) => new(X / factor, Y / factor, Z / factor);

    /// <summary>The anisotropy β = largest / smallest length scale (the paper's prior draws it from [1, 3]).</summary>
    public double Anisotropy => Math.Max(X, Math.Max(Y, Z)) / Math.Min(X, Math.Min(Y, Z));
}

/// <summary>The spinodoid parameter vector θ = (a_x, a_y, a_z, ε) of the paper.</summary>
/// <param name="LengthScales">(a_x, a_y, a_z).</param>
/// <param name="Porosity">ε, the pore volume fraction, in (0, 1).</param>
public sealed record SpinodoidParameters(LengthScales LengthScales, double Porosity)
{
    /// <summary>θ from its four components.</summary>
    public SpinodoidParameters(double ax, double ay, double az, double porosity)
        : this(new LengthScales(ax, ay, az), porosity) { }

    /// <summary>Names of θ's components in files (CSV columns, JSON keys), in vector order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["a_x", "a_y", "a_z", "porosity"];

    /// <summary>Symbols of θ's components in tables and plots (the paper's), in vector order.</summary>
    public static IReadOnlyList<string> Symbols { get; } = ["a_x", "a_y", "a_z", "ε"];

    /// <summary>θ as the vector (a_x, a_y, a_z, ε).</summary>
    public double[] ToVector() => [LengthScales.X, LengthScales.Y, LengthScales.Z, Porosity];

    /// <summary>θ from the vector (a_x, a_y, a_z, ε).</summary>
    public static SpinodoidParameters FromVector(ReadOnlySpan<double> theta)
    {
        if (theta.Length != 4) throw new ArgumentException($"θ has 4 components (a_x, a_y, a_z, ε), got {theta.Length}");
        return new SpinodoidParameters(theta[0], theta[1], theta[2], theta[3]);
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad value and the allowed range.</summary>
    public SpinodoidParameters Validated()
    {
        CheckLength("a_x", LengthScales.X);
        CheckLength("a_y", LengthScales.Y);
        CheckLength("a_z", LengthScales.Z);
        if (!(Porosity > 0 && Porosity < 1))
            throw new ArgumentException($"porosity ε = {Format(Porosity)} is outside the allowed range (0, 1)");
        return this;
    }

    private static void CheckLength(string name, double value)
    {
        if (!(value > 0) || double.IsInfinity(value))
            throw new ArgumentException($"length scale {name} = {Format(value)} must be a positive number (a fraction of the domain length, typically 0.02–0.4)");
    }

    /// <summary>Parses "a_x,a_y,a_z,ε" (invariant culture).</summary>
    public static SpinodoidParameters Parse(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 4)
            throw new ArgumentException($"θ must be four comma-separated numbers a_x,a_y,a_z,ε (e.g. 0.1,0.15,0.2,0.6), got '{text}'");
        var values = new double[4];
        for (int i = 0; i < 4; i++)
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
                throw new ArgumentException($"'{parts[i]}' in θ = '{text}' is not a number");
        return FromVector(values).Validated();
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"({Format(LengthScales.X)}, {Format(LengthScales.Y)}, {Format(LengthScales.Z)}, {Format(Porosity)})";

    private static string Format(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
}
