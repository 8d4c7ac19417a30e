using Spinodoid.Microstructure;
using Spinodoid.Tests.Support;
using Spinodoid.Transport;

namespace Spinodoid.Tests.Transport;

/// <summary>
/// Reference: assembles the finite-volume system explicitly, voxel by voxel in structure coordinates, and
/// solves it by dense Gaussian elimination in double precision. Written independently of the solver's
/// layout, permutation and multigrid.
/// </summary>
internal static class DirectDiffusivity
{
    public static double Solve(VoxelStructure s, Axis axis, BoundaryConvention convention, LateralBoundary sides)
    {
        var shape = s.Shape;
        int a = (int)axis, length = shape[axis];
        bool paper = convention == BoundaryConvention.Paper;
        bool periodic = sides == LateralBoundary.Periodic;
        var fromInlet = Reference.ReachableFromInlet(s.Pore, shape, 1, axis, periodic);
        var fromOutlet = Reference.ReachableFromInlet(s.Pore, shape, 1, axis, periodic, fromOutlet: true);
        int[] size = [shape.Nx, shape.Ny, shape.Nz];
        bool Kept(int[] p) => fromInlet[shape.Index(p[0], p[1], p[2])] && fromOutlet[shape.Index(p[0], p[1], p[2])];
        bool Fixed(int[] p) => paper && (p[a] == 0 || p[a] == length - 1);

        var index = new Dictionary<long, int>();
        var cells = new List<int[]>();
        for (int z = 0; z < shape.Nz; z++)
            for (int y = 0; y < shape.Ny; y++)
                for (int x = 0; x < shape.Nx; x++)
                {
                    int[] p = [x, y, z];
                    if (Kept(p) && !Fixed(p)) { index[shape.Index(x, y, z)] = cells.Count; cells.Add(p); }
                }
        if (cells.Count == 0) return 0;
        int n = cells.Count;
        var m = new double[n, n + 1];
        for (int k = 0; k < n; k++)
        {
            var p = cells[k];
            for (int d = 0; d < 3; d++)
                foreach (int step in new[] { -1, 1 })
                {
                    int[] q = [p[0], p[1], p[2]];
                    q[d] += step;
                    if (q[d] < 0 || q[d] >= size[d])
                    {
                        if (d == a)
                        {
                            // TauFactor: the fixed face half a voxel outside (conductance 2).
                            if (!paper) { m[k, k] += 2; if (q[d] < 0) m[k, n] += 2; }
                            continue;
                        }
                        if (!periodic || size[d] == 1) continue;
                        q[d] = (q[d] + size[d]) % size[d];
                    }
                    if (!Kept(q)) continue;
                    m[k, k] += 1;
                    if (Fixed(q)) { if (q[a] == 0) m[k, n] += 1; }
                    else m[k, index[shape.Index(q[0], q[1], q[2])]] -= 1;
                }
        }
        var c = GaussianElimination(m, n);
        // Flux through the inlet.
        double flux = 0;
        for (int k = 0; k < n; k++)
        {
            var p = cells[k];
            if (paper && p[a] == 1)
            {
                int[] q = [p[0], p[1], p[2]];
                q[a] = 0;
                if (Kept(q)) flux += 1 - c[k];
            }
            if (!paper && p[a] == 0) flux += 2 * (1 - c[k]);
        }
        double area = (double)shape.Count / length;
        return flux * (paper ? length - 1 : length) / area;
    }

    internal static double[] GaussianElimination(double[,] m, int n)
    {
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < n; r++) if (Math.Abs(m[r, col]) > Math.Abs(m[pivot, col])) pivot = r;
            if (pivot != col) for (int k = 0; k <= n; k++) (m[col, k], m[pivot, k]) = (m[pivot, k], m[col, k]);
            for (int r = col + 1; r < n; r++)
            {
                double f = m[r, col] / m[col, col];
                if (f == 0) continue;
                for (int k = col; k <= n; k++) m[r, k] -= f * m[col, k];
            }
        }
        var x = new double[n];
        for (int r = n - 1; r >= 0; r--)
        {
            double s = m[r, n];
            for (int k = r + 1; k < n; k++) s -= m[r, k] * x[k];
            x[r] = s / m[r, r];
        }
        return x;
    }
}
