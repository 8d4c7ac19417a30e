using Spinodoid.Microstructure;
using Spinodoid.Runtime;

namespace Spinodoid.Transport;

/// <summary>
/// The discrete problem for one direction: the fine operator on the unknown layers (transport axis mapped to
/// the internal z), the inlet and outlet conductances, and the right-hand side.
/// </summary>
internal sealed class TransportProblem
{
    private readonly FineGrid _level;
    private readonly byte[] _inlet, _outlet;   // conductance of each cell of the first / last unknown layer to c = 1 / c = 0
    private readonly int _firstLayer;          // structure layer of the first unknown layer
    private readonly Axis _axis;

    private TransportProblem(FineGrid level, byte[] inlet, byte[] outlet, int firstLayer, Axis axis, long unknowns)
    {
        _level = level; _inlet = inlet; _outlet = outlet; _firstLayer = firstLayer; _axis = axis; Unknowns = unknowns;
    }

    public long Unknowns { get; }

    /// <summary>Internal (X, Y) sides for a transport axis: the remaining axes in cyclic order.</summary>
    public static (Axis X, Axis Y) LateralAxes(Axis axis) => axis switch
    {
        Axis.X => (Axis.Y, Axis.Z),
        Axis.Y => (Axis.Z, Axis.X),
        _ => (Axis.X, Axis.Y),
    };

    /// <summary>Copies a structure-layout array into the internal layout (transport axis slowest).</summary>
    public static T[] ToInternal<T>(T[] data, GridShape shape, Axis axis) =>
        axis == Axis.Z ? (T[])data.Clone() : Permute(data, shape, axis, toInternal: true);

    /// <summary>Copies an internal-layout array back to the structure layout.</summary>
    public static T[] FromInternal<T>(T[] data, GridShape shape, Axis axis) =>
        axis == Axis.Z ? data : Permute(data, shape, axis, toInternal: false);

    private static T[] Permute<T>(T[] data, GridShape shape, Axis axis, bool toInternal)
    {
        var (ax, ay) = LateralAxes(axis);
        int nx = shape[ax], ny = shape[ay], nz = shape[axis];
        var result = new T[data.LongLength];
        Parallel.For(0, nz, k =>
        {
            for (int j = 0; j < ny; j++)
                for (int i = 0; i < nx; i++)
                {
                    // (i, j, k) along (ax, ay, axis) ↔ structure coordinates.
                    long structureIndex = axis == Axis.X ? shape.Index(k, i, j) : shape.Index(j, k, i);
                    long internalIndex = ((long)k * ny + j) * nx + i;
                    if (toInternal) result[internalIndex] = data[structureIndex];
                    else result[structureIndex] = data[internalIndex];
                }
        });
        return result;
    }

    public static TransportProblem Build(byte[] percolating, GridShape shape, Axis axis, DiffusivityOptions options)
    {
        var mask = ToInternal(percolating, shape, axis);
        var (ax, ay) = LateralAxes(axis);
        int nx = shape[ax], ny = shape[ay], length = shape[axis];
        bool paper = options.Convention == BoundaryConvention.Paper;
        bool wrap = options.Sides == LateralBoundary.Periodic;
        int first = paper ? 1 : 0, nz = paper ? length - 2 : length;
        int plane = nx * ny;
        long count = (long)plane * nz;
        var inlet = new byte[plane];
        var outlet = new byte[plane];
        byte boundaryConductance = paper ? (byte)1 : (byte)2;   // full voxel to the fixed layer, or half a voxel to the face

        for (int p = 0; p < plane; p++)
        {
            long firstCell = (long)first * plane + p, lastCell = (long)(first + nz - 1) * plane + p;
            if (paper)
            {
                inlet[p] = (byte)(mask[p] & mask[firstCell]);
                outlet[p] = (byte)(mask[lastCell] & mask[(long)(length - 1) * plane + p]);
            }
            else
            {
                inlet[p] = (byte)(mask[firstCell] * boundaryConductance);
                outlet[p] = (byte)(mask[lastCell] * boundaryConductance);
            }
        }

        // Diagonal: the number of conducting faces (both voxels pore; wrap-around faces only with periodic
        // sides) plus the conductance to a fixed boundary; 0 for cells that are not unknowns.
        var diag = BufferPool<byte>.Rent(count);
        var inverse = BufferPool<float>.Rent(count);
        long unknowns = 0;
        object gate = new();
        Parallel.For(0, nz, () => 0L, (k, _, local) =>
        {
            long src = (long)(k + first) * plane;
            for (int j = 0; j < ny; j++)
                for (int i = 0; i < nx; i++)
                {
                    long s = src + (long)j * nx + i, d = (long)k * plane + (long)j * nx + i;
                    int faces = 0;
                    if (mask[s] != 0)
                    {
                        if (i + 1 < nx) faces += mask[s + 1]; else if (wrap && nx > 1) faces += mask[s - (nx - 1)];
                        if (i > 0) faces += mask[s - 1]; else if (wrap && nx > 1) faces += mask[s + nx - 1];
                        if (j + 1 < ny) faces += mask[s + nx]; else if (wrap && ny > 1) faces += mask[s - (long)(ny - 1) * nx];
                        if (j > 0) faces += mask[s - nx]; else if (wrap && ny > 1) faces += mask[s + (long)(ny - 1) * nx];
                        if (k + 1 < nz) faces += mask[s + plane];
                        if (k > 0) faces += mask[s - plane];
                        if (k == 0) faces += inlet[(long)j * nx + i];
                        if (k == nz - 1) faces += outlet[(long)j * nx + i];
                    }
                    diag[d] = (byte)faces;
                    inverse[d] = faces > 0 ? 1f / faces : 0f;
                    if (faces > 0) local++;
                }
            return local;
        }, local => { lock (gate) unknowns += local; });
        var level = new FineGrid(nx, ny, nz, wrap, diag, inverse);
        return new TransportProblem(level, inlet, outlet, first, axis, unknowns);
    }

