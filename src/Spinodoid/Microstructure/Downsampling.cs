namespace Spinodoid.Microstructure;

/// <summary>The CNN input of the paper: 2×2×2 blocks reduced to the count of solid voxels, 0…8.</summary>
public static class Downsampling
{
    /// <summary>
    /// Counts the solid voxels in each non-overlapping 2×2×2 block (192³ → 96³). Output layout is x fastest,
    /// like the structure. All sides must be even.
    /// </summary>
    public static byte[] SolidCounts2x(VoxelStructure structure)
    {
        var s = structure.Shape;
        if (s.Nx % 2 != 0 || s.Ny % 2 != 0 || s.Nz % 2 != 0)
            throw new ArgumentException($"2×2×2 downsampling needs even sides, got {s}");
        int hx = s.Nx / 2, hy = s.Ny / 2, hz = s.Nz / 2;
        var counts = new byte[(long)hx * hy * hz];
        var pore = structure.Pore;
        Parallel.For(0, hz, z =>
        {
            for (int y = 0; y < hy; y++)
            {
                long outRow = ((long)z * hy + y) * hx;
                long r00 = s.Index(0, 2 * y, 2 * z), r01 = s.Index(0, 2 * y + 1, 2 * z);
                long r10 = s.Index(0, 2 * y, 2 * z + 1), r11 = s.Index(0, 2 * y + 1, 2 * z + 1);
                for (int x = 0; x < hx; x++)
                {
                    int x2 = 2 * x;
                    int poreCount = pore[r00 + x2] + pore[r00 + x2 + 1] + pore[r01 + x2] + pore[r01 + x2 + 1]
                                  + pore[r10 + x2] + pore[r10 + x2 + 1] + pore[r11 + x2] + pore[r11 + x2 + 1];
                    counts[outRow + x] = (byte)(8 - poreCount);
                }
            }
        });
        return counts;
    }
}
