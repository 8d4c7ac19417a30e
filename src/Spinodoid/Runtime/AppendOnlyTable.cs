using System.Globalization;

namespace Spinodoid.Runtime;

/// <summary>
/// A CSV table of numbers (first column an integer row index) that grows by batches of appended rows, so that a long
/// computation keeps what it finished. An interruption (or a second writer) may leave a line cut short or garbled:
/// reading keeps the complete, well-formed rows, rewrites the file without the rest, and the caller computes those
/// again. Used for the per-structure tables of the surrogate's correction.
/// </summary>
public static class AppendOnlyTable
{
    /// <summary>
    /// The well-formed rows of <paramref name="path"/> (none when it does not exist or is empty): each row's index and
    /// its further numbers, one per column of <paramref name="header"/> after the first. Line ends written on Windows
    /// (\r\n) are read as \n.
    /// </summary>
    /// <param name="path">The table's file.</param>
    /// <param name="header">Its header line (the column names).</param>
    /// <param name="what">What the table is, for the error naming a file with another header.</param>
    public static List<(int Index, double[] Values)> Read(string path, string header, string what)
    {
        var rows = new List<(int, double[])>();
        if (!File.Exists(path) || new FileInfo(path).Length == 0) return rows;
        int columns = header.Split(',').Length;
        var lines = File.ReadAllText(path).Replace("\r\n", "\n").Split('\n');
        if (lines[0] != header) throw new InvalidDataException($"'{path}' is not {what} (header {header}); delete it to compute it again");
        // Every complete line ends with a newline: the piece after the last one is dropped.
        var complete = lines.Length < 2 ? [] : lines[1..^1];
        var kept = new List<string> { header };
        foreach (var line in complete)
        {
            var f = line.Split(',');
            var values = new double[columns - 1];
            if (f.Length != columns || !int.TryParse(f[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int index)
                || !Enumerable.Range(1, columns - 1).All(i => double.TryParse(f[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i - 1])))
                continue;
            rows.Add((index, values));
            kept.Add(line);
        }
        if (kept.Count != complete.Length + 1 || lines.Length < 2 || lines[^1].Length > 0)
            AtomicFile.WriteText(path, string.Join("\n", kept) + "\n");
        return rows;
    }

    /// <summary>One row: the index, then the values written to round-trip exactly.</summary>
    public static string Line(int index, IEnumerable<double> values) =>
        string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)).Prepend(index.ToString(CultureInfo.InvariantCulture)));

    /// <summary>
    /// Appends <paramref name="lines"/> (starting the file with its header when it has none) under an exclusive lock on
    /// the file (an advisory lock on Unix), so two processes never interleave their rows; waits up to a minute.
    /// </summary>
    public static void Append(string path, string header, IReadOnlyList<string> lines)
    {
        if (lines.Count == 0) return;
        var bytes = System.Text.Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n");
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.None);
                if (stream.Length == 0) stream.Write(System.Text.Encoding.UTF8.GetBytes(header + "\n"));
                stream.Write(bytes);
                return;
            }
            catch (IOException) when (attempt < 600)
            {
                Thread.Sleep(100);
            }
        }
    }
}