    /// <summary>Inlet and outlet fluxes for concentrations x.</summary>
    private (double In, double Out) Fluxes(double[] x)
    {
        int plane = _level.Plane;
        long last = (long)(_level.Nz - 1) * plane;
        double qIn = 0, qOut = 0;
        for (int p = 0; p < plane; p++)
        {
            if (_inlet[p] != 0) qIn += _inlet[p] * (1.0 - x[p]);
            if (_outlet[p] != 0) qOut += _outlet[p] * x[last + p];
        }
        return (qIn, qOut);
    }

    public (double[] X, int Iterations, double Change, double Imbalance, bool Converged, double Flux) SolvePcg(
        DiffusivityOptions options, CancellationToken cancellation, Action<int, double, double> report)
    {
        var level = _level;
        long n = level.Count;
        int plane = level.Plane, nz = level.Nz;
        // b is the inlet conductance (times c = 1) on the first layer, 0 elsewhere.
        var inletRhs = new float[plane];
        for (int cell = 0; cell < plane; cell++) inletRhs[cell] = _inlet[cell];
        // Start from the linear profile of an empty box.
        var x = BufferPool<double>.Rent(n);
        bool paper = options.Convention == BoundaryConvention.Paper;
        level.ForEachPlane(k =>
        {
            double c = paper ? 1 - (k + 1.0) / (nz + 1) : 1 - (k + 0.5) / nz;
            long start = (long)k * plane;
            for (long i = start; i < start + plane; i++) x[i] = level.Diag[i] != 0 ? c : 0;
        });
        var preconditioner = new AggregationMultigrid(level, options.CoarseCorrectionScale, options.FineSmoothingSweeps, options.SmoothingSweeps);
        if (n >= 1L << 24) DiffusivitySolver.ReleaseGarbage(); // the multigrid set-up's temporaries
        var r = BufferPool<float>.Rent(n);
        var z = BufferPool<float>.Rent(n);
        var p = BufferPool<float>.Rent(n);
        var q = BufferPool<float>.Rent(n);
        try
        {
            level.Residual(inletRhs, x, r);
            preconditioner.Apply(r, z);
            Array.Copy(z, p, n);
            double rz = Vectors.Dot(r, z, level);
            var (in0, out0) = Fluxes(x);
            double flux = 0.5 * (in0 + out0), previous = double.NaN, change = double.PositiveInfinity;
            double imbalance = flux > 0 ? Math.Abs(in0 - out0) / flux : double.PositiveInfinity;
            int iteration = 0, replacements = 0;
            bool converged = false;
            while (iteration < options.MaxIterations)
            {
                cancellation.ThrowIfCancellationRequested();
                if (!(rz > 0))
                {
                    // The residual vanished: x is the exact discrete solution (e.g. the starting profile).
                    converged = imbalance < options.Tolerance;
                    change = 0;
                    break;
                }
                iteration++;
                double pq = level.ApplyDot(p, q);
                if (!(pq > 0)) break;
                double alpha = rz / pq;
                Vectors.UpdateSolutionAndResidual(alpha, p, q, x, r, level);
                var (qIn, qOut) = Fluxes(x);
                flux = 0.5 * (qIn + qOut);
                imbalance = flux > 0 ? Math.Abs(qIn - qOut) / flux : double.PositiveInfinity;
                change = double.IsNaN(previous) ? double.PositiveInfinity : Math.Abs(flux - previous) / flux;
                previous = flux;
                report(iteration, flux, change);
                if (change < options.Tolerance)
                {
                    if (imbalance < options.Tolerance) { converged = true; break; }
                    if (replacements < 5)
                    {
                        // η has settled but the fluxes disagree: the single-precision recursive residual has
                        // drifted from the true one. Replace it by b − A x computed in double precision, restart.
                        replacements++;
                        level.Residual(inletRhs, x, r);
                        preconditioner.Apply(r, z);
                        Array.Copy(z, p, n);
                        rz = Vectors.Dot(r, z, level);
                        continue;
                    }
                }
                preconditioner.Apply(r, z);
                double rzNext = Vectors.Dot(r, z, level);
                float beta = (float)(rzNext / rz);
                rz = rzNext;
                Vectors.Xpay(z, beta, p, level);
            }
            return (x, iteration, change, imbalance, converged, flux);
        }
        finally
        {
            foreach (var buffer in new[] { r, z, p, q }) BufferPool<float>.Return(buffer);
        }
    }

