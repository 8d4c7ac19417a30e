using Spinodoid.Microstructure;
using Spinodoid.Transport;

namespace Spinodoid.Tests.Transport;

/// <summary>
/// Reference for the sub-voxel system: assembles the finite-volume equations with face conductances equal to
/// the apertures, cell by cell in structure coordinates, removes what no conducting path joins to both inlet
/// and outlet (breadth-first search), and solves by dense elimination in double precision. Written apart from
/// the solver's layout, permutation, percolation and multigrid.
/// </summary>
internal static class DirectSubvoxelDiffusivity
{
    public static double Solve(FaceApertures g, Axis axis, BoundaryConvention convention, LateralBoundary sides)
    {
        var shape = g.Shape;
        int a = (int)axis, length = shape[axis];
        bool paper = convention == BoundaryConvention.Paper;
        bool periodic = sides == LateralBoundary.Periodic;
        int[] size = [shape.Nx, shape.Ny, shape.Nz];
        int lo = paper ? 1 : 0, hi = paper ? length - 2 : length - 1;   // unknown layers along the axis
        bool Unknown(int[] p) => p[a] >= lo && p[a] <= hi;

        // Conductance of the face between p and its neighbour one step along d (±1); null when there is none.
        int[]? Neighbour(int[] p, int d, int step)
        {
            int[] q = [p[0], p[1], p[2]];
            q[d] += step;
            if (q[d] >= 0 && q[d] < size[d]) return q;
            if (d == a || !periodic || size[d] == 1) return null;
            q[d] = (q[d] + size[d]) % size[d];
            return q;
        }
        double Face(int[] p, int d, int step)
        {
            int[] lower = [p[0], p[1], p[2]];
            if (step < 0)
            {
                lower[d] -= 1;
                if (lower[d] < 0) lower[d] += size[d];
            }
            return g.Normal((Axis)d)[shape.Index(lower[0], lower[1], lower[2])];
        }
        double Inlet(int[] p)
        {
            if (p[a] != lo) return 0;
            if (paper) return Face(p, a, -1);
            // The plane of faces at −½: the other two coordinates, lower axis fastest.
            long index = axis switch { Axis.X => p[1] + (long)shape.Ny * p[2], Axis.Y => p[0] + (long)shape.Nx * p[2], _ => p[0] + (long)shape.Nx * p[1] };
            return 2 * g.LowPlane(axis)[index];
        }
        double Outlet(int[] p) => p[a] != hi ? 0 : (paper ? 1 : 2) * Face(p, a, +1);

        var cells = new List<int[]>();
        for (int z = 0; z < shape.Nz; z++)
            for (int y = 0; y < shape.Ny; y++)
                for (int x = 0; x < shape.Nx; x++)
                    if (Unknown([x, y, z])) cells.Add([x, y, z]);
        bool[] Reach(Func<int[], double> seed)
        {
            var seen = new bool[shape.Count];
            var queue = new Queue<int[]>();
            foreach (var p in cells)
                if (seed(p) > 0) { seen[shape.Index(p[0], p[1], p[2])] = true; queue.Enqueue(p); }
            while (queue.Count > 0)
            {
                var p = queue.Dequeue();
                for (int d = 0; d < 3; d++)
                    foreach (int step in new[] { -1, 1 })
                    {
                        var q = Neighbour(p, d, step);
                        if (q is null || !Unknown(q) || Face(p, d, step) <= 0) continue;
                        long qi = shape.Index(q[0], q[1], q[2]);
                        if (!seen[qi]) { seen[qi] = true; queue.Enqueue(q); }
                    }
            }
            return seen;
        }
        var fromInlet = Reach(Inlet);
        var fromOutlet = Reach(Outlet);
        var kept = cells.Where(p => fromInlet[shape.Index(p[0], p[1], p[2])] && fromOutlet[shape.Index(p[0], p[1], p[2])]).ToList();
        if (kept.Count == 0) return 0;
        var index = new Dictionary<long, int>();
        for (int k = 0; k < kept.Count; k++) index[shape.Index(kept[k][0], kept[k][1], kept[k][2])] = k;
        int n = kept.Count;
        var m = new double[n, n + 1];
        for (int k = 0; k < n; k++)
        {
            var p = kept[k];
            m[k, k] += Inlet(p) + Outlet(p);
            m[k, n] += Inlet(p);
            for (int d = 0; d < 3; d++)
                foreach (int step in new[] { -1, 1 })
                {
                    var q = Neighbour(p, d, step);
                    if (q is null || !index.TryGetValue(shape.Index(q[0], q[1], q[2]), out int qk)) continue;
                    double c = Face(p, d, step);
                    m[k, k] += c;
                    m[k, qk] -= c;
                }
        }
        var solution = DirectDiffusivity.GaussianElimination(m, n);
        double flux = 0;
        for (int k = 0; k < n; k++) flux += Inlet(kept[k]) * (1 - solution[k]);
        return flux * convention.TransportLength(length) / ((double)shape.Count / length);
    }
}
