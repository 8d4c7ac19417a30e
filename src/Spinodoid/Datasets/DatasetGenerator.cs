using System.Diagnostics;
using System.IO.Hashing;
using System.Text;
using Spinodoid.IO;
using Spinodoid.Microstructure;
using Spinodoid.Transport;
using Spinodoid.Runtime;

namespace Spinodoid.Datasets;

/// <summary>What to generate and where.</summary>
/// <param name="Profile">Sizes and settings.</param>
/// <param name="Seed">Dataset seed: row i is a pure function of (seed, i).</param>
/// <param name="Directory">Output folder (created if missing).</param>
/// <param name="ShardIndex">This part k of <paramref name="ShardCount"/> (rows with index mod n = k).</param>
/// <param name="ShardCount">Number of parts n.</param>
/// <param name="Workers">Structures labelled at once (each solve also uses every core).</param>
public sealed record DatasetRequest(DatasetProfile Profile, ulong Seed, string Directory, int ShardIndex = 0, int ShardCount = 1, int Workers = 1);

/// <summary>Progress of a dataset run.</summary>
public readonly record struct DatasetProgress(int Done, int Total, int DoneThisRun, TimeSpan Elapsed);

/// <summary>
/// Generates labelled datasets: prior draws that pass the connectivity checks, with η along x, y, z from the
/// solver. Resumable at any moment (even after <c>kill -9</c>): each finished row is appended to a journal
/// with a checksum, a torn last line is dropped on restart, and the missing rows are made again — each row
/// depends only on (dataset seed, row index), so the finished table equals that of an uninterrupted run
/// (apart from the wall-time column).
/// </summary>
public static class DatasetGenerator
{
    /// <summary>File name of the journal of finished rows inside a dataset folder.</summary>
    public const string JournalName = "rows.journal";

    /// <summary>Makes row <paramref name="index"/> of the dataset with seed <paramref name="datasetSeed"/>.</summary>
    public static DatasetRow Label(DatasetProfile profile, ulong datasetSeed, int index)
    {
        var random = RowRandom(datasetSeed, index);
        var sample = SpinodoidGenerator.SampleConnected(profile.Prior, random, profile.Size);
        var watch = Stopwatch.StartNew();
        var structure = profile.Discretization == Discretization.Subvoxel
            ? SpinodoidGenerator.GenerateContinuous(sample.Parameters, sample.Seed, profile.Size)
            : sample.Structure;
        var results = DiffusivitySolver.SolveAll(structure, profile.SolverOptions);
        double seconds = watch.Elapsed.TotalSeconds;
        return new DatasetRow(index, profile.SplitOf(index), sample.Parameters, sample.Seed, profile.Size,
            sample.Structure.Porosity, results[0].Diffusivity, results[1].Diffusivity, results[2].Diffusivity,
            sample.Attempts, results.Max(r => r.RelativeChange), results.Max(r => r.FluxImbalance),
            results.Sum(r => r.Iterations), seconds, ProgramInfo.Version);
    }

    /// <summary>The random stream of row <paramref name="index"/>: its prior draws, in order.</summary>
    private static SeededRandom RowRandom(ulong datasetSeed, int index) =>
        new(CounterRandom.Mix(datasetSeed ^ CounterRandom.Mix(0xDA7A5E7UL + (ulong)index)));

    /// <summary>
    /// Why <paramref name="row"/> is not the row that (dataset seed, index) defines, or null when it is: its split and N are
    /// the profile's, and its θ and structure seed are exactly the <c>Attempts</c>-th draw of the row's random stream
    /// (replayed without generating structures).
    /// </summary>
    public static string? Mismatch(DatasetProfile profile, ulong datasetSeed, DatasetRow row)
    {
        if (row.Index < 0 || row.Index >= profile.Count) return $"row {row.Index} is outside 0…{profile.Count - 1}";
        if (row.Size != profile.Size) return $"row {row.Index} has N = {row.Size}, the profile {profile.Size}";
        if (row.Split != profile.SplitOf(row.Index)) return $"row {row.Index} is in split {row.Split}, the profile puts it in {profile.SplitOf(row.Index)}";
        if (row.Attempts is < 1 or > 1000) return $"row {row.Index} records {row.Attempts} draws";
        var random = RowRandom(datasetSeed, row.Index);
        for (int attempt = 1; attempt <= row.Attempts; attempt++)
        {
            var theta = profile.Prior.Sample(random);
            ulong seed = random.NextUInt64();
            if (attempt == row.Attempts && (theta != row.Theta || seed != row.Seed))
                return $"row {row.Index}'s θ and seed are not draw {row.Attempts} of dataset seed {datasetSeed}";
        }
        return null;
    }

    /// <summary>The row indices of a shard.</summary>
    public static IEnumerable<int> ShardIndices(int count, int shardIndex, int shardCount) =>
        Enumerable.Range(0, count).Where(i => i % shardCount == shardIndex);

