using Spinodoid.Microstructure;

namespace Spinodoid.IO;

/// <summary>
/// A voxel image as read from a file (x fastest): integer labels, before one label is chosen as the pore
/// phase, or floating-point values (a grey-value image or a level set).
/// </summary>
public sealed class LabelVolume
{
    private ushort[]? _labels;
    private readonly string _source;

    /// <summary>An image of integer labels.</summary>
    public LabelVolume(GridShape shape, ushort[] labels)
    {
        Shape = shape;
        _labels = labels;
        _source = "the image";
    }

    /// <summary>A floating-point image; <paramref name="source"/> names it in messages.</summary>
    public LabelVolume(GridShape shape, float[] values, string source)
    {
        Shape = shape;
        Values = values;
        _source = source;
    }

    /// <summary>Grid size.</summary>
    public GridShape Shape { get; }

    /// <summary>The values of a floating-point image (null for integer images).</summary>
    public float[]? Values { get; }

    /// <summary>True when every value of a floating-point image is a whole number in 0–65535 (a label image saved as float).</summary>
    public bool HoldsLabels => Values is null || Values.All(v => v is >= 0 and <= 65535 && v == MathF.Floor(v));

    /// <summary>Labels, x fastest.</summary>
    /// <exception cref="InvalidDataException">A floating-point image holds a value that is no label.</exception>
    public ushort[] Labels => _labels ??= ToLabels();

    private ushort[] ToLabels()
    {
        var values = Values!;
        var labels = new ushort[values.LongLength];
        for (long i = 0; i < values.LongLength; i++)
        {
            float v = values[i];
            if (!(v is >= 0 and <= 65535 && v == MathF.Floor(v)))
                throw new InvalidDataException($"{_source} holds the value {v.ToString(System.Globalization.CultureInfo.InvariantCulture)}, " +
                                               "so it is read as a level set (pore where value < --threshold), not as labels");
            labels[i] = (ushort)v;
        }
        return labels;
    }

    /// <summary>The distinct labels present (ascending).</summary>
    public IReadOnlyList<int> DistinctLabels()
    {
        var seen = new bool[65536];
        foreach (var v in Labels) seen[v] = true;
        var list = new List<int>();
        for (int i = 0; i < seen.Length; i++) if (seen[i]) list.Add(i);
        return list;
    }

    /// <summary>
    /// The binary structure with <paramref name="poreValue"/> as pore (all other labels solid). Without a
    /// value: images with labels {0, 1} take 1 as pore, images with {0, 255} take 255, others must say.
    /// </summary>
    public VoxelStructure ToStructure(int? poreValue, string source)
    {
        int pore = poreValue ?? AutomaticPoreValue(source);
        if (pore < 0 || pore > 65535) throw new ArgumentException($"pore value {pore} is outside the allowed range 0–65535");
        var mask = new byte[Labels.Length];
        ushort p = (ushort)pore;
        Parallel.For(0, Shape.Nz, z =>
        {
            long start = (long)z * Shape.Nx * Shape.Ny, end = start + (long)Shape.Nx * Shape.Ny;
            for (long i = start; i < end; i++) mask[i] = Labels[i] == p ? (byte)1 : (byte)0;
        });
        // A label that was asked for (option, sidecar, file description) but is absent is a mistake, not a solid image.
        if (poreValue is not null && !mask.AsSpan().Contains((byte)1))
        {
            var labels = DistinctLabels();
            string shown = string.Join(", ", labels.Take(8)) + (labels.Count > 8 ? ", …" : "");
            throw new ArgumentException($"pore value {pore} does not occur in '{source}', which holds the label(s) {shown}; " +
                                        "give the pore label with --pore-value");
        }
        return new VoxelStructure(Shape, mask);
    }

    private int AutomaticPoreValue(string source)
    {
        var labels = DistinctLabels();
        if (labels.All(v => v is 0 or 1)) return 1;
        if (labels.All(v => v is 0 or 255)) return 255;
        string shown = string.Join(", ", labels.Take(8)) + (labels.Count > 8 ? ", …" : "");
        throw new ArgumentException(
            $"'{source}' holds {labels.Count} labels ({shown}); say which one is pore with --pore-value");
    }
}
