using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Spinodoid.Runtime;

namespace Spinodoid.Transport;

/// <summary>The operations a multigrid level offers (one call per sweep, not per cell).</summary>
internal interface IGridLevel
{
    long Count { get; }
    /// <summary>One red–black Gauss–Seidel sweep: the cells of colour <paramref name="first"/>, then the others.</summary>
    void Sweep(float[] b, float[] x, int first);
    /// <summary>coarse[I] = Σ_{i ∈ I} (b − A x)_i: the residual, restricted without storing it.</summary>
    void RestrictResidual(float[] b, float[] x, WeightedGrid coarse, float[] coarseValues);
    void Prolongate(WeightedGrid coarse, float[] coarseValues, float[] x, float scale);
    WeightedGrid Coarsen();
}

/// <summary>Unaligned vector loads and stores along a row, and the red–black lane masks, for the level kernels.</summary>
internal static class RowVectors
{
    /// <summary>All bits set on the even (odd) lanes: selects one colour of a row in red–black smoothing.</summary>
    public static readonly Vector<float> EvenLanes = LaneMask(0), OddLanes = LaneMask(1);

    private static Vector<float> LaneMask(int parity)
    {
        Span<float> lanes = stackalloc float[Vector<float>.Count];
        for (int j = 0; j < lanes.Length; j++) lanes[j] = (j & 1) == parity ? BitConverter.Int32BitsToSingle(-1) : 0f;
        return new Vector<float>(lanes);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Load(ref float start, int offset) =>
        Unsafe.ReadUnaligned<Vector<float>>(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref start, offset)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector<float> value, ref float start, int offset) =>
        Unsafe.WriteUnaligned(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref start, offset)), value);
}

/// <summary>
/// A red–black Gauss–Seidel sweep with both colours in one pass over memory: within a block of z planes, colour A is
/// updated on plane z and then colour B on plane z − 1, whose A neighbours (planes z − 2 … z) are then final, so each
/// plane's data is read while still in cache instead of once per colour. A block's first and last planes of colour B
/// need the neighbouring blocks' colour A, so they follow in a second, short parallel pass. Every cell sees exactly
/// the neighbour values of the two-pass sweep (no level wraps around in z), so the result is bit for bit the same.
/// </summary>
internal static class RedBlackSweep
{
    public static void Run(int nz, bool parallel, int first, Action<int, int> smoothPlane)
    {
        int second = 1 - first;
        // Blocks of 16 planes or more (each block's two edge planes are read twice), several per core so that a busy
        // core does not hold up the sweep; on many cores, at least one block per core as long as blocks keep 4 planes.
        int cores = Environment.ProcessorCount;
        int blocks = parallel ? Math.Clamp(Math.Max(nz / 16, Math.Min(nz / 4, cores)), 1, 4 * cores) : 1;
        (int Start, int End) Block(int t) => ((int)((long)nz * t / blocks), (int)((long)nz * (t + 1) / blocks));
        void Interior(int t)
        {
            var (z0, z1) = Block(t);
            for (int z = z0; z < z1; z++)
            {
                smoothPlane(first, z);
                if (z - 1 > z0) smoothPlane(second, z - 1);
            }
        }
        void Edges(int t)
        {
            var (z0, z1) = Block(t);
            if (z1 <= z0) return;
            smoothPlane(second, z0);
            if (z1 - 1 > z0) smoothPlane(second, z1 - 1);
        }
        if (blocks == 1) { Interior(0); Edges(0); return; }
        Parallel.For(0, blocks, Interior);
        Parallel.For(0, blocks, Edges);
    }
}

