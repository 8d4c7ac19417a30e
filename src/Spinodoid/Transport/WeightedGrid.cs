using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Spinodoid.Transport;

/// <summary>
/// A multigrid level in conductance form (<see cref="ConductanceGrid{T}"/>), with row-wise vectorised kernels
/// like <see cref="FineGrid"/>'s, but weighting each neighbour by its face conductance: every coarse level,
/// and the finest level of the sub-voxel discretisation (face conductances from the continuous structure).
/// </summary>
/// <remarks>
/// As a finest level it relies on what the transport problem guarantees: a face touching a cell that is not an
/// unknown has conductance 0, so such cells see a zero neighbour sum and stay 0 in every vector.
/// </remarks>
internal sealed class WeightedGrid : IFineLevel
{
    private readonly ConductanceGrid<float> _g;
    private readonly float[] _inverseDiag;
    private readonly float[] _zeroRow;

    private readonly float[]? _inlet, _outlet;
    private readonly bool _pooled;
    private int _released;

    /// <summary>
    /// A level; as the finest one, with the conductances of its first and last layer to the fixed concentrations.
    /// <paramref name="pooled"/>: the grid's arrays came from <see cref="Runtime.BufferPool{T}"/>, and <see cref="Release"/>
    /// gives them back with the inverse diagonal (one solve's set-up then touches no fresh memory).
    /// </summary>
    public WeightedGrid(ConductanceGrid<float> grid, float[]? inlet = null, float[]? outlet = null, bool pooled = false)
    {
        _g = grid;
        _inlet = inlet;
        _outlet = outlet;
        _pooled = pooled;
        var inverse = _inverseDiag = pooled ? Runtime.BufferPool<float>.Rent(grid.Count) : new float[grid.Count];
        var diag = grid.Diag;
        int plane = grid.Plane;
        ForEachPlane(z =>
        {
            for (long i = (long)z * plane; i < (long)(z + 1) * plane; i++) inverse[i] = diag[i] > 0 ? 1f / diag[i] : 0f;
        });
        _zeroRow = new float[grid.Nx];
    }

    public int Nx => _g.Nx;
    public int Ny => _g.Ny;
    public int Nz => _g.Nz;
    public int Plane => _g.Plane;
    public long Count => _g.Count;

    public bool IsUnknown(long cell) => _g.Diag[cell] > 0;

    public void ForEachPlane(Action<int> body)
    {
        if (Count < 1 << 15) for (int z = 0; z < Nz; z++) body(z);
        else Parallel.For(0, Nz, body);
    }

    public void Release()
    {
        // Once only: an array given back twice would be handed to two users at once.
        if (!_pooled || Interlocked.Exchange(ref _released, 1) == 1) return;
        foreach (var array in new[] { _g.Gx, _g.Gy, _g.Gz, _g.Diag, _inverseDiag }) Runtime.BufferPool<float>.Return(array);
    }

    public double ApplyDot(float[] p, float[] q)
    {
        var partial = new double[Nz];
        ForRows(p, (row, sum) =>
        {
            var d = Diag.AsSpan(row, Nx);
            var ps = p.AsSpan(row, Nx);
            var qs = q.AsSpan(row, Nx);
            int i = 0, w = Vector<float>.Count;
            var acc = Vector<double>.Zero;
            for (; i <= d.Length - w; i += w)
            {
                var pv = new Vector<float>(ps.Slice(i));
                var v = new Vector<float>(d.Slice(i)) * pv - new Vector<float>(sum.Slice(i));
                v.CopyTo(qs.Slice(i));
                Vector.Widen(pv * v, out var lo, out var hi);
                acc += lo + hi;
            }
            double total = Vector.Sum(acc);
            for (; i < d.Length; i++)
            {
                float v = d[i] * ps[i] - sum[i];
                qs[i] = v;
                total += (double)ps[i] * v;
            }
            // Rows of one plane run in order on one thread, so the sum is reproducible.
            partial[row / Plane] += total;
        });
        double result = 0;
        foreach (var v in partial) result += v;
        return result;
    }

