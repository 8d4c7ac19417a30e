using Spinodoid.Datasets;
using Spinodoid.Microstructure;
using Spinodoid.Reports;
using Spinodoid.Transport;

namespace Spinodoid.Tests.Datasets;

public sealed class DatasetTests : IDisposable
{
    private static readonly DatasetProfile Tiny = new("tiny", 24, 6, 2, 2);
    private readonly string _root = Directory.CreateTempSubdirectory("spinodoid-data-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Dir(string name) => Path.Combine(_root, name);

    private static IReadOnlyList<DatasetRow> Generate(string dir, int shard = 0, int shards = 1, int workers = 1) =>
        DatasetGenerator.Generate(new DatasetRequest(Tiny, 7, dir, shard, shards, workers));

    private static void AssertSameLabels(IReadOnlyList<DatasetRow> expected, IReadOnlyList<DatasetRow> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++) Assert.True(expected[i].SameLabels(actual[i]), $"row {i} differs:\n{expected[i]}\n{actual[i]}");
    }

    [Fact]
    public void InterruptedAndResumedRunGivesTheSameTableAsAnUninterruptedOne()
    {
        var reference = Generate(Dir("reference"));

        string dir = Dir("resumed");
        using var cancel = new CancellationTokenSource();
        var progress = new Inline<DatasetProgress>(p => { if (p.DoneThisRun >= 4) cancel.Cancel(); });
        Assert.Throws<OperationCanceledException>(() =>
            DatasetGenerator.Generate(new DatasetRequest(Tiny, 7, dir), progress, cancel.Token));
        Assert.False(DatasetManifest.Read(dir).Complete);
        Assert.False(File.Exists(Path.Combine(dir, DatasetManifest.TableName)));
        // A kill -9 in the middle of a write leaves a torn last line, and a damaged line elsewhere is possible too.
        string journal = Path.Combine(dir, DatasetGenerator.JournalName);
        var lines = File.ReadAllLines(journal);
        Assert.Equal(4, lines.Length);
        lines[1] = lines[1].Replace(",train,", ",trian,");
        File.WriteAllText(journal, string.Join("\n", lines) + "\n" + lines[2][..(lines[2].Length / 2)]);
        Assert.Throws<InvalidDataException>(() => DatasetStore.Load(dir));

        var resumed = Generate(dir);
        AssertSameLabels(reference, resumed);
        AssertSameLabels(reference, DatasetStore.Load(dir).Rows);
        Assert.False(File.Exists(journal));
        // Running it again on a finished folder changes nothing.
        AssertSameLabels(reference, Generate(dir));
    }

    [Fact]
    public void AJournalOfAnotherDatasetOrWithAnEditedRowIsRefused()
    {
        string dir = Dir("leftover");
        using (var cancel = new CancellationTokenSource())
        {
            var progress = new Inline<DatasetProgress>(p => { if (p.DoneThisRun >= 2) cancel.Cancel(); });
            Assert.Throws<OperationCanceledException>(() => DatasetGenerator.Generate(new DatasetRequest(Tiny, 7, dir), progress, cancel.Token));
        }
        string journal = Path.Combine(dir, DatasetGenerator.JournalName);
        var lines = File.ReadAllLines(journal);
        // The manifest removed, another dataset seed: the journal's rows are not that dataset's.
        File.Delete(Path.Combine(dir, DatasetManifest.FileName));
        var foreign = Assert.Throws<InvalidDataException>(() => DatasetGenerator.Generate(new DatasetRequest(Tiny, 8, dir)));
        Assert.Contains("another dataset", foreign.Message);

        // The right seed, but one θ edited and its checksum recomputed: the row is not the one its index defines.
        File.Delete(Path.Combine(dir, DatasetManifest.FileName));
        var row = DatasetRow.Parse(lines[0][..lines[0].LastIndexOf('|')]);
        var edited = row with { Theta = row.Theta with { Porosity = row.Theta.Porosity + 1e-3 } };
        string csv = edited.ToCsv();
        lines[0] = $"{csv}|{System.IO.Hashing.Crc32.HashToUInt32(System.Text.Encoding.UTF8.GetBytes(csv)):x8}";
        File.WriteAllText(journal, string.Join("\n", lines) + "\n");
        var tampered = Assert.Throws<InvalidDataException>(() => DatasetGenerator.Generate(new DatasetRequest(Tiny, 7, dir)));
        Assert.Contains($"row {row.Index}", tampered.Message);
        Assert.Null(DatasetGenerator.Mismatch(Tiny, 7, row));
    }

