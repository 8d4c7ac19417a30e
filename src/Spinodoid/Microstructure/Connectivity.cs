namespace Spinodoid.Microstructure;

/// <summary>Whether one phase connects inlet to outlet along each axis.</summary>
public sealed record PhaseConnectivity(bool X, bool Y, bool Z)
{
    /// <summary>Connected along <paramref name="axis"/>.</summary>
    public bool this[Axis axis] => axis switch { Axis.X => X, Axis.Y => Y, _ => Z };

    /// <summary>Connected along all three axes.</summary>
    public bool All => X && Y && Z;
}

/// <summary>Inlet→outlet connectivity of both phases along x, y and z (the paper's acceptance test).</summary>
public sealed record ConnectivityReport(PhaseConnectivity Pore, PhaseConnectivity Solid, LateralBoundary Sides)
{
    /// <summary>Both phases connected along all three axes.</summary>
    public bool AllConnected => Pore.All && Solid.All;
}

/// <summary>
/// Inlet→outlet connectivity of a phase, by connected-component labelling.
/// </summary>
/// <remarks>
/// Neighbourhood: 6-connectivity (voxels sharing a face). That is exactly the connectivity of the
/// finite-volume diffusion problem, where a face conducts only when both voxels are pore; a path through
/// edges or corners carries no flux there, so a 26-connected check would accept structures with η = 0.
/// The inlet and outlet are the first and last voxel layers along the transport axis. With periodic
/// sides, paths may wrap across the sides parallel to the transport axis (never across inlet/outlet).
/// Labelling works on runs of the phase along x (run-length union–find), so it touches each run, not each
/// voxel, in the merge step.
/// </remarks>
public static class Connectivity
{
    /// <summary>Connectivity of both phases along all three axes.</summary>
    public static ConnectivityReport Analyze(VoxelStructure structure, LateralBoundary sides = LateralBoundary.Periodic)
    {
        PhaseConnectivity pore = default!, solid = default!;
        Parallel.Invoke(
            () => pore = OfPhase(structure.Pore, structure.Shape, 1, sides),
            () => solid = OfPhase(structure.Pore, structure.Shape, 0, sides));
        return new ConnectivityReport(pore, solid, sides);
    }

    /// <summary>Connectivity of the voxels equal to <paramref name="phaseValue"/> in <paramref name="mask"/>.</summary>
    public static PhaseConnectivity OfPhase(byte[] mask, GridShape shape, byte phaseValue, LateralBoundary sides)
    {
        var runs = RunLabels.Build(mask, shape, phaseValue);
        return new PhaseConnectivity(runs.Percolates(Axis.X, sides), runs.Percolates(Axis.Y, sides), runs.Percolates(Axis.Z, sides));
    }

    /// <summary>
    /// The pore voxels that belong to a cluster touching both the inlet and the outlet along
    /// <paramref name="axis"/> (isolated and dead-end-free clusters removed). 1 = kept pore.
    /// </summary>
    public static byte[] PercolatingPores(VoxelStructure structure, Axis axis, LateralBoundary sides)
    {
        var runs = RunLabels.Build(structure.Pore, structure.Shape, 1);
        return runs.PercolatingMask(axis, sides);
    }
}

/// <summary>Runs of one phase along x, with union–find labels over runs.</summary>
internal sealed class RunLabels
{
    private readonly GridShape _shape;
    private readonly int[] _rowStart;   // runs of row r are [_rowStart[r], _rowStart[r+1])
    private readonly int[] _begin;      // first x of each run
    private readonly int[] _end;        // one past the last x
    private readonly int[] _parent;     // union–find over runs without any wrapping

    private RunLabels(GridShape shape, int[] rowStart, int[] begin, int[] end, int[] parent)
    {
        _shape = shape; _rowStart = rowStart; _begin = begin; _end = end; _parent = parent;
    }

    public int RunCount => _begin.Length;

    public static RunLabels Build(byte[] mask, GridShape shape, byte phaseValue)
    {
        int nx = shape.Nx, rows = shape.Ny * shape.Nz;
        var rowStart = new int[rows + 1];
        Parallel.For(0, shape.Nz, z =>
        {
            for (int y = 0; y < shape.Ny; y++)
            {
                var row = mask.AsSpan((int)shape.Index(0, y, z), nx);
                int count = 0;
                bool inside = false;
                for (int x = 0; x < nx; x++)
                {
                    bool hit = row[x] == phaseValue;
                    if (hit && !inside) count++;
                    inside = hit;
                }
                rowStart[y + shape.Ny * z + 1] = count;
            }
        });
        for (int r = 0; r < rows; r++) rowStart[r + 1] += rowStart[r];
        int total = rowStart[rows];
        var begin = new int[total];
        var end = new int[total];
        Parallel.For(0, shape.Nz, z =>
        {
            for (int y = 0; y < shape.Ny; y++)
            {
                var row = mask.AsSpan((int)shape.Index(0, y, z), nx);
                int at = rowStart[y + shape.Ny * z];
                int x = 0;
                while (x < nx)
                {
                    int first = row.Slice(x).IndexOf(phaseValue);
                    if (first < 0) break;
                    x += first;
                    int length = row.Slice(x).IndexOfAnyExcept(phaseValue);
                    int stop = length < 0 ? nx : x + length;
                    begin[at] = x; end[at] = stop; at++;
                    x = stop;
                }
            }
        });

        var parent = new int[total];
        for (int i = 0; i < total; i++) parent[i] = i;
        var labels = new RunLabels(shape, rowStart, begin, end, parent);
        for (int z = 0; z < shape.Nz; z++)
            for (int y = 0; y < shape.Ny; y++)
            {
                int r = y + shape.Ny * z;
                if (y > 0) labels.UnionRows(parent, r, r - 1);
                if (z > 0) labels.UnionRows(parent, r, r - shape.Ny);
            }
        return labels;
    }

