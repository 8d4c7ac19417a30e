using Spinodoid.Microstructure;
using Spinodoid.Runtime;

namespace Spinodoid.Tests.Support;

/// <summary>Slow, obviously correct reference implementations to test the fast ones against.</summary>
public static class Reference
{
    /// <summary>Voxels of <paramref name="phase"/> reachable from the inlet layer by 6-neighbour steps.</summary>
    public static bool[] ReachableFromInlet(byte[] mask, GridShape s, byte phase, Axis axis, bool periodicSides, bool fromOutlet = false)
    {
        var seen = new bool[s.Count];
        var queue = new Queue<(int X, int Y, int Z)>();
        int n = s[axis];
        int layer = fromOutlet ? n - 1 : 0;
        for (int z = 0; z < s.Nz; z++)
            for (int y = 0; y < s.Ny; y++)
                for (int x = 0; x < s.Nx; x++)
                {
                    int c = axis switch { Axis.X => x, Axis.Y => y, _ => z };
                    if (c != layer || mask[s.Index(x, y, z)] != phase) continue;
                    seen[s.Index(x, y, z)] = true;
                    queue.Enqueue((x, y, z));
                }
        int[][] steps = [[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]];
        while (queue.Count > 0)
        {
            var (x, y, z) = queue.Dequeue();
            foreach (var d in steps)
            {
                int[] p = [x + d[0], y + d[1], z + d[2]];
                int[] size = [s.Nx, s.Ny, s.Nz];
                bool ok = true;
                for (int a = 0; a < 3; a++)
                {
                    if (p[a] >= 0 && p[a] < size[a]) continue;
                    if (periodicSides && a != (int)axis) p[a] = (p[a] + size[a]) % size[a];
                    else ok = false;
                }
                if (!ok) continue;
                long i = s.Index(p[0], p[1], p[2]);
                if (seen[i] || mask[i] != phase) continue;
                seen[i] = true;
                queue.Enqueue((p[0], p[1], p[2]));
            }
        }
        return seen;
    }

    /// <summary>True when some voxel of the outlet layer is reachable from the inlet.</summary>
    public static bool Percolates(byte[] mask, GridShape s, byte phase, Axis axis, bool periodicSides)
    {
        var seen = ReachableFromInlet(mask, s, phase, axis, periodicSides);
        int last = s[axis] - 1;
        for (int z = 0; z < s.Nz; z++)
            for (int y = 0; y < s.Ny; y++)
                for (int x = 0; x < s.Nx; x++)
                {
                    int c = axis switch { Axis.X => x, Axis.Y => y, _ => z };
                    if (c == last && seen[s.Index(x, y, z)]) return true;
                }
        return false;
    }

    /// <summary>A random binary mask with independent voxels (pore with probability p).</summary>
    public static byte[] RandomMask(GridShape s, double p, ulong seed)
    {
        var random = new SeededRandom(seed);
        var mask = new byte[s.Count];
        for (long i = 0; i < mask.LongLength; i++) mask[i] = random.NextDouble() < p ? (byte)1 : (byte)0;
        return mask;
    }
}