    [Fact]
    public void ShardedAndMergedEqualsUnsharded()
    {
        var whole = Generate(Dir("whole"), workers: 2);
        var parts = Enumerable.Range(0, 3).Select(k => Dir($"part{k}")).ToList();
        for (int k = 0; k < 3; k++) Generate(parts[k], k, 3);
        Assert.Equal(4, DatasetStore.Load(parts[0]).Rows.Count); // rows 0, 3, 6, 9
        var merged = DatasetStore.Merge(parts, Dir("merged"));
        AssertSameLabels(whole, merged.Rows);
        AssertSameLabels(whole, DatasetStore.Load(Dir("merged")).Rows);

        Assert.Contains("lack rows", Assert.Throws<ArgumentException>(() => DatasetStore.Merge(parts.Take(2).ToList(), Dir("m2"))).Message);
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => DatasetStore.Merge([parts[0], parts[0], parts[1], parts[2]], Dir("m3"))).Message);
        // Never into an input shard, nor into a folder that holds (part of) another dataset: the merged one is left as it was.
        Assert.Contains("one of the shards", Assert.Throws<ArgumentException>(() => DatasetStore.Merge(parts, parts[0])).Message);
        Assert.Equal(4, DatasetStore.Load(parts[0]).Rows.Count);
        File.WriteAllText(Path.Combine(Dir("merged"), DatasetGenerator.JournalName), "left over\n");
        Assert.Contains("already holds", Assert.Throws<ArgumentException>(() => DatasetStore.Merge(parts, Dir("merged"))).Message);
    }

    [Fact]
    public void RowsAreConnectedStructuresWhoseLabelsMatchAFreshSolve()
    {
        var rows = Generate(Dir("check"));
        Assert.Equal(["train", "train", "train", "train", "train", "train", "validation", "validation", "test", "test"], rows.Select(r => r.Split));
        foreach (var row in rows)
        {
            var structure = SpinodoidGenerator.Generate(row.Theta, row.Seed, row.Size);
            Assert.True(Connectivity.Analyze(structure).AllConnected, $"row {row.Index} is not connected");
            Assert.True(SpinodoidPrior.Paper.Contains(row.Theta));
            Assert.Equal(row.MeasuredPorosity, structure.Porosity, 12);
            Assert.True(row.Attempts >= 1);
        }
        // The profile's labels are sub-voxel (the default): the fresh solve needs the continuous structure.
        Assert.Equal(Discretization.Subvoxel, Tiny.Discretization);
        foreach (var row in rows.Take(3))
        {
            var structure = SpinodoidGenerator.GenerateContinuous(row.Theta, row.Seed, row.Size);
            var fresh = DiffusivitySolver.SolveAll(structure, Tiny.SolverOptions);
            Assert.Equal(row.EtaX, fresh[0].Diffusivity, 12);
            Assert.Equal(row.EtaY, fresh[1].Diffusivity, 12);
            Assert.Equal(row.EtaZ, fresh[2].Diffusivity, 12);
        }
        var stats = DatasetStatistics.Of(DatasetStore.Load(Dir("check")));
        Assert.Equal(10, stats.Rows);
        Assert.Equal(1.0, stats.Correlation[1, 1], 12);
        Assert.InRange(stats.RejectionRate, 0, 1);
    }

    [Fact]
    public void ForeignOrCorruptFoldersGetClearErrors()
    {
        Assert.Throws<DirectoryNotFoundException>(() => DatasetStore.Load(Dir("missing")));
        Directory.CreateDirectory(Dir("empty"));
        Assert.Contains("no manifest.json", Assert.Throws<InvalidDataException>(() => DatasetStore.Load(Dir("empty"))).Message);

        Directory.CreateDirectory(Dir("foreign"));
        File.WriteAllText(Path.Combine(Dir("foreign"), DatasetManifest.FileName), "{\"name\": \"something else\"}");
        Assert.Contains("not a spinodoid dataset", Assert.Throws<InvalidDataException>(() => DatasetStore.Load(Dir("foreign"))).Message);
        File.WriteAllText(Path.Combine(Dir("foreign"), DatasetManifest.FileName), "not json at all");
        Assert.Throws<InvalidDataException>(() => DatasetStore.Load(Dir("foreign")));

        var rows = Generate(Dir("good"));
        string table = Path.Combine(Dir("good"), DatasetManifest.TableName);
        var lines = File.ReadAllLines(table);
        lines[3] = "3,train,0.1,not-a-number";
        File.WriteAllLines(table, lines);
        Assert.Contains("line 4", Assert.Throws<InvalidDataException>(() => DatasetStore.Load(Dir("good"))).Message);

        // A folder holding another dataset is never overwritten by a different request.
        var other = new DatasetRequest(Tiny, 8, Dir("good"));
        Assert.Contains("different dataset", Assert.Throws<ArgumentException>(() => DatasetGenerator.Generate(other)).Message);
    }

    [Fact]
    public void InputCacheHoldsTheDownsampledStructuresInRowOrder()
    {
        var rows = Generate(Dir("cache"));
        string path = InputCache.Build(Dir("cache"));
        var bytes = File.ReadAllBytes(path);
        int perRow = 12 * 12 * 12;
        int headerLength = bytes.Length - rows.Count * perRow;
        Assert.Equal(0, headerLength % 64);
        Assert.Contains("'shape': (10, 12, 12, 12)", System.Text.Encoding.ASCII.GetString(bytes, 0, headerLength));
        foreach (int i in new[] { 0, 4, 9 })
        {
            var expected = Downsampling.SolidCounts2x(SpinodoidGenerator.Generate(rows[i].Theta, rows[i].Seed, 24));
            Assert.Equal(expected, bytes.AsSpan(headerLength + i * perRow, perRow).ToArray());
        }
    }

    [Fact]
    public void ACacheFromAnotherDatasetIsNeverUsedAndEmptySplitsAreRefused()
    {
        var rowsA = Generate(Dir("a"));
        var rowsB = DatasetGenerator.Generate(new DatasetRequest(Tiny, 8, Dir("b")));
        string cacheA = InputCache.Build(Dir("a"));
        Assert.True(InputCache.IsCurrent(Dir("a"), Tiny));
        // Same row count, another dataset: a copied cache (with its sidecar) is not this dataset's.
        string cacheB = InputCache.PathOf(Dir("b"), Tiny);
        File.Copy(cacheA, cacheB);
        File.Copy(cacheA + ".json", cacheB + ".json");
        Assert.False(InputCache.IsCurrent(Dir("b"), Tiny));
        using (var samples = Spinodoid.Surrogate.SurrogateSamples.Open(Dir("b"), "train"))
        {
            var input = new byte[12 * 12 * 12];
            samples.ReadInput(0, input);
            var first = samples.Rows[0];
            Assert.Equal(Downsampling.SolidCounts2x(SpinodoidGenerator.Generate(first.Theta, first.Seed, 24)), input);
        }
        Assert.True(InputCache.IsCurrent(Dir("b"), Tiny));
        Assert.NotEqual(rowsA[0].Theta, rowsB[0].Theta);

        // Shard 0 of 10 holds row 0 only, a train row: it has no test split to measure.
        DatasetGenerator.Generate(new DatasetRequest(Tiny, 9, Dir("only-train"), 0, 10));
        var error = Assert.Throws<ArgumentException>(() => Spinodoid.Surrogate.SurrogateSamples.Open(Dir("only-train"), "test"));
        Assert.Contains("no rows", error.Message);
    }

    [Fact]
    public void FigureThreeIsAPngOfTwoPanels()
    {
        Generate(Dir("figure"));
        string png = Path.Combine(_root, "figure3.png");
        DatasetFigures.WriteFigure3(DatasetStore.Load(Dir("figure")), png);
        using var image = SkiaSharp.SKBitmap.Decode(png);
        Assert.Equal(1040, image.Width);
        Assert.Equal(440, image.Height);
    }
}