/// <summary>The finest level, which the conjugate-gradient iteration works on.</summary>
internal interface IFineLevel : IGridLevel
{
    int Nx { get; }
    int Ny { get; }
    int Nz { get; }
    int Plane { get; }
    /// <summary>True for the cells that are unknowns (every other vector entry stays 0).</summary>
    bool IsUnknown(long cell);
    /// <summary>Runs <paramref name="body"/> for every internal z plane (in parallel on large grids).</summary>
    void ForEachPlane(Action<int> body);
    /// <summary>q = A p; returns p·q (double-precision sum in a fixed order).</summary>
    double ApplyDot(float[] p, float[] q);
    /// <summary>r = b − A x with x in double precision, b = <paramref name="inletRhs"/> on the first layer, 0 elsewhere.</summary>
    void Residual(float[] inletRhs, double[] x, float[] r);
    /// <summary>Gives the level's large arrays back to the buffer pool.</summary>
    void Release();
}

/// <summary>
/// The finest level, straight from the voxels: every face between two unknown cells conducts with
/// conductance 1, and every other vector entry is kept at 0, so the neighbour sum is a plain 6-point stencil
/// (Σ x_neighbour) with no conductances to load — which the kernels evaluate a whole row at a time with
/// <see cref="Vector{T}"/>. Red–black Gauss–Seidel computes the update for a whole row and keeps it on one
/// colour: within a colour no two cells are x-neighbours, so that is the sequential update.
/// </summary>
internal sealed class FineGrid : IFineLevel
{
    private static Vector<float> EvenLanes => RowVectors.EvenLanes;
    private static Vector<float> OddLanes => RowVectors.OddLanes;
    private static Vector<float> Load(ref float start, int offset) => RowVectors.Load(ref start, offset);
    private static void Store(Vector<float> value, ref float start, int offset) => RowVectors.Store(value, ref start, offset);

    public readonly int Nx, Ny, Nz;
    public readonly bool Wrap;
    public readonly byte[] Diag;      // conducting faces + boundary conductance; 0 where a cell is not an unknown
    public readonly float[] InvDiag;  // 1 / Diag, 0 where a cell is not an unknown

    private readonly float[] _zeroRow;

    public FineGrid(int nx, int ny, int nz, bool wrap, byte[] diag, float[] inverseDiag)
    {
        Nx = nx; Ny = ny; Nz = nz; Wrap = wrap; Diag = diag; InvDiag = inverseDiag;
        _zeroRow = new float[nx];
    }

    public long Count => (long)Nx * Ny * Nz;
    public int Plane => Nx * Ny;
    int IFineLevel.Nx => Nx;
    int IFineLevel.Ny => Ny;
    int IFineLevel.Nz => Nz;

    public bool IsUnknown(long cell) => Diag[cell] != 0;

    public void Release()
    {
        BufferPool<byte>.Return(Diag);
        BufferPool<float>.Return(InvDiag);
    }

    public void ForEachPlane(Action<int> body) => ForPlanes(body);

    private void ForPlanes(Action<int> body)
    {
        if (Count < 1 << 15) for (int z = 0; z < Nz; z++) body(z);
        else Parallel.For(0, Nz, body);
    }

    /// <summary>The six neighbour rows of row (iy, iz); absent neighbours (closed sides, beyond the layers) are zeros.</summary>
    private (ReadOnlyMemory<float> Up, ReadOnlyMemory<float> Down, ReadOnlyMemory<float> Above, ReadOnlyMemory<float> Below)
        NeighbourRows(float[] x, int iy, int iz)
    {
        int nx = Nx, plane = Plane;
        long row = ((long)iz * Ny + iy) * nx;
        ReadOnlyMemory<float> zero = _zeroRow;
        var up = iy + 1 < Ny ? x.AsMemory((int)(row + nx), nx) : Wrap && Ny > 1 ? x.AsMemory((int)(row - (long)(Ny - 1) * nx), nx) : zero;
        var down = iy > 0 ? x.AsMemory((int)(row - nx), nx) : Wrap && Ny > 1 ? x.AsMemory((int)(row + (long)(Ny - 1) * nx), nx) : zero;
        var above = iz + 1 < Nz ? x.AsMemory((int)(row + plane), nx) : zero;
        var below = iz > 0 ? x.AsMemory((int)(row - plane), nx) : zero;
        return (up, down, above, below);
    }

