using System.Globalization;
using Spinodoid.Microstructure;

namespace Spinodoid.Cli.Support;

/// <summary>Parsers for option values that several commands share; each error names the option value and what is allowed.</summary>
internal static class OptionParsing
{
    /// <summary>"periodic" or "mirror" (the lateral sides of a transport problem).</summary>
    public static LateralBoundary Sides(string text) => text.ToLowerInvariant() switch
    {
        "periodic" => LateralBoundary.Periodic,
        "mirror" => LateralBoundary.Mirror,
        _ => throw new ArgumentException($"--sides '{text}' must be periodic or mirror"),
    };

    /// <summary>"LO,HI" with LO &lt; HI.</summary>
    public static (double Lo, double Hi) Range(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var lo)
                              || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var hi))
            throw new ArgumentException($"range '{text}' must be two numbers LO,HI");
        if (!(lo < hi)) throw new ArgumentException($"range '{text}' needs LO < HI");
        return (lo, hi);
    }
}
