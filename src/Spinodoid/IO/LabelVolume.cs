using Spinodoid.Microstructure;

namespace Spinodoid.IO;

/// <summary>
/// A labelled voxel image as read from a file (x fastest), before one label is chosen as the pore phase.
/// </summary>
public sealed class LabelVolume(GridShape shape, ushort[] labels)
{
    /// <summary>Grid size.</summary>
    public GridShape Shape { get; } = shape;

    /// <summary>Labels, x fastest.</summary>
    public ushort[] Labels { get; } = labels;

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
