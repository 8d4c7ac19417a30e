using System.Text;
using Spinodoid.IO;
using Spinodoid.Runtime;

namespace Spinodoid.Datasets;

/// <summary>A dataset as read from its folder: the manifest and the table.</summary>
public sealed record Dataset(DatasetManifest Manifest, IReadOnlyList<DatasetRow> Rows)
{
    /// <summary>The rows of one split (train, validation or test).</summary>
    public IReadOnlyList<DatasetRow> Split(string split) => Rows.Where(r => r.Split == split).ToList();
}

/// <summary>Reading, writing and merging dataset folders.</summary>
public static class DatasetStore
{
    /// <summary>Writes the table (sorted by index) atomically.</summary>
    public static void WriteTable(string directory, IEnumerable<DatasetRow> rows)
    {
        var text = new StringBuilder(DatasetRow.Header).Append('\n');
        foreach (var row in rows.OrderBy(r => r.Index)) text.Append(row.ToCsv()).Append('\n');
        AtomicFile.WriteText(Path.Combine(directory, DatasetManifest.TableName), text.ToString());
    }

    /// <summary>Loads a complete dataset folder; throws <see cref="InvalidDataException"/> for anything else.</summary>
    public static Dataset Load(string directory)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"no such dataset folder: '{directory}'");
        var manifest = DatasetManifest.Read(directory);
        if (!manifest.Complete)
            throw new InvalidDataException($"the dataset in '{directory}' is not finished ({manifest.Rows} rows so far); " +
                                           "run the same 'dataset generate' command again to resume it");
        string path = Path.Combine(directory, DatasetManifest.TableName);
        if (!File.Exists(path)) throw new InvalidDataException($"'{directory}' has a manifest but no {DatasetManifest.TableName}");
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != DatasetRow.Header)
            throw new InvalidDataException($"'{path}' is not a spinodoid dataset table (unexpected header)");
        var rows = new List<DatasetRow>(lines.Length - 1);
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            try { rows.Add(DatasetRow.Parse(lines[i])); }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                throw new InvalidDataException($"'{path}', line {i + 1}: {e.Message}", e);
            }
        }
        if (rows.Count != manifest.Rows)
            throw new InvalidDataException($"'{path}' has {rows.Count} rows but its manifest says {manifest.Rows}");
        return new Dataset(manifest, rows);
    }

    /// <summary>
    /// Joins the shards of one dataset into <paramref name="outputDirectory"/>. Every shard must be complete,
    /// belong to the same dataset (profile and seed), and together they must hold each row exactly once.
    /// </summary>
    public static Dataset Merge(IReadOnlyList<string> shardDirectories, string outputDirectory)
    {
        if (shardDirectories.Count == 0) throw new ArgumentException("give at least one shard folder to merge");
        string output = Path.TrimEndingDirectorySeparator(Path.GetFullPath(outputDirectory));
        if (shardDirectories.Any(d => Path.TrimEndingDirectorySeparator(Path.GetFullPath(d)) == output))
            throw new ArgumentException($"'{outputDirectory}' is one of the shards being merged; merge into a new folder");
        foreach (var name in new[] { DatasetManifest.FileName, DatasetManifest.TableName, DatasetGenerator.JournalName })
            if (File.Exists(Path.Combine(outputDirectory, name)))
                throw new ArgumentException($"'{outputDirectory}' already holds (part of) a dataset ({name}); merge into a new or empty folder");
        var parts = shardDirectories.Select(Load).ToList();
        var first = parts[0].Manifest;
        foreach (var (part, dir) in parts.Zip(shardDirectories))
            if (!part.Manifest.SameDataset(first))
                throw new ArgumentException($"'{dir}' belongs to another dataset (profile {part.Manifest.Profile.Name}, seed {part.Manifest.Seed}) " +
                                            $"than '{shardDirectories[0]}' (profile {first.Profile.Name}, seed {first.Seed})");
        var rows = new SortedDictionary<int, DatasetRow>();
        foreach (var (part, dir) in parts.Zip(shardDirectories))
            foreach (var row in part.Rows)
                if (!rows.TryAdd(row.Index, row)) throw new ArgumentException($"row {row.Index} occurs twice (again in '{dir}')");
        var missing = Enumerable.Range(0, first.Profile.Count).Where(i => !rows.ContainsKey(i)).Take(5).ToList();
        if (missing.Count > 0)
            throw new ArgumentException($"the shards lack rows {string.Join(", ", missing)}{(missing.Count == 5 ? ", …" : "")} " +
                                        $"of {first.Profile.Count}; merge all {first.ShardCount} shards");
        Directory.CreateDirectory(outputDirectory);
        var merged = new DatasetManifest(first.Profile, first.Seed, 0, 1, true, rows.Count, rows.Values.Sum(r => (long)r.Attempts - 1),
            parts.Sum(p => p.Manifest.Seconds), ProgramInfo.Version);
        WriteTable(outputDirectory, rows.Values);
        merged.Write(outputDirectory);
        return new Dataset(merged, rows.Values.ToList());
    }
}
