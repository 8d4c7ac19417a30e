using System.Globalization;

namespace Spinodoid.Design;

/// <summary>
/// A target diffusivity η* = (η_x, η_y, η_z); a null component is free (not part of the distance).
/// </summary>
public sealed record DiffusivityTarget(double? X, double? Y, double? Z)
{
    /// <summary>The components as an array (null = free).</summary>
    public double?[] Components => [X, Y, Z];

    /// <summary>Parses "0.40,0.50,0.60"; "-" or "*" leaves a direction free.</summary>
    public static DiffusivityTarget Parse(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 3) throw new ArgumentException($"target '{text}' must have three comma-separated values η_x,η_y,η_z (use - for a free direction)");
        if (parts.Any(p => p.Length == 0))
            throw new ArgumentException($"target '{text}' has an empty value; write - for a free direction (e.g. 0.4,-,0.6)");
        var values = parts.Select(p => p is "-" or "*" ? (double?)null
            : double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
            : throw new ArgumentException($"target value '{p}' is not a number (use - for a free direction)")).ToArray();
        return new DiffusivityTarget(values[0], values[1], values[2]).Validated();
    }

    /// <summary>
    /// Reads a table of targets for a batch design: a CSV file with the columns eta_x, eta_y, eta_z (any order,
    /// other columns ignored; "-" or an empty cell leaves a direction free), one target per row.
    /// </summary>
    public static IReadOnlyList<DiffusivityTarget> ReadTable(string path)
    {
        if (!File.Exists(path)) throw new ArgumentException($"no targets file '{path}'");
        // (line number, text) of the lines that are not blank or comments; errors name the file's line.
        var lines = File.ReadAllLines(path).Select((text, i) => (Line: i + 1, Text: text))
            .Where(l => l.Text.Trim().Length > 0 && !l.Text.TrimStart().StartsWith('#')).ToList();
        if (lines.Count < 2) throw new ArgumentException($"{path}: needs a header (eta_x,eta_y,eta_z) and at least one target row");
        var header = lines[0].Text.Split(',', StringSplitOptions.TrimEntries).Select(h => h.ToLowerInvariant()).ToList();
        int[] columns = new[] { "eta_x", "eta_y", "eta_z" }.Select(name => header.IndexOf(name)).ToArray();
        if (columns.Any(c => c < 0))
            throw new ArgumentException($"{path}: the header '{lines[0].Text}' must name the columns eta_x, eta_y and eta_z");
        var targets = new List<DiffusivityTarget>();
        for (int row = 1; row < lines.Count; row++)
        {
            var cells = lines[row].Text.Split(',', StringSplitOptions.TrimEntries);
            string Cell(int c) => c < cells.Length && cells[c].Length > 0 ? cells[c] : "-";
            try { targets.Add(Parse(string.Join(",", columns.Select(Cell)))); }
            catch (ArgumentException e) { throw new ArgumentException($"{path}, line {lines[row].Line} (batch row {row - 1}): {e.Message}"); }
        }
        return targets;
    }

    /// <summary>Throws unless every given component is in (0, 1) and at least one is given.</summary>
    public DiffusivityTarget Validated()
    {
        if (Components.All(c => c is null)) throw new ArgumentException("the target leaves every direction free; give at least one η");
        foreach (var c in Components)
            if (c is double v && !(v > 0 && v < 1)) throw new ArgumentException($"target η = {v} must be in (0, 1)");
        return this;
    }

    /// <summary>The components in round-trip form ("-" for free): equal strings mean equal targets.</summary>
    public string RoundTrip() =>
        string.Join(",", Components.Select(c => c is double v ? v.ToString("R", CultureInfo.InvariantCulture) : "-"));

    /// <summary>The components to 4 significant digits, for display.</summary>
    public override string ToString() =>
        string.Join(",", Components.Select(c => c is double v ? v.ToString("G4", CultureInfo.InvariantCulture) : "-"));
}