    /// <summary>sum[i] = Σ of the six neighbours of each cell of row (iy, iz).</summary>
    private void RowNeighbourSum(float[] x, int iy, int iz, Span<float> padded, Span<float> sum)
    {
        int nx = Nx;
        long row = ((long)iz * Ny + iy) * nx;
        var own = x.AsSpan((int)row, nx);
        // Ghost cells carry the wrap-around neighbours (or zeros for closed sides).
        own.CopyTo(padded.Slice(1, nx));
        bool wrapX = Wrap && nx > 1;
        padded[0] = wrapX ? own[nx - 1] : 0f;
        padded[nx + 1] = wrapX ? own[0] : 0f;
        var (upM, downM, aboveM, belowM) = NeighbourRows(x, iy, iz);
        var up = upM.Span; var down = downM.Span; var above = aboveM.Span; var below = belowM.Span;
        int i = 0, w = Vector<float>.Count;
        ref float p = ref MemoryMarshal.GetReference(padded);
        ref float u = ref MemoryMarshal.GetReference(up);
        ref float d = ref MemoryMarshal.GetReference(down);
        ref float a = ref MemoryMarshal.GetReference(above);
        ref float b = ref MemoryMarshal.GetReference(below);
        ref float s = ref MemoryMarshal.GetReference(sum);
        for (; i <= nx - w; i += w)
        {
            var v = Load(ref p, i) + Load(ref p, i + 2) + Load(ref u, i) + Load(ref d, i) + Load(ref a, i) + Load(ref b, i);
            Store(v, ref s, i);
        }
        for (; i < nx; i++) sum[i] = padded[i] + padded[i + 2] + up[i] + down[i] + above[i] + below[i];
    }

    private delegate void RowKernel(long row, ReadOnlySpan<float> sum);

    private void ForRows(float[] x, RowKernel kernel) => ForPlanes(iz =>
    {
        Span<float> padded = Nx <= 2048 ? stackalloc float[Nx + 2] : new float[Nx + 2];
        Span<float> sum = Nx <= 2048 ? stackalloc float[Nx] : new float[Nx];
        for (int iy = 0; iy < Ny; iy++)
        {
            RowNeighbourSum(x, iy, iz, padded, sum);
            kernel(((long)iz * Ny + iy) * Nx, sum);
        }
    });

    /// <summary>q = A p; returns p·q (double-precision sum in a fixed order).</summary>
    public double ApplyDot(float[] p, float[] q)
    {
        var partial = new double[Nz];
        ForPlanes(iz =>
        {
            Span<float> padded = Nx <= 2048 ? stackalloc float[Nx + 2] : new float[Nx + 2];
            Span<float> sum = Nx <= 2048 ? stackalloc float[Nx] : new float[Nx];
            int nx = Nx, w = Vector<float>.Count;
            var acc = Vector<double>.Zero;
            double tail = 0;
            for (int iy = 0; iy < Ny; iy++)
            {
                RowNeighbourSum(p, iy, iz, padded, sum);
                long row = ((long)iz * Ny + iy) * nx;
                ref float ps = ref p[row]; ref float qs = ref q[row]; ref float inv = ref InvDiag[row];
                ref float ss = ref MemoryMarshal.GetReference(sum);
                int i = 0;
                for (; i <= nx - w; i += w)
                {
                    var iv = Load(ref inv, i);
                    var pv = Load(ref ps, i);
                    // Diag·p = p / InvDiag on unknowns; elsewhere 0 (the division by 0 there is discarded).
                    var v = Vector.ConditionalSelect(Vector.GreaterThan(iv, Vector<float>.Zero), pv / iv - Load(ref ss, i), Vector<float>.Zero);
                    Store(v, ref qs, i);
                    Vector.Widen(pv * v, out var lo, out var hi);
                    acc += lo + hi;
                }
                for (; i < nx; i++)
                {
                    float v = InvDiag[row + i] > 0 ? p[row + i] / InvDiag[row + i] - sum[i] : 0f;
                    q[row + i] = v;
                    tail += (double)p[row + i] * v;
                }
            }
            partial[iz] = Vector.Sum(acc) + tail;
        });
        double total = 0;
        foreach (var v in partial) total += v;
        return total;
    }