    /// <summary>Gives the operator's large arrays back for the next direction.</summary>
    public void Release()
    {
        BufferPool<byte>.Return(_level.Diag);
        BufferPool<float>.Return(_level.InvDiag);
    }

    /// <summary>The concentration in structure layout: fixed layers included, NaN where no unknown.</summary>
    public float[] ConcentrationField(double[]? x, GridShape shape)
    {
        int plane = _level.Plane, length = shape[_axis];
        var full = new float[shape.Count];
        Array.Fill(full, float.NaN);
        if (x is not null)
        {
            for (long i = 0; i < x.LongLength; i++) full[(long)_firstLayer * plane + i] = (float)x[i];
            for (long i = (long)_firstLayer * plane; i < (long)(_firstLayer + _level.Nz) * plane; i++)
                if (_level.Diag[i - (long)_firstLayer * plane] == 0) full[i] = float.NaN;
            if (_firstLayer == 1)
                for (int p = 0; p < plane; p++)
                {
                    if (_inlet[p] != 0) full[p] = 1f;
                    if (_outlet[p] != 0) full[(long)(length - 1) * plane + p] = 0f;
                }
        }
        return FromInternal(full, shape, _axis);
    }
}

/// <summary>Vector kernels with double-precision reductions in a fixed order (reproducible).</summary>
internal static class Vectors
{
    public static double Dot(float[] a, float[] b, FineGrid level) 
    {
        var partial = new double[level.Nz];
        int plane = level.Plane;
        level.ForEachPlane(k =>
        {
            var sa = a.AsSpan(k * plane, plane);
            var sb = b.AsSpan(k * plane, plane);
            double sum = 0;
            int i = 0, width = System.Numerics.Vector<float>.Count;
            var acc = System.Numerics.Vector<double>.Zero;
            for (; i <= plane - width; i += width)
            {
                var prod = new System.Numerics.Vector<float>(sa.Slice(i, width)) * new System.Numerics.Vector<float>(sb.Slice(i, width));
                System.Numerics.Vector.Widen(prod, out var lo, out var hi);
                acc += lo + hi;
            }
            sum = System.Numerics.Vector.Sum(acc);
            for (; i < plane; i++) sum += (double)sa[i] * sb[i];
            partial[k] = sum;
        });
        double total = 0;
        foreach (var v in partial) total += v;
        return total;
    }

    /// <summary>x += α p (double accumulator) and r −= α q, in one pass.</summary>
    public static void UpdateSolutionAndResidual(double alpha, float[] p, float[] q, double[] x, float[] r, FineGrid level)
    {
        int plane = level.Plane;
        float a = (float)alpha;
        level.ForEachPlane(k =>
        {
            var sp = p.AsSpan(k * plane, plane);
            var sq = q.AsSpan(k * plane, plane);
            var sx = x.AsSpan(k * plane, plane);
            var sr = r.AsSpan(k * plane, plane);
            int i = 0, width = System.Numerics.Vector<float>.Count;
            var va = new System.Numerics.Vector<float>(a);
            for (; i <= plane - width; i += width)
                (new System.Numerics.Vector<float>(sr.Slice(i, width)) - va * new System.Numerics.Vector<float>(sq.Slice(i, width))).CopyTo(sr.Slice(i, width));
            for (; i < plane; i++) sr[i] -= a * sq[i];
            for (i = 0; i < plane; i++) sx[i] += alpha * sp[i];
        });
    }

    /// <summary>p = z + beta · p.</summary>
    public static void Xpay(float[] z, float beta, float[] p, FineGrid level) 
    {
        int plane = level.Plane;
        level.ForEachPlane(k =>
        {
            var sz = z.AsSpan(k * plane, plane);
            var sp = p.AsSpan(k * plane, plane);
            int i = 0, width = System.Numerics.Vector<float>.Count;
            var vb = new System.Numerics.Vector<float>(beta);
            for (; i <= plane - width; i += width)
                (new System.Numerics.Vector<float>(sz.Slice(i, width)) + vb * new System.Numerics.Vector<float>(sp.Slice(i, width))).CopyTo(sp.Slice(i, width));
            for (; i < plane; i++) sp[i] = sz[i] + beta * sp[i];
        });
    }
}
