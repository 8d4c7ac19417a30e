using Spinodoid.Microstructure;
using Spinodoid.Runtime;

namespace Spinodoid.Geometry;

/// <summary>How many times a periodic structure is repeated along x, y and z.</summary>
public readonly record struct Tiling(int X, int Y, int Z)
{
    /// <summary>One copy.</summary>
    public static Tiling None => new(1, 1, 1);

    /// <summary>The largest repeat count along one axis.</summary>
    public const int MaximumRepeats = 16;

    /// <summary>Parses "2,2,1" (or one number for all three axes).</summary>
    public static Tiling Parse(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length == 1) parts = [parts[0], parts[0], parts[0]];
        if (parts.Length != 3 || parts.Any(p => !int.TryParse(p, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) || n < 1 || n > MaximumRepeats))
            throw new ArgumentException($"tiling '{text}' must be three whole numbers in [1, {MaximumRepeats}] such as 2,2,1 (copies along x, y, z)");
        return new Tiling(int.Parse(parts[0]), int.Parse(parts[1]), int.Parse(parts[2]));
    }

    /// <inheritdoc/>
    public override string ToString() => $"{X},{Y},{Z}";
}

/// <summary>Smooth, closed surfaces of one phase of a structure (<see cref="LevelSetSurface"/>).</summary>
public static class StructureSurface
{
    /// <summary>
    /// The most grid cells one surface may span: about 1.2 triangles per cell for spinodoids, so this is some 180
    /// million triangles, a 9 GB STL; beyond it, sample more coarsely.
    /// </summary>
    public const long MaximumCells = 150_000_000;

    // A surface holds ~1.2 triangles (and 0.6 vertices) per cell: 12 bytes per triangle, 12 per vertex, and the
    // edge check sorts 3 keys of 8 bytes per triangle.
    private const long BytesPerCell = 45;

    private static void CheckSize(long cells, string what)
    {
        if (cells > MaximumCells)
            throw new ArgumentException($"{what} spans {cells:N0} grid cells, more than the {MaximumCells:N0} allowed " +
                                        $"(about {1.2 * cells / 1e6:N0} million triangles); use a smaller --resolution or fewer --tile copies");
        MemoryBudget.Require(cells * BytesPerCell, what);
    }

    /// <summary>
    /// The surface of <paramref name="phase"/> of the spinodoid (θ, seed): the level set Ψ = T of the continuous
    /// field, sampled at <paramref name="resolution"/> points per period along each axis (the field is resolution
    /// independent, so a coarser sampling is the same structure drawn with fewer triangles) and repeated
    /// <paramref name="tiles"/> times. Coordinates are in periods: one structure spans [0, 1]³, aligned with its voxels.
    /// </summary>
    public static SurfaceMesh Spinodoid(SpinodoidParameters theta, ulong seed, int resolution, Tiling tiles, Phase phase = Phase.Solid)
    {
        theta.Validated();
        SpinodoidGenerator.ValidateSize(resolution);
        int m = resolution;
        CheckSize((long)tiles.X * m * tiles.Y * m * tiles.Z * m, $"the surface of {tiles.X}×{tiles.Y}×{tiles.Z} copies at {m} samples per side");
        MemoryBudget.Require(SpinodoidGenerator.EstimatePeakBytes(m) + 8L * m * m * m, $"the field for a surface at {m} samples per side");
        float[]? corners = null;
        float threshold = 0;
        GaussianRandomField.GenerateShifted(theta.LengthScales, seed, m, [GaussianRandomField.Shift.None, GaussianRandomField.Shift.Corner],
            (shift, field) =>
            {
                var copy = field.ToArray();
                // T is the porosity quantile of the voxel-centre samples, as for the voxels (eq. 2).
                if (shift == GaussianRandomField.Shift.None) threshold = PorosityThreshold.ApplyWithLevel(copy, theta.Porosity).Threshold;
                else corners = copy;
            });
        var values = corners!;
        float sign = phase == Phase.Solid ? 1 : -1, level = threshold;
        // Grid point p along an axis is voxel corner p: the upper corner of voxel p − 1 (periodically).
        float[] Axis(int count) => Enumerable.Range(0, count * m + 1).Select(p => (float)p / m).ToArray();
        int Wrap(int p) => ((p - 1) % m + m) % m;
        var xs = Axis(tiles.X);
        var ys = Axis(tiles.Y);
        var zs = Axis(tiles.Z);
        return LevelSetSurface.Extract(new SampledLevelSet(xs, ys, zs, (k, plane) =>
        {
            long zOffset = (long)Wrap(k) * m * m;
            for (int j = 0; j < ys.Length; j++)
            {
                long row = zOffset + (long)Wrap(j) * m;
                for (int i = 0; i < xs.Length; i++) plane[i + xs.Length * j] = sign * (values[row + Wrap(i)] - level);
            }
        }));
    }

    /// <summary>
    /// The surface of <paramref name="phase"/> of a structure in voxel units (the box [0, N]): the level set where
    /// the structure has one (an image read as a continuous field: sub-voxel), otherwise the voxels themselves
    /// (pore −½, solid +½: the surface passes half-way between unlike voxel centres). Samples sit at the voxel
    /// centres, and the outermost voxels are repeated onto the box faces so the surface fills the box.
    /// </summary>
    public static SurfaceMesh FromStructure(VoxelStructure structure, Phase phase = Phase.Solid)
    {
        var s = structure.Shape;
        CheckSize(s.Count, $"the surface of a {s} image");
        var phi = structure.LevelSet;
        var pore = structure.Pore;
        float sign = phase == Phase.Solid ? 1 : -1;
        static float[] Axis(int n)
        {
            var a = new float[n + 2];
            for (int p = 1; p <= n; p++) a[p] = p - 0.5f;
            a[n + 1] = n;
            return a;
        }
        var (xs, ys, zs) = (Axis(s.Nx), Axis(s.Ny), Axis(s.Nz));
        return LevelSetSurface.Extract(new SampledLevelSet(xs, ys, zs, (k, plane) =>
        {
            int z = Math.Clamp(k - 1, 0, s.Nz - 1);
            for (int j = 0; j < ys.Length; j++)
            {
                int y = Math.Clamp(j - 1, 0, s.Ny - 1);
                for (int i = 0; i < xs.Length; i++)
                {
                    long v = s.Index(Math.Clamp(i - 1, 0, s.Nx - 1), y, z);
                    // The level set is negative in the pore; solid is its complement.
                    float value = phi is not null ? phi[v] : pore[v] != 0 ? -0.5f : 0.5f;
                    plane[i + xs.Length * j] = sign * value;
                }
            }
        }));
    }
}