    /// <summary>
    /// r = b − A x with x in double precision (the true residual of the single-precision iteration), where b
    /// is <paramref name="inletRhs"/> on the first layer and 0 elsewhere.
    /// </summary>
    public void Residual(float[] inletRhs, double[] x, float[] r) => ForPlanes(iz =>
    {
        int nx = Nx, ny = Ny, plane = Plane;
        for (int iy = 0; iy < ny; iy++)
        {
            long row = ((long)iz * ny + iy) * nx;
            for (int ix = 0; ix < nx; ix++)
            {
                long i = row + ix;
                if (Diag[i] == 0) { r[i] = 0; continue; }
                double s = iz == 0 ? inletRhs[i] : 0;
                if (ix + 1 < nx) s += x[i + 1]; else if (Wrap && nx > 1) s += x[row];
                if (ix > 0) s += x[i - 1]; else if (Wrap && nx > 1) s += x[row + nx - 1];
                if (iy + 1 < ny) s += x[i + nx]; else if (Wrap && ny > 1) s += x[i - (long)(ny - 1) * nx];
                if (iy > 0) s += x[i - nx]; else if (Wrap && ny > 1) s += x[i + (long)(ny - 1) * nx];
                if (iz + 1 < Nz) s += x[i + plane];
                if (iz > 0) s += x[i - plane];
                r[i] = (float)(s - Diag[i] * x[i]);
            }
        }
    });

    /// <summary>coarse[I] = Σ_{i ∈ I} (b − A x)_i, one coarse plane (two fine planes) per task.</summary>
    public void RestrictResidual(float[] b, float[] x, WeightedGrid coarse, float[] coarseValues)
    {
        Array.Clear(coarseValues);
        int cx = coarse.Nx, cy = coarse.Ny;
        Action<int> coarsePlane = kz =>
        {
            Span<float> padded = Nx <= 2048 ? stackalloc float[Nx + 2] : new float[Nx + 2];
            Span<float> sum = Nx <= 2048 ? stackalloc float[Nx] : new float[Nx];
            int nx = Nx, w = Vector<float>.Count;
            for (int iz = 2 * kz; iz < Math.Min(Nz, 2 * kz + 2); iz++)
                for (int iy = 0; iy < Ny; iy++)
                {
                    RowNeighbourSum(x, iy, iz, padded, sum);
                    long row = ((long)iz * Ny + iy) * nx;
                    ref float xs = ref x[row]; ref float bs = ref b[row]; ref float inv = ref InvDiag[row];
                    ref float ss = ref MemoryMarshal.GetReference(sum);
                    int i = 0;
                    for (; i <= nx - w; i += w)
                    {
                        var iv = Load(ref inv, i);
                        var v = Load(ref bs, i) - Load(ref xs, i) / iv + Load(ref ss, i);
                        Store(Vector.ConditionalSelect(Vector.GreaterThan(iv, Vector<float>.Zero), v, Vector<float>.Zero), ref ss, i);
                    }
                    for (; i < nx; i++) sum[i] = InvDiag[row + i] > 0 ? b[row + i] - x[row + i] / InvDiag[row + i] + sum[i] : 0f;
                    long c = ((long)kz * cy + iy / 2) * cx;
                    int fx = 0;
                    for (; fx + 1 < nx; fx += 2) coarseValues[c + fx / 2] += sum[fx] + sum[fx + 1];
                    if (fx < nx) coarseValues[c + fx / 2] += sum[fx];
                }
        };
        if (Count < 1 << 15) for (int kz = 0; kz < coarse.Nz; kz++) coarsePlane(kz);
        else Parallel.For(0, coarse.Nz, coarsePlane);
    }

