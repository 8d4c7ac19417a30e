using Spinodoid.Microstructure;
using Spinodoid.Transport;

namespace Spinodoid.Surrogate;

/// <summary>
/// η of the CNN input itself, solved on two coarse grids: the 2×2×2 solid counts read as a level set (pore fraction
/// of each cell, interface where it is ½) at the input's side N/2, and its 2×2×2 block means at N/4, each with the
/// sub-voxel solver. A CNN that pools its feature maps over space sees local shapes but not where the pore space
/// narrows along a path, which decides η at low porosity; these solves do, and the two grids together say how
/// strongly the answer still depends on resolution. A function of the counts alone, so scans and generated
/// structures get the same numbers.
/// </summary>
public static class CoarseTransport
{
    /// <summary>Values per structure: η_x, η_y, η_z at N/2, then at N/4.</summary>
    public const int Count = 6;

    /// <summary>
    /// Stopping tolerance of the coarse solves. Measured on 12 test structures at N/2 = 64: 10⁻⁴ is within 5·10⁻⁶ of
    /// a 10⁻⁷ solve, and looser tolerances save almost nothing (most of the cost is setting up the grids).
    /// </summary>
    public const double Tolerance = 1e-4;

    /// <summary>
    /// The six coarse η of one input (<paramref name="solidCounts"/>: side³ counts 0…8, x fastest); a direction
    /// whose coarse pore space does not percolate gives 0.
    /// </summary>
    /// <exception cref="ArgumentException">The counts do not fill a cube of an even side ≥ 4.</exception>
    public static double[] Solve(byte[] solidCounts, int side)
    {
        if (side < 4 || side % 2 != 0 || solidCounts.LongLength != (long)side * side * side)
            throw new ArgumentException($"coarse transport needs a cube of counts with an even side ≥ 4; got {solidCounts.LongLength} values for side {side}");
        int half = side / 2;
        var fine = new float[solidCounts.Length];
        var coarse = new float[(long)half * half * half];
        for (int z = 0; z < side; z++)
            for (int y = 0; y < side; y++)
            {
                long row = ((long)z * side + y) * side, coarseRow = ((long)(z / 2) * half + y / 2) * half;
                for (int x = 0; x < side; x++)
                {
                    // The network's own input scaling is this level set: solid fraction − ½.
                    fine[row + x] = SurrogateScaling.ScaleInput(solidCounts[row + x]);
                    coarse[coarseRow + x / 2] += solidCounts[row + x] / 64f;
                }
            }
        for (long i = 0; i < coarse.LongLength; i++) coarse[i] -= 0.5f;
        var options = new DiffusivityOptions(Tolerance: Tolerance, Discretization: Discretization.Subvoxel);
        var result = new double[Count];
        foreach (var (phi, n, offset) in new[] { (fine, side, 0), (coarse, half, 3) })
        {
            var structure = VoxelStructure.FromLevelSet(new GridShape(n, n, n), phi);
            var solved = DiffusivitySolver.SolveAll(structure, options);
            for (int d = 0; d < 3; d++) result[offset + d] = solved[d].Diffusivity;
        }
        return result;
    }

    /// <summary>The coarse η of many inputs, in parallel over the inputs.</summary>
    public static double[][] Solve(IReadOnlyList<byte[]> solidCounts, int side)
    {
        var result = new double[solidCounts.Count][];
        Parallel.For(0, solidCounts.Count, i => result[i] = Solve(solidCounts[i], side));
        return result;
    }
}
