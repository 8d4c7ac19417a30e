using System.IO.MemoryMappedFiles;
using Spinodoid.Datasets;
using Spinodoid.Microstructure;

namespace Spinodoid.Surrogate;

/// <summary>
/// Training samples of one split: CNN inputs read from a dataset's memory-mapped input cache (built on demand)
/// and the labels η_x, η_y, η_z from its table.
/// </summary>
public sealed class SurrogateSamples : IDisposable
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly long _dataOffset;
    private readonly int[] _rowPositions;

    private SurrogateSamples(MemoryMappedFile file, MemoryMappedViewAccessor view, long dataOffset, int side,
        IReadOnlyList<DatasetRow> rows, int[] rowPositions)
    {
        _file = file; _view = view; _dataOffset = dataOffset; Side = side; Rows = rows; _rowPositions = rowPositions;
    }

    /// <summary>Side of an input (N/2).</summary>
    public int Side { get; }

    /// <summary>The rows of this split.</summary>
    public IReadOnlyList<DatasetRow> Rows { get; }

    /// <summary>Number of structures.</summary>
    public int Count => Rows.Count;

    /// <summary>Voxels per input.</summary>
    public int Volume => Side * Side * Side;

    /// <summary>Opens a split of a dataset folder, building its input cache first if it is missing.</summary>
    public static SurrogateSamples Open(string datasetDirectory, string split)
    {
        if (split is not ("train" or "validation" or "test")) throw new ArgumentException($"split '{split}' must be train, validation or test");
        var dataset = DatasetStore.Load(datasetDirectory);
        string path = InputCache.PathOf(datasetDirectory, dataset.Manifest.Profile);
        var all = dataset.Rows.OrderBy(r => r.Index).ToList();
        if (!all.Any(r => r.Split == split))
            throw new ArgumentException($"the {split} split of '{datasetDirectory}' has no rows ({all.Count} rows in all); nothing to {(split == "train" ? "train on" : "measure")}");
        if (!InputCache.IsCurrent(datasetDirectory, dataset.Manifest.Profile)) InputCache.Build(datasetDirectory);
        int side = dataset.Manifest.Profile.Size / 2;
        var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        var view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        long expected = (long)all.Count * side * side * side;
        long dataOffset = new FileInfo(path).Length - expected;
        if (dataOffset < 10) throw new InvalidDataException($"'{path}' is smaller than {all.Count} inputs of {side}³; delete it to rebuild");
        var positions = all.Select((r, position) => (r, position)).Where(p => p.r.Split == split).Select(p => p.position).ToArray();
        return new SurrogateSamples(file, view, dataOffset, side, all.Where(r => r.Split == split).ToList(), positions);
    }

    /// <summary>Copies the solid counts of sample <paramref name="i"/> (layout z, y, x with x fastest).</summary>
    public void ReadInput(int i, byte[] destination) =>
        _view.ReadArray(_dataOffset + (long)_rowPositions[i] * Volume, destination, 0, Volume);

    /// <summary>η_x, η_y, η_z of sample <paramref name="i"/>.</summary>
    public (double X, double Y, double Z) Labels(int i) => (Rows[i].EtaX, Rows[i].EtaY, Rows[i].EtaZ);

    /// <summary>η along an axis of sample <paramref name="i"/>.</summary>
    public double Label(int i, Axis axis) => Rows[i].Eta(axis);

    /// <inheritdoc />
    public void Dispose()
    {
        _view.Dispose();
        _file.Dispose();
    }
}