    /// <summary>Generates (or resumes) the dataset; returns the finished rows of this shard, by index.</summary>
    public static IReadOnlyList<DatasetRow> Generate(DatasetRequest request, IProgress<DatasetProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        var profile = request.Profile.Validated();
        if (request.ShardCount < 1 || request.ShardIndex < 0 || request.ShardIndex >= request.ShardCount)
            throw new ArgumentException($"shard {request.ShardIndex}/{request.ShardCount} is invalid: need 0 ≤ k < n");
        if (request.Workers is < 1 or > 64) throw new ArgumentException($"workers {request.Workers} is outside 1–64");
        using var folder = FolderLock.Acquire(request.Directory, "dataset generation");

        var manifest = new DatasetManifest(profile, request.Seed, request.ShardIndex, request.ShardCount, false, 0, 0, 0,
            ProgramInfo.Version);
        if (File.Exists(Path.Combine(request.Directory, DatasetManifest.FileName)))
        {
            var existing = DatasetManifest.Read(request.Directory);
            if (!existing.SameDataset(manifest) || existing.ShardIndex != request.ShardIndex || existing.ShardCount != request.ShardCount)
                throw new ArgumentException($"'{request.Directory}' already holds a different dataset (profile {existing.Profile.Name}, " +
                                            $"seed {existing.Seed}, shard {existing.ShardIndex}/{existing.ShardCount}); choose another folder");
            if (existing.Complete) return DatasetStore.Load(request.Directory).Rows;
            manifest = manifest with { Seconds = existing.Seconds };
        }
        else manifest.Write(request.Directory);

        string journalPath = Path.Combine(request.Directory, JournalName);
        var done = RecoverJournal(journalPath);
        foreach (var row in done.Values)
            if (Mismatch(profile, request.Seed, row) is { } why)
                throw new InvalidDataException($"'{journalPath}' holds rows of another dataset ({why}); move it away or choose another folder");
        var wanted = ShardIndices(profile.Count, request.ShardIndex, request.ShardCount).ToList();
        var remaining = new Queue<int>(wanted.Where(i => !done.ContainsKey(i)));
        int total = wanted.Count, doneThisRun = 0;
        var watch = Stopwatch.StartNew();
        progress?.Report(new DatasetProgress(done.Count, total, 0, TimeSpan.Zero));

        using (var journal = new FileStream(journalPath, FileMode.Append, FileAccess.Write, FileShare.Read))
        {
            object gate = new();
            void Worker()
            {
                while (true)
                {
                    int index;
                    lock (gate)
                    {
                        if (cancellation.IsCancellationRequested || remaining.Count == 0) return;
                        index = remaining.Dequeue();
                    }
                    var row = Label(profile, request.Seed, index);
                    lock (gate)
                    {
                        var line = Encoding.UTF8.GetBytes(JournalLine(row) + "\n");
                        journal.Write(line);
                        journal.Flush(flushToDisk: true);
                        done[index] = row;
                        doneThisRun++;
                        progress?.Report(new DatasetProgress(done.Count, total, doneThisRun, watch.Elapsed));
                    }
                }
            }
            var threads = Enumerable.Range(0, request.Workers).Select(_ => new Thread(Worker) { IsBackground = true }).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
        }

        var rows = wanted.Where(done.ContainsKey).Select(i => done[i]).ToList();
        bool complete = rows.Count == total;
        manifest = manifest with
        {
            Complete = complete, Rows = rows.Count, Rejected = rows.Sum(r => (long)r.Attempts - 1),
            Seconds = manifest.Seconds + watch.Elapsed.TotalSeconds,
        };
        if (complete)
        {
            DatasetStore.WriteTable(request.Directory, rows);
            manifest.Write(request.Directory);
            File.Delete(journalPath);
        }
        else manifest.Write(request.Directory);
        cancellation.ThrowIfCancellationRequested();
        return rows;
    }

    /// <summary>A journal line: the CSV row and its CRC-32, so a torn or damaged line is recognised.</summary>
    private static string JournalLine(DatasetRow row)
    {
        string csv = row.ToCsv();
        return $"{csv}|{Crc32.HashToUInt32(Encoding.UTF8.GetBytes(csv)):x8}";
    }

    /// <summary>Reads the valid rows of a journal and rewrites it without any torn or damaged line.</summary>
    private static Dictionary<int, DatasetRow> RecoverJournal(string path)
    {
        var rows = new Dictionary<int, DatasetRow>();
        if (!File.Exists(path)) return rows;
        var text = File.ReadAllText(path);
        var valid = new StringBuilder();
        foreach (var line in text.Split('\n'))
        {
            int bar = line.LastIndexOf('|');
            if (bar < 0) continue;
            string csv = line[..bar];
            if (line[(bar + 1)..] != $"{Crc32.HashToUInt32(Encoding.UTF8.GetBytes(csv)):x8}") continue;
            DatasetRow row;
            try { row = DatasetRow.Parse(csv); } catch (FormatException) { continue; }
            if (rows.TryAdd(row.Index, row)) valid.Append(line).Append('\n');
        }
        if (valid.Length != text.Length) AtomicFile.WriteText(path, valid.ToString());
        return rows;
    }
}