    public void Sweep(float[] b, float[] x, int first) =>
        RedBlackSweep.Run(Nz, Count >= 1 << 15, first, (colour, iz) => SmoothPlane(b, x, colour, iz));

    /// <summary>Gauss–Seidel update of the cells of one colour ((x + y + z) mod 2) in plane <paramref name="iz"/>.</summary>
    private void SmoothPlane(float[] b, float[] x, int colour, int iz)
    {
        Span<float> padded = Nx <= 2048 ? stackalloc float[Nx + 2] : new float[Nx + 2];
        Span<float> sum = Nx <= 2048 ? stackalloc float[Nx] : new float[Nx];
        int nx = Nx, w = Vector<float>.Count;
        for (int iy = 0; iy < Ny; iy++)
        {
            RowNeighbourSum(x, iy, iz, padded, sum);
            long row = ((long)iz * Ny + iy) * nx;
            int first = (colour + iy + iz) & 1; // x-parity of this colour in this row
            var lanes = first == 0 ? EvenLanes : OddLanes;
            ref float xs = ref x[row]; ref float bs = ref b[row]; ref float inv = ref InvDiag[row];
            ref float ss = ref MemoryMarshal.GetReference(sum);
            int i = 0;
            for (; i <= nx - w; i += w)
            {
                // Inactive cells have InvDiag = 0, so their update is 0 — which they already hold.
                var updated = (Load(ref bs, i) + Load(ref ss, i)) * Load(ref inv, i);
                Store(Vector.ConditionalSelect(lanes, updated, Load(ref xs, i)), ref xs, i);
            }
            for (; i < nx; i++)
                if (((i + first) & 1) == 0) x[row + i] = (b[row + i] + sum[i]) * InvDiag[row + i];
        }
    }

    public void Prolongate(WeightedGrid coarse, float[] coarseValues, float[] x, float scale) =>
        Aggregation.Prolongate(Nx, Ny, Nz, InvDiag, coarse, coarseValues, x, scale);

    /// <summary>The same operator in the general conductance form, coarsened once (Galerkin, 2×2×2 aggregates).</summary>
    public WeightedGrid Coarsen()
    {
        var conductances = AsConductances();
        var coarse = new WeightedGrid(conductances.Coarsen());
        foreach (var g in new[] { conductances.Gx, conductances.Gy, conductances.Gz }) BufferPool<byte>.Return(g);
        return coarse;
    }

    /// <summary>Face conductances (1 between two unknowns) of this level, for coarsening.</summary>
    private ConductanceGrid<byte> AsConductances()
    {
        long count = Count;
        int nx = Nx, ny = Ny, plane = Plane;
        var gx = BufferPool<byte>.Rent(count);
        var gy = BufferPool<byte>.Rent(count);
        var gz = BufferPool<byte>.Rent(count);
        ForPlanes(iz =>
        {
            for (int iy = 0; iy < ny; iy++)
            {
                long row = ((long)iz * ny + iy) * nx;
                for (int ix = 0; ix < nx; ix++)
                {
                    long i = row + ix;
                    gx[i] = gy[i] = gz[i] = 0;
                    if (Diag[i] == 0) continue;
                    if (ix + 1 < nx) gx[i] = Diag[i + 1] != 0 ? (byte)1 : (byte)0;
                    else if (Wrap && nx > 1) gx[i] = Diag[row] != 0 ? (byte)1 : (byte)0;
                    if (iy + 1 < ny) gy[i] = Diag[i + nx] != 0 ? (byte)1 : (byte)0;
                    else if (Wrap && ny > 1) gy[i] = Diag[i - (long)(ny - 1) * nx] != 0 ? (byte)1 : (byte)0;
                    if (iz + 1 < Nz) gz[i] = Diag[i + plane] != 0 ? (byte)1 : (byte)0;
                }
            }
        });
        return new ConductanceGrid<byte>(nx, ny, Nz, gx, gy, gz, Diag);
    }
}