    /// <summary>Unions overlapping runs of two rows (face neighbours).</summary>
    private void UnionRows(int[] parent, int rowA, int rowB)
    {
        int i = _rowStart[rowA], iEnd = _rowStart[rowA + 1];
        int j = _rowStart[rowB], jEnd = _rowStart[rowB + 1];
        while (i < iEnd && j < jEnd)
        {
            if (_begin[i] < _end[j] && _begin[j] < _end[i]) Union(parent, i, j);
            if (_end[i] < _end[j]) i++; else j++;
        }
    }

    private static int Find(int[] parent, int i)
    {
        while (parent[i] != i)
        {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    private static void Union(int[] parent, int a, int b)
    {
        a = Find(parent, a); b = Find(parent, b);
        if (a == b) return;
        if (a < b) parent[b] = a; else parent[a] = b;
    }

    private int Row(int y, int z) => y + _shape.Ny * z;

    /// <summary>Labels for transport along <paramref name="axis"/>: the base labels plus lateral wraps.</summary>
    private int[] ParentsFor(Axis axis, LateralBoundary sides)
    {
        var parent = (int[])_parent.Clone();
        if (sides != LateralBoundary.Periodic) return parent;
        int nx = _shape.Nx, ny = _shape.Ny, nz = _shape.Nz;
        if (axis != Axis.X && nx > 1)
            for (int r = 0; r < ny * nz; r++)
            {
                int first = _rowStart[r], last = _rowStart[r + 1] - 1;
                if (last >= first && _begin[first] == 0 && _end[last] == nx) Union(parent, first, last);
            }
        if (axis != Axis.Y && ny > 1)
            for (int z = 0; z < nz; z++) UnionRows(parent, Row(ny - 1, z), Row(0, z));
        if (axis != Axis.Z && nz > 1)
            for (int y = 0; y < ny; y++) UnionRows(parent, Row(y, nz - 1), Row(y, 0));
        return parent;
    }

    /// <summary>Root labels that reach the inlet and the outlet along an axis (flags: 1 inlet, 2 outlet).</summary>
    private byte[] TouchFlags(int[] parent, Axis axis)
    {
        var flags = new byte[RunCount];
        int ny = _shape.Ny, nz = _shape.Nz;
        switch (axis)
        {
            case Axis.X:
                for (int i = 0; i < RunCount; i++)
                {
                    if (_begin[i] == 0) flags[Find(parent, i)] |= 1;
                    if (_end[i] == _shape.Nx) flags[Find(parent, i)] |= 2;
                }
                break;
            case Axis.Y:
                for (int z = 0; z < nz; z++)
                {
                    MarkRow(parent, flags, Row(0, z), 1);
                    MarkRow(parent, flags, Row(ny - 1, z), 2);
                }
                break;
            default:
                for (int y = 0; y < ny; y++)
                {
                    MarkRow(parent, flags, Row(y, 0), 1);
                    MarkRow(parent, flags, Row(y, nz - 1), 2);
                }
                break;
        }
        return flags;
    }

    private void MarkRow(int[] parent, byte[] flags, int row, byte flag)
    {
        for (int i = _rowStart[row]; i < _rowStart[row + 1]; i++) flags[Find(parent, i)] |= flag;
    }

    public bool Percolates(Axis axis, LateralBoundary sides)
    {
        var parent = ParentsFor(axis, sides);
        var flags = TouchFlags(parent, axis);
        for (int i = 0; i < flags.Length; i++) if (flags[i] == 3) return true;
        return false;
    }

    public byte[] PercolatingMask(Axis axis, LateralBoundary sides)
    {
        var parent = ParentsFor(axis, sides);
        var flags = TouchFlags(parent, axis);
        var mask = new byte[_shape.Count];
        int rows = _shape.Ny * _shape.Nz;
        for (int r = 0; r < rows; r++)
        {
            long rowOffset = (long)r * _shape.Nx;
            for (int i = _rowStart[r]; i < _rowStart[r + 1]; i++)
                if (flags[Find(parent, i)] == 3)
                    mask.AsSpan((int)(rowOffset + _begin[i]), _end[i] - _begin[i]).Fill(1);
        }
        return mask;
    }
}