    public void Residual(float[] inletRhs, double[] x, float[] r) => ForEachPlane(iz =>
    {
        int nx = Nx, ny = Ny, plane = Plane;
        var g = _g;
        for (int iy = 0; iy < ny; iy++)
        {
            long row = ((long)iz * ny + iy) * nx;
            long up = iy + 1 < ny ? row + nx : row - (long)(ny - 1) * nx;
            long down = iy > 0 ? row - nx : row + (long)(ny - 1) * nx;
            for (int ix = 0; ix < nx; ix++)
            {
                long i = row + ix;
                if (!(g.Diag[i] > 0)) { r[i] = 0; continue; }
                long left = ix > 0 ? i - 1 : row + nx - 1, right = ix + 1 < nx ? i + 1 : row;
                // The diagonal is summed here in double from the same conductances (plus the boundary part
                // that Diag holds beyond them), so that the operator conserves flux to double precision: the
                // float Diag alone differs from the sum of its faces by rounding, a spurious source of ~10⁻⁷.
                double s = iz == 0 ? inletRhs[i] : 0;
                double faces = (double)g.Gx[i] + g.Gx[left];
                s += (double)g.Gx[i] * x[right] + (double)g.Gx[left] * x[left];
                if (ny > 1)
                {
                    s += (double)g.Gy[i] * x[up + ix] + (double)g.Gy[down + ix] * x[down + ix];
                    faces += (double)g.Gy[i] + g.Gy[down + ix];
                }
                if (iz + 1 < Nz) { s += (double)g.Gz[i] * x[i + plane]; faces += g.Gz[i]; }
                if (iz > 0) { s += (double)g.Gz[i - plane] * x[i - plane]; faces += g.Gz[i - plane]; }
                double diagonal = faces;
                if (_inlet is not null && iz == 0) diagonal += _inlet[i];
                if (_outlet is not null && iz == Nz - 1) diagonal += _outlet[i - (long)(Nz - 1) * plane];
                r[i] = (float)(s - diagonal * x[i]);
            }
        }
    });
    public float[] Diag => _g.Diag;
    public ConductanceGrid<float> Conductances => _g;

    /// <summary>sum[i] = Σ_faces G · x_neighbour for each cell of row (iy, iz).</summary>
    private void RowNeighbourSum(float[] x, int iy, int iz, Span<float> xPad, Span<float> gPad, Span<float> sum)
    {
        int nx = Nx, ny = Ny, plane = nx * ny;
        int row = (iz * ny + iy) * nx;
        var g = _g;
        // Padded row: xPad[i] = x[i − 1], gPad[i] = Gx[i − 1], with the wrap-around face (Gx of the last
        // cell, 0 when the sides are closed) at both ends.
        x.AsSpan(row, nx).CopyTo(xPad.Slice(1, nx));
        xPad[0] = x[row + nx - 1];
        xPad[nx + 1] = x[row];
        g.Gx.AsSpan(row, nx).CopyTo(gPad.Slice(1, nx));
        gPad[0] = g.Gx[row + nx - 1];
        ReadOnlySpan<float> zero = _zeroRow;
        bool hasY = ny > 1;
        int upRow = iy + 1 < ny ? row + nx : row - (ny - 1) * nx;
        int downRow = iy > 0 ? row - nx : row + (ny - 1) * nx;
        var xUp = hasY ? x.AsSpan(upRow, nx) : zero;
        var xDown = hasY ? x.AsSpan(downRow, nx) : zero;
        var gUp = g.Gy.AsSpan(row, nx);
        var gDown = hasY ? g.Gy.AsSpan(downRow, nx) : zero;
        var xAbove = iz + 1 < Nz ? x.AsSpan(row + plane, nx) : zero;
        var gAbove = g.Gz.AsSpan(row, nx);
        var xBelow = iz > 0 ? x.AsSpan(row - plane, nx) : zero;
        var gBelow = iz > 0 ? g.Gz.AsSpan(row - plane, nx) : zero;
        int i = 0, w = Vector<float>.Count;
        ref float xp = ref MemoryMarshal.GetReference(xPad);
        ref float gp = ref MemoryMarshal.GetReference(gPad);
        ref float xu = ref MemoryMarshal.GetReference(xUp);
        ref float xd = ref MemoryMarshal.GetReference(xDown);
        ref float gu = ref MemoryMarshal.GetReference(gUp);
        ref float gd = ref MemoryMarshal.GetReference(gDown);
        ref float xa = ref MemoryMarshal.GetReference(xAbove);
        ref float ga = ref MemoryMarshal.GetReference(gAbove);
        ref float xb = ref MemoryMarshal.GetReference(xBelow);
        ref float gb = ref MemoryMarshal.GetReference(gBelow);
        ref float s = ref MemoryMarshal.GetReference(sum);
        for (; i <= nx - w; i += w)
        {
            var v = Load(ref gp, i + 1) * Load(ref xp, i + 2) + Load(ref gp, i) * Load(ref xp, i)
                  + Load(ref gu, i) * Load(ref xu, i) + Load(ref gd, i) * Load(ref xd, i)
                  + Load(ref ga, i) * Load(ref xa, i) + Load(ref gb, i) * Load(ref xb, i);
            Store(v, ref s, i);
        }
        for (; i < nx; i++)
            sum[i] = gPad[i + 1] * xPad[i + 2] + gPad[i] * xPad[i] + gUp[i] * xUp[i] + gDown[i] * xDown[i]
                   + gAbove[i] * xAbove[i] + gBelow[i] * xBelow[i];
    }

