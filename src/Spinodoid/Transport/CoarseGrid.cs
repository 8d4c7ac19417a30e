using System.Numerics;
using System.Runtime.InteropServices;

namespace Spinodoid.Transport;

/// <summary>
/// A coarse multigrid level: the operator in conductance form (<see cref="ConductanceGrid{T}"/>), with row-wise
/// vectorised kernels like <see cref="FineGrid"/>'s, but weighting each neighbour by its face conductance.
/// </summary>
internal sealed class CoarseGrid : IGridLevel
{
    private readonly ConductanceGrid<float> _g;
    private readonly float[] _inverseDiag;
    private readonly float[] _zeroRow;

    public CoarseGrid(ConductanceGrid<float> grid)
    {
        _g = grid;
        _inverseDiag = new float[grid.Count];
        for (long i = 0; i < grid.Count; i++) _inverseDiag[i] = grid.Diag[i] > 0 ? 1f / grid.Diag[i] : 0f;
        _zeroRow = new float[grid.Nx];
    }

    public int Nx => _g.Nx;
    public int Ny => _g.Ny;
    public int Nz => _g.Nz;
    public long Count => _g.Count;
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
        for (; i <= nx - w; i += w)
        {
            var v = new Vector<float>(gPad.Slice(i + 1)) * new Vector<float>(xPad.Slice(i + 2))
                  + new Vector<float>(gPad.Slice(i)) * new Vector<float>(xPad.Slice(i))
                  + new Vector<float>(gUp.Slice(i)) * new Vector<float>(xUp.Slice(i))
                  + new Vector<float>(gDown.Slice(i)) * new Vector<float>(xDown.Slice(i))
                  + new Vector<float>(gAbove.Slice(i)) * new Vector<float>(xAbove.Slice(i))
                  + new Vector<float>(gBelow.Slice(i)) * new Vector<float>(xBelow.Slice(i));
            v.CopyTo(sum.Slice(i));
        }
        for (; i < nx; i++)
            sum[i] = gPad[i + 1] * xPad[i + 2] + gPad[i] * xPad[i] + gUp[i] * xUp[i] + gDown[i] * xDown[i]
                   + gAbove[i] * xAbove[i] + gBelow[i] * xBelow[i];
    }

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

    public void RestrictResidual(float[] b, float[] x, CoarseGrid coarse, float[] coarseValues)
    {
        // Coarse levels are small; one pass to a scratch residual, then the shared restriction.
        var residual = _residual ??= new float[Count];
        ForRows(x, (row, sum) =>
        {
            var d = Diag.AsSpan(row, Nx);
            var xs = x.AsSpan(row, Nx);
            var bs = b.AsSpan(row, Nx);
            var rs = residual.AsSpan(row, Nx);
            for (int i = 0; i < d.Length; i++) rs[i] = d[i] > 0 ? bs[i] - d[i] * xs[i] + sum[i] : 0f;
        });
        Aggregation.Restrict(Nx, Ny, Nz, residual, coarse, coarseValues);
    }

    private float[]? _residual;

    public void SmoothColour(float[] b, float[] x, int colour) => ForRows(x, (row, sum) =>
    {
        int nx = Nx, iy = row / nx % Ny, iz = row / (nx * Ny);
        int first = (colour + iy + iz) & 1;
        var inv = _inverseDiag.AsSpan(row, nx);
        var xs = x.AsSpan(row, nx);
        var bs = b.AsSpan(row, nx);
        for (int i = first; i < nx; i += 2) xs[i] = (bs[i] + sum[i]) * inv[i];
    });

    public void Prolongate(CoarseGrid coarse, float[] coarseValues, float[] x, float scale) =>
        Aggregation.Prolongate(Nx, Ny, Nz, Diag, coarse, coarseValues, x, scale);

    public CoarseGrid Coarsen() => new(_g.Coarsen());
}

/// <summary>Transfers between a level and its 2×2×2-aggregated coarse level (piecewise-constant).</summary>
internal static class Aggregation
{
    /// <summary>coarse[I] = Σ_{i ∈ I} fine[i].</summary>
    public static void Restrict(int nx, int ny, int nz, float[] fine, CoarseGrid coarse, float[] coarseValues)
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
    public static void Prolongate(int nx, int ny, int nz, float[] unknown, CoarseGrid coarse, float[] coarseValues, float[] x, float scale)
    {
        int cx = coarse.Nx, cy = coarse.Ny;
        Action<int> plane = fz =>
        {
            for (int fy = 0; fy < ny; fy++)
            {
                long f = ((long)fz * ny + fy) * nx;
                long c = ((long)(fz / 2) * cy + fy / 2) * cx;
                for (int fx = 0; fx < nx; fx++)
                    if (unknown[f + fx] > 0) x[f + fx] += scale * coarseValues[c + fx / 2];
            }
        };
        if ((long)nx * ny * nz < 1 << 15) for (int z = 0; z < nz; z++) plane(z);
        else Parallel.For(0, nz, plane);
    }
}
