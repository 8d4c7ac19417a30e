using Spinodoid.Transport;

namespace Spinodoid.Tests.Transport;

/// <summary>The sub-voxel problem's percolating cells (union–find over runs) against a plain breadth-first search.</summary>
public class PercolationTests
{
    [Theory]
    [InlineData(7, 5, 6, 0.45, 1)]
    [InlineData(12, 12, 12, 0.5, 2)]
    [InlineData(16, 9, 11, 0.6, 3)]
    [InlineData(1, 8, 9, 0.9, 4)]
    [InlineData(9, 1, 8, 0.9, 5)]
    [InlineData(10, 10, 10, 0.35, 6)]
    public void AgreesWithBreadthFirstSearch(int nx, int ny, int nz, double open, int seed)
    {
        var random = new Random(seed);
        long count = (long)nx * ny * nz;
        float Face() => random.NextDouble() < open ? (float)random.NextDouble() + 0.01f : 0f;
        var gx = Enumerable.Range(0, (int)count).Select(_ => Face()).ToArray();
        var gy = Enumerable.Range(0, (int)count).Select(_ => Face()).ToArray();
        var gz = Enumerable.Range(0, (int)count).Select(_ => Face()).ToArray();
        var inlet = Enumerable.Range(0, nx * ny).Select(_ => Face()).ToArray();
        var outlet = Enumerable.Range(0, nx * ny).Select(_ => Face()).ToArray();
        int plane = nx * ny;
        // As the problem builds them: no z face beyond the last layer, no face of a cell to itself.
        gz.AsSpan((int)((nz - 1L) * plane), plane).Clear();
        for (int r = 0; r < ny * nz; r++) if (nx == 1) gx[r] = 0;
        if (ny == 1) Array.Clear(gy);

        var keep = TransportProblem.Percolation(gx, gy, gz, inlet, outlet, nx, ny, nz);

        IEnumerable<int> Neighbours(int c)
        {
            int i = c % nx, j = c / nx % ny, k = c / plane, row = c - i;
            int right = row + (i + 1) % nx, left = row + (i + nx - 1) % nx;
            int up = c + (((j + 1) % ny) - j) * nx, down = c + (((j + ny - 1) % ny) - j) * nx;
            if (gx[c] > 0) yield return right;
            if (gx[left] > 0) yield return left;
            if (gy[c] > 0) yield return up;
            if (gy[down] > 0) yield return down;
            if (k + 1 < nz && gz[c] > 0) yield return c + plane;
            if (k > 0 && gz[c - plane] > 0) yield return c - plane;
        }
        bool[] Reach(float[] seeds, int layer)
        {
            var reached = new bool[count];
            var queue = new Queue<int>();
            for (int p = 0; p < plane; p++)
                if (seeds[p] > 0) { reached[layer * plane + p] = true; queue.Enqueue(layer * plane + p); }
            while (queue.Count > 0)
                foreach (int n in Neighbours(queue.Dequeue()))
                    if (!reached[n]) { reached[n] = true; queue.Enqueue(n); }
            return reached;
        }
        var fromInlet = Reach(inlet, 0);
        var fromOutlet = Reach(outlet, nz - 1);
        int kept = 0;
        for (int c = 0; c < count; c++)
        {
            Assert.True((keep[c] != 0) == (fromInlet[c] && fromOutlet[c]), $"cell {c}");
            kept += keep[c];
        }
        // The cases span both answers: some keep cells, and a sparse one keeps few or none.
        Assert.True(open < 0.4 || kept > 0, $"nothing percolates at open fraction {open}");
    }
}
