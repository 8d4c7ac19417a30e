namespace Spinodoid.Microstructure;

/// <summary>
/// Thresholding a field at its empirical ε-quantile (eq. 2): pore where Ψ &lt; T, so that exactly
/// round(ε·N³) voxels are pore.
/// </summary>
public static class PorosityThreshold
{
    private const int Bins = 1 << 14;

    /// <summary>Pore mask (1 = pore) holding the round(ε·count) smallest values of <paramref name="field"/>.</summary>
    public static byte[] Apply(float[] field, double porosity) => ApplyWithLevel(field, porosity).Pore;

    /// <summary>
    /// The pore mask of <see cref="Apply"/> and a threshold T that makes it a level set: pore exactly where
    /// Ψ &lt; T (T halfway between the largest pore value and the smallest solid one; ties aside).
    /// </summary>
    public static (byte[] Pore, float Threshold) ApplyWithLevel(float[] field, double porosity)
    {
        if (!(porosity > 0 && porosity < 1))
            throw new ArgumentOutOfRangeException(nameof(porosity), $"porosity ε = {porosity} is outside the allowed range (0, 1)");
        long count = field.LongLength;
        long target = (long)Math.Round(porosity * count);
        var pore = new byte[count];
        var (min, max) = MinMax(field);
        if (target == 0) return (pore, min);
        if (target == count) { Array.Fill(pore, (byte)1); return (pore, MathF.BitIncrement(max)); }

        if (!(max > min)) throw new ArgumentException("the field is constant; it cannot be thresholded to a porosity");
        double scale = Bins / ((double)max - min);
        var histogram = Histogram(field, min, scale);

        // The bin holding the target-th smallest value.
        long below = 0;
        int bin = 0;
        while (below + histogram[bin] < target) below += histogram[bin++];

        // Values in lower bins are pore; values of the boundary bin are sorted to place the threshold exactly.
        var boundary = new List<(float Value, long Index)>((int)histogram[bin]);
        for (long i = 0; i < count; i++)
        {
            int b = BinOf(field[i], min, scale);
            if (b < bin) pore[i] = 1;
            else if (b == bin) boundary.Add((field[i], i));
        }
        boundary.Sort((p, q) => p.Value != q.Value ? p.Value.CompareTo(q.Value) : p.Index.CompareTo(q.Index));
        long needed = target - below;
        for (int j = 0; j < needed; j++) pore[boundary[j].Index] = 1;
        float largestPore = boundary[(int)needed - 1].Value;
        float smallestSolid = needed < boundary.Count ? boundary[(int)needed].Value : SmallestAbove(field, min, scale, bin);
        float threshold = (float)(0.5 * ((double)largestPore + smallestSolid));
        // Rounding to float may land on the largest pore value; Ψ < T must hold for it.
        if (!(threshold > largestPore)) threshold = MathF.BitIncrement(largestPore);
        return (pore, threshold);
    }

    private static float SmallestAbove(float[] field, float min, double scale, int bin)
    {
        float smallest = float.PositiveInfinity;
        foreach (float v in field) if (BinOf(v, min, scale) > bin && v < smallest) smallest = v;
        return smallest;
    }

    private static int BinOf(float v, float min, double scale) => Math.Min(Bins - 1, (int)((v - min) * scale));

    private static (float Min, float Max) MinMax(float[] field)
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        object gate = new();
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0L, field.LongLength, 1 << 18), range =>
        {
            var span = field.AsSpan((int)range.Item1, (int)(range.Item2 - range.Item1));
            var (lo, hi) = MinMax(span);
            lock (gate) { min = Math.Min(min, lo); max = Math.Max(max, hi); }
        });
        if (float.IsNaN(min) || float.IsNaN(max)) throw new ArgumentException("the field contains NaN");
        return (min, max);
    }

    private static (float Min, float Max) MinMax(ReadOnlySpan<float> span)
    {
        int width = System.Numerics.Vector<float>.Count, i = 0;
        var vmin = new System.Numerics.Vector<float>(float.PositiveInfinity);
        var vmax = new System.Numerics.Vector<float>(float.NegativeInfinity);
        for (; i <= span.Length - width; i += width)
        {
            var v = new System.Numerics.Vector<float>(span.Slice(i, width));
            vmin = System.Numerics.Vector.Min(vmin, v);
            vmax = System.Numerics.Vector.Max(vmax, v);
        }
        float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
        for (int j = 0; j < width; j++) { lo = Math.Min(lo, vmin[j]); hi = Math.Max(hi, vmax[j]); }
        for (; i < span.Length; i++) { lo = Math.Min(lo, span[i]); hi = Math.Max(hi, span[i]); }
        return (lo, hi);
    }

    private static long[] Histogram(float[] field, float min, double scale)
    {
        var total = new long[Bins];
        object gate = new();
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0L, field.LongLength, 1 << 18),
            () => new long[Bins],
            (range, _, local) =>
            {
                for (long i = range.Item1; i < range.Item2; i++) local[BinOf(field[i], min, scale)]++;
                return local;
            },
            local => { lock (gate) for (int b = 0; b < Bins; b++) total[b] += local[b]; });
        return total;
    }
}
