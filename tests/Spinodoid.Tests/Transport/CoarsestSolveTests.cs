using Spinodoid.Transport;
using Xunit;

namespace Spinodoid.Tests.Transport;

/// <summary>The multigrid's coarsest-level solve: the envelope Cholesky factor solves the level's own operator.</summary>
public class CoarsestSolveTests
{
    /// <summary>
    /// A random coarse operator with the shapes the solver makes (sides wrapping in x and y, odd sizes, closed faces,
    /// cells that are not unknowns, fixed concentrations beyond the first and last z planes): A·x = b to rounding, and
    /// x equal to the dense Cholesky solution of the same matrix.
    /// </summary>
    [Theory]
    [InlineData(6, 5, 4, 1)]
    [InlineData(8, 8, 8, 2)]
    [InlineData(3, 7, 5, 3)]
    [InlineData(1, 4, 6, 4)]
    public void TheEnvelopeFactorSolvesTheCoarseOperator(int nx, int ny, int nz, int seed)
    {
        var random = new Random(seed);
        long count = (long)nx * ny * nz;
        int plane = nx * ny;
        var unknown = new bool[count];
        for (long i = 0; i < count; i++) unknown[i] = random.NextDouble() < 0.8;
        var gx = new float[count];
        var gy = new float[count];
        var gz = new float[count];
        var diag = new float[count];
        int Right(int i) => i % nx + 1 < nx ? i + 1 : i - i % nx;
        int Up(int i) => i / nx % ny + 1 < ny ? i + nx : i - i / nx % ny * nx;
        float Conductance(int i, int j) => i != j && unknown[i] && unknown[j] && random.NextDouble() < 0.85 ? (float)(0.1 + random.NextDouble()) : 0f;
        for (int i = 0; i < count; i++)
        {
            gx[i] = Conductance(i, Right(i));
            gy[i] = Conductance(i, Up(i));
            gz[i] = i / plane + 1 < nz ? Conductance(i, i + plane) : 0f;
        }
        // The diagonal: the faces of each cell, plus the fixed layers beyond the first and last planes.
        for (int i = 0; i < count; i++)
        {
            if (!unknown[i]) continue;
            int z = i / plane;
            diag[i] += gx[i] + gy[i] + gz[i] + (z == 0 || z == nz - 1 ? 0.5f : 0f);
            if (gx[i] > 0) diag[Right(i)] += gx[i];
            if (gy[i] > 0) diag[Up(i)] += gy[i];
            if (gz[i] > 0) diag[i + plane] += gz[i];
        }
        for (int i = 0; i < count; i++) if (diag[i] == 0) unknown[i] = false; // an isolated cell without boundary is no unknown
        var grid = new WeightedGrid(new ConductanceGrid<float>(nx, ny, nz, gx, gy, gz, diag));
        var b = new float[count];
        for (int i = 0; i < count; i++) b[i] = unknown[i] ? (float)(random.NextDouble() - 0.5) : 0f;
        var x = new float[count];
        new EnvelopeCholesky(grid).Solve(b, x);

        // Dense reference over the unknowns.
        var cells = Enumerable.Range(0, (int)count).Where(i => diag[i] > 0).ToArray();
        int n = cells.Length;
        var index = cells.Select((c, k) => (c, k)).ToDictionary(t => t.c, t => t.k);
        var a = new double[n, n];
        foreach (int i in cells)
        {
            a[index[i], index[i]] = diag[i];
            foreach (var (j, g) in new[] { (Right(i), gx[i]), (Up(i), gy[i]), (i + plane, gz[i]) })
                if (g > 0)
                {
                    a[index[i], index[j]] -= g;
                    a[index[j], index[i]] -= g;
                }
        }
        var dense = Spinodoid.Runtime.DenseLinearAlgebra.Solve(a, cells.Select(c => (double)b[c]).ToArray());
        Assert.NotNull(dense);
        double scale = dense!.Max(Math.Abs);
        for (int k = 0; k < n; k++) Assert.True(Math.Abs(x[cells[k]] - dense[k]) <= 1e-5 * scale, $"cell {cells[k]}: {x[cells[k]]} vs {dense[k]}");
        for (int i = 0; i < count; i++) if (diag[i] == 0) Assert.Equal(0f, x[i]);
    }
}
