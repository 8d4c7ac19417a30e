using System.Globalization;

namespace Spinodoid.Geometry;

/// <summary>Lengths with units, as a user writes them ("10um", "0.5 mm", "2cm").</summary>
public static class PhysicalLength
{
    private static readonly (string Unit, double Millimetres)[] Units =
    [
        ("nm", 1e-6), ("um", 1e-3), ("µm", 1e-3), ("μm", 1e-3), ("mm", 1), ("cm", 10), ("m", 1000),
    ];

    /// <summary>Parses a positive length with a unit (nm, um/µm, mm, cm, m) into millimetres.</summary>
    public static double ParseMillimetres(string text, string what = "length")
    {
        var trimmed = text.Trim();
        foreach (var (unit, mm) in Units)
        {
            if (!trimmed.EndsWith(unit, StringComparison.Ordinal)) continue;
            var number = trimmed[..^unit.Length].Trim();
            // "mm" also ends with "m": only accept a number before the unit.
            if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            {
                if (!(value > 0) || !double.IsFinite(value))
                    throw new ArgumentException($"{what} '{text}' must be a positive length");
                return value * mm;
            }
        }
        throw new ArgumentException($"{what} '{text}' is not a length with a unit; write e.g. 10um, 0.5mm or 2cm (units: nm, um, µm, mm, cm, m)");
    }

    /// <summary>A length in millimetres written with a unit that keeps it readable (µm below 1 mm).</summary>
    public static string Format(double millimetres) =>
        millimetres < 1 ? string.Create(CultureInfo.InvariantCulture, $"{millimetres * 1000:0.###} µm")
                        : string.Create(CultureInfo.InvariantCulture, $"{millimetres:0.###} mm");
}