    private static Vector<float> Load(ref float start, int offset) => RowVectors.Load(ref start, offset);
    private static void Store(Vector<float> value, ref float start, int offset) => RowVectors.Store(value, ref start, offset);

    private void ForRows(float[] x, Action<int, Span<float>> kernel)
    {
        Action<int> plane = iz =>
        {
            int nx = Nx;
            Span<float> xPad = nx <= 2048 ? stackalloc float[nx + 2] : new float[nx + 2];
            Span<float> gPad = nx <= 2048 ? stackalloc float[nx + 2] : new float[nx + 2];
            Span<float> sum = nx <= 2048 ? stackalloc float[nx] : new float[nx];
            for (int iy = 0; iy < Ny; iy++)
            {
                RowNeighbourSum(x, iy, iz, xPad, gPad, sum);
                kernel((iz * Ny + iy) * nx, sum);
            }
        };
        if (Count < 1 << 15) for (int z = 0; z < Nz; z++) plane(z);
        else Parallel.For(0, Nz, plane);
    }

    /// <summary>coarse[I] = Σ_{i ∈ I} (b − A x)_i, one coarse plane (two fine planes) per task, without storing the residual.</summary>
    public void RestrictResidual(float[] b, float[] x, WeightedGrid coarse, float[] coarseValues)
    {
        Array.Clear(coarseValues);
        int cx = coarse.Nx, cy = coarse.Ny;
        Action<int> coarsePlane = kz =>
        {
            int nx = Nx;
            Span<float> xPad = nx <= 2048 ? stackalloc float[nx + 2] : new float[nx + 2];
            Span<float> gPad = nx <= 2048 ? stackalloc float[nx + 2] : new float[nx + 2];
            Span<float> sum = nx <= 2048 ? stackalloc float[nx] : new float[nx];
            int w = Vector<float>.Count;
            for (int iz = 2 * kz; iz < Math.Min(Nz, 2 * kz + 2); iz++)
                for (int iy = 0; iy < Ny; iy++)
                {
                    RowNeighbourSum(x, iy, iz, xPad, gPad, sum);
                    int row = (iz * Ny + iy) * nx;
                    ref float xs = ref x[row]; ref float bs = ref b[row]; ref float d = ref Diag[row];
                    ref float ss = ref MemoryMarshal.GetReference(sum);
                    int i = 0;
                    // Cells that are not unknowns have b = x = 0 and a zero neighbour sum: their residual is 0.
                    for (; i <= nx - w; i += w) Store(Load(ref bs, i) - Load(ref d, i) * Load(ref xs, i) + Load(ref ss, i), ref ss, i);
                    for (; i < nx; i++) sum[i] = b[row + i] - Diag[row + i] * x[row + i] + sum[i];
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
        int nx = Nx;
        Span<float> xPad = nx <= 2048 ? stackalloc float[nx + 2] : new float[nx + 2];
        Span<float> gPad = nx <= 2048 ? stackalloc float[nx + 2] : new float[nx + 2];
        Span<float> sum = nx <= 2048 ? stackalloc float[nx] : new float[nx];
        for (int iy = 0; iy < Ny; iy++)
        {
            RowNeighbourSum(x, iy, iz, xPad, gPad, sum);
            int row = (iz * Ny + iy) * nx;
            int first = (colour + iy + iz) & 1; // x-parity of this colour in this row
            var lanes = first == 0 ? RowVectors.EvenLanes : RowVectors.OddLanes;
            ref float xs = ref x[row]; ref float bs = ref b[row]; ref float inv = ref _inverseDiag[row];
            ref float ss = ref MemoryMarshal.GetReference(sum);
            int i = 0, w = Vector<float>.Count;
            for (; i <= nx - w; i += w)
            {
                var updated = (Load(ref bs, i) + Load(ref ss, i)) * Load(ref inv, i);
                Store(Vector.ConditionalSelect(lanes, updated, Load(ref xs, i)), ref xs, i);
            }
            for (; i < nx; i++)
                if (((i + first) & 1) == 0) x[row + i] = (b[row + i] + sum[i]) * _inverseDiag[row + i];
        }
    }

    public void Prolongate(WeightedGrid coarse, float[] coarseValues, float[] x, float scale) =>
        Aggregation.Prolongate(Nx, Ny, Nz, Diag, coarse, coarseValues, x, scale);

    public WeightedGrid Coarsen() => new(_g.Coarsen());
}

/// <summary>Transfers between a level and its 2×2×2-aggregated coarse level (piecewise-constant).</summary>
internal static class Aggregation
{
    /// <summary>coarse[I] = Σ_{i ∈ I} fine[i].</summary>
    public static void Restrict(int nx, int ny, int nz, float[] fine, WeightedGrid coarse, float[] coarseValues)
    {
        Array.Clear(coarseValues);
        int cx = coarse.Nx, cy = coarse.Ny;
        Action<int> plane = kz =>
        {
            for (int fz = 2 * kz; fz < Math.Min(nz, 2 * kz + 2); fz++)
                for (int fy = 0; fy < ny; fy++)
                {
                    long f = ((long)fz * ny + fy) * nx;
                    long c = ((long)kz * cy + fy / 2) * cx;
                    int fx = 0;
                    for (; fx + 1 < nx; fx += 2) coarseValues[c + fx / 2] += fine[f + fx] + fine[f + fx + 1];
                    if (fx < nx) coarseValues[c + fx / 2] += fine[f + fx];
                }
        };
        if ((long)nx * ny * nz < 1 << 15) for (int kz = 0; kz < coarse.Nz; kz++) plane(kz);
        else Parallel.For(0, coarse.Nz, plane);
    }

    /// <summary>x[i] += scale · coarse[I(i)] on the unknown cells (where <paramref name="unknown"/> &gt; 0).</summary>
    /// <remarks>
    /// Each coarse row is expanded once (scale · value, twice per coarse cell) for the two fine rows it covers; the add
    /// is then a masked vector operation, with no branch per cell (a branch on "unknown" mispredicts at low porosity).
    /// The sums are the scalar ones, so x is bit for bit the same.
    /// </remarks>
    public static void Prolongate(int nx, int ny, int nz, float[] unknown, WeightedGrid coarse, float[] coarseValues, float[] x, float scale)
    {
        int cx = coarse.Nx, cy = coarse.Ny;
        Action<int> plane = fz =>
        {
            Span<float> expanded = nx <= 2048 ? stackalloc float[nx] : new float[nx];
            ref float e = ref MemoryMarshal.GetReference(expanded);
            int w = Vector<float>.Count;
            for (int fy = 0; fy < ny; fy++)
            {
                if ((fy & 1) == 0)
                {
                    long c = ((long)(fz / 2) * cy + fy / 2) * cx;
                    for (int fx = 0; fx < nx; fx++) expanded[fx] = scale * coarseValues[c + fx / 2];
                }
                int f = (fz * ny + fy) * nx;
                ref float xs = ref x[f];
                ref float u = ref unknown[f];
                int i = 0;
                for (; i <= nx - w; i += w)
                {
                    var add = Vector.ConditionalSelect(Vector.GreaterThan(RowVectors.Load(ref u, i), Vector<float>.Zero), RowVectors.Load(ref e, i), Vector<float>.Zero);
                    RowVectors.Store(RowVectors.Load(ref xs, i) + add, ref xs, i);
                }
                for (; i < nx; i++)
                    if (unknown[f + i] > 0) x[f + i] += expanded[i];
            }
        };
        if ((long)nx * ny * nz < 1 << 15) for (int z = 0; z < nz; z++) plane(z);
        else Parallel.For(0, nz, plane);
    }
}
