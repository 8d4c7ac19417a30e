using System.Globalization;
using Spinodoid.Datasets;
using Spinodoid.Runtime;

namespace Spinodoid.Surrogate;

/// <summary>
/// The coarse-grid η (<see cref="CoarseTransport"/>) of a dataset's CNN inputs, kept in the dataset folder as
/// <c>coarse-{side}.csv</c>. They are a function of the inputs alone, like the labels, so they are solved once per dataset
/// and shared by every network's correction fit (<c>spinodoid correct</c>) and corrected evaluation: the correction of a
/// retrained network then costs its own predictions only. Each row carries the dataset's labels, so a table that belongs
/// to another dataset is refused rather than mixed in. Rows are appended as they are solved, so an interrupted run keeps
/// what it finished; a last line cut short is dropped and solved again.
/// </summary>
public sealed class CoarseFeatureTable
{
    /// <summary>The table's header: the dataset row index, its labels, then the six coarse η.</summary>
    public const string Header = "index,eta_x,eta_y,eta_z,coarse_half_x,coarse_half_y,coarse_half_z,coarse_quarter_x,coarse_quarter_y,coarse_quarter_z";

    private readonly string _path;
    private readonly Dictionary<int, double[]> _coarse;
    private readonly Dictionary<int, double[]> _labels;
    private readonly object _gate = new();

    private CoarseFeatureTable(string path, Dictionary<int, double[]> coarse, Dictionary<int, double[]> labels)
    {
        _path = path; _coarse = coarse; _labels = labels;
    }

    /// <summary>The table's file for inputs of side <paramref name="side"/> (N/2) in a dataset folder.</summary>
    public static string PathOf(string datasetDirectory, int side) =>
        Path.Combine(datasetDirectory, string.Create(CultureInfo.InvariantCulture, $"coarse-{side}.csv"));

    /// <summary>Structures whose coarse η the table holds.</summary>
    public int Count { get { lock (_gate) return _coarse.Count; } }

    /// <summary>Opens (or starts) the table of a dataset folder; refuses one whose labels are not the dataset's.</summary>
    public static CoarseFeatureTable Open(string datasetDirectory, int side)
    {
        var labels = DatasetStore.Load(datasetDirectory).Rows.ToDictionary(r => r.Index, r => new[] { r.EtaX, r.EtaY, r.EtaZ });
        string path = PathOf(datasetDirectory, side);
        var coarse = new Dictionary<int, double[]>();
        foreach (var (index, v) in AppendOnlyTable.Read(path, Header, "a coarse-grid η table"))
        {
            if (!labels.TryGetValue(index, out var expected) || !expected.SequenceEqual(v[..3]))
                throw new InvalidDataException($"'{path}' holds structure {index} with labels that '{datasetDirectory}' does not have; it belongs to another dataset: delete it to solve again");
            coarse[index] = v[3..];
        }
        return new CoarseFeatureTable(path, coarse, labels);
    }

    /// <summary>The coarse η of dataset row <paramref name="index"/>, or null when the table does not hold it yet.</summary>
    public double[]? Find(int index)
    {
        lock (_gate) return _coarse.TryGetValue(index, out var values) ? values : null;
    }

    /// <summary>
    /// The coarse η of the structures <paramref name="indices"/> (dataset row indices) with inputs
    /// <paramref name="solidCounts"/>: from the table, solving (and appending) only the ones it does not hold.
    /// </summary>
    public double[][] Get(IReadOnlyList<int> indices, IReadOnlyList<byte[]> solidCounts, int side)
    {
        if (indices.Count != solidCounts.Count) throw new ArgumentException($"{indices.Count} indices for {solidCounts.Count} inputs");
        var result = indices.Select(Find).ToArray();
        var missing = Enumerable.Range(0, result.Length).Where(k => result[k] is null).ToList();
        if (missing.Count == 0) return result!;
        var solved = CoarseTransport.Solve(missing.Select(k => solidCounts[k]).ToList(), side);
        for (int m = 0; m < missing.Count; m++) result[missing[m]] = solved[m];
        Add(missing.Select(k => indices[k]).ToList(), solved);
        return result!;
    }

    /// <summary>Records coarse η solved elsewhere (e.g. a model folder's correction table) that the table lacks.</summary>
    public void Add(IReadOnlyList<int> indices, IReadOnlyList<double[]> coarse)
    {
        var lines = new List<string>();
        lock (_gate)
        {
            for (int k = 0; k < indices.Count; k++)
            {
                if (_coarse.ContainsKey(indices[k])) continue;
                if (coarse[k].Length != CoarseTransport.Count) throw new ArgumentException($"{coarse[k].Length} coarse values for structure {indices[k]}, not {CoarseTransport.Count}");
                if (!_labels.TryGetValue(indices[k], out var label)) throw new ArgumentException($"structure {indices[k]} is not in the dataset of '{_path}'");
                _coarse[indices[k]] = coarse[k];
                lines.Add(AppendOnlyTable.Line(indices[k], label.Concat(coarse[k])));
            }
            AppendOnlyTable.Append(_path, Header, lines);
        }
    }
}
