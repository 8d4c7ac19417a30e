using Spinodoid.Runtime;
namespace Spinodoid.Transport;

/// <summary>
/// Symmetric multigrid preconditioner: 2×2×2 aggregation with piecewise-constant transfer (so the coarse
/// operator is Galerkin: a coarse face conductance is the sum of the fine ones crossing it, and solid needs no
/// special care), red–black Gauss–Seidel smoothing (forward before, reversed after; the finest level's sweep costs
/// 8 times a coarse one, so its count is set separately; both default to 1), an over-scaled coarse correction, and a
/// Cholesky solve on the coarsest level (by its envelope, <see cref="EnvelopeCholesky"/>).
/// </summary>
/// <remarks>
/// Each level visits the next coarser one <c>cycleIndex</c> times: 1 is a V-cycle, 2 (the default) a W-cycle.
/// Piecewise-constant aggregation approximates the smooth error modes only roughly, so one coarse visit leaves
/// PCG reducing the error by about 0.6 per iteration; a second visit costs about an eighth of a fine-level pass per
/// level and brings that to about 0.3, cutting the iterations by 40 % (<c>bench … cycles</c>, docs/solver.md). The
/// cycle stays symmetric, so plain PCG still applies.
/// </remarks>
internal sealed class AggregationMultigrid
{
    private const long CoarsestCells = 1500;

    private readonly IFineLevel _fine;
    private readonly List<WeightedGrid> _coarse = [];
    private readonly List<(float[] B, float[] X)> _work = [];
    private readonly EnvelopeCholesky _direct;
    private readonly float _scale;
    private readonly int _sweeps, _fineSweeps, _cycleIndex;

    public AggregationMultigrid(IFineLevel fine, double coarseScale, int fineSweeps, int sweeps, int cycleIndex = 2)
    {
        _cycleIndex = cycleIndex;
        _fineSweeps = fineSweeps;
        _fine = fine;
        _scale = (float)coarseScale;
        _sweeps = sweeps;
        var level = fine.Coarsen();
        while (true)
        {
            _coarse.Add(level);
            _work.Add((new float[level.Count], new float[level.Count]));
            bool canCoarsen = level.Nx > 1 || level.Ny > 1 || level.Nz > 1;
            if (level.Count <= CoarsestCells || !canCoarsen) break;
            level = level.Coarsen();
        }
        _direct = new EnvelopeCholesky(_coarse[^1]);
    }

    /// <summary>Bytes held by the hierarchy (for the memory estimate).</summary>
    public static long EstimateBytes(long fineCells) => fineCells * 5 + fineCells / 7 * (5 * 4 + 3 * 4);

    public int Levels => _coarse.Count + 1;

    /// <summary>z ≈ A⁻¹ r.</summary>
    public void Apply(float[] r, float[] z)
    {
        Array.Clear(z);
        Cycle(_fine, r, z, 0);
    }

    private void Cycle(IGridLevel level, float[] b, float[] x, int depth)
    {
        int sweeps = depth == 0 ? _fineSweeps : _sweeps;
        for (int s = 0; s < sweeps; s++) level.Sweep(b, x, first: 0);
        var coarse = _coarse[depth];
        var (cb, cx) = _work[depth];
        level.RestrictResidual(b, x, coarse, cb);
        if (depth == _coarse.Count - 1) _direct.Solve(cb, cx);
        else
        {
            Array.Clear(cx);
            for (int visit = 0; visit < _cycleIndex; visit++) Cycle(coarse, cb, cx, depth + 1);
        }
        level.Prolongate(coarse, cx, x, _scale);
        // Colours reversed: the post-smoother is the transpose of the pre-smoother, so the cycle is symmetric (PCG).
        for (int s = 0; s < sweeps; s++) level.Sweep(b, x, first: 1);
    }

}

/// <summary>
/// Cholesky factorisation of the coarsest level, restricted to its unknown cells and stored by its envelope: row i
/// keeps columns first[i] … i only. In natural (x fastest) order a 7-point operator couples cells at most a plane
/// apart, periodic wraps included (they stay inside a row or a plane; z, the transport axis, does not wrap), and a
/// Cholesky factor fills in nothing outside the envelope of its matrix, so factorising costs about n·b²/2 and each
/// solve 2·n·b for half-bandwidth b ≤ one plane, where a dense factor costs n³/3 and n² (with n = 512 on the 8³
/// coarsest level of a 64³ or 128³ grid: 1 M against 45 M operations, 66 k against 262 k per solve, four solves
/// per W-cycle at 64³).
/// </summary>
internal sealed class EnvelopeCholesky
{
    private readonly int[] _cells;
    private readonly int[] _first;     // first stored column of each row
    private readonly long[] _start;    // offset of each row's column first[i] in _l
    private readonly double[] _l;
    private readonly double[] _y;
    private readonly int _n;

    public EnvelopeCholesky(WeightedGrid coarse)
    {
        var level = coarse.Conductances;
        _cells = Enumerable.Range(0, (int)level.Count).Where(i => level.Diag[i] > 0).ToArray();
        _n = _cells.Length;
        var index = new int[level.Count];
        Array.Fill(index, -1);
        for (int k = 0; k < _n; k++) index[_cells[k]] = k;
        int nx = level.Nx, ny = level.Ny, plane = nx * ny;
        var couplings = new List<(int Row, int Column, float G)>();
        void Couple(int i, int j, float g)
        {
            // Both ends of a conducting face are unknowns, so the matrix is the exact coarse operator.
            if (g == 0 || i == j || index[i] < 0 || index[j] < 0) return;
            int p = index[i], q = index[j];
            couplings.Add((Math.Max(p, q), Math.Min(p, q), g));
        }
        foreach (int i in _cells)
        {
            int ix = i % nx, iy = i / nx % ny, iz = i / plane;
            Couple(i, ix + 1 < nx ? i + 1 : i - ix, level.Gx[i]);
            Couple(i, iy + 1 < ny ? i + nx : i - iy * nx, level.Gy[i]);
            if (iz + 1 < level.Nz) Couple(i, i + plane, level.Gz[i]);
        }
        _first = Enumerable.Range(0, _n).ToArray();
        foreach (var (row, column, _) in couplings) _first[row] = Math.Min(_first[row], column);
        _start = new long[_n + 1];
        for (int i = 0; i < _n; i++) _start[i + 1] = _start[i] + (i - _first[i] + 1);
        _l = new double[_start[_n]];
        for (int i = 0; i < _n; i++) _l[At(i, i)] = level.Diag[_cells[i]];
        foreach (var (row, column, g) in couplings) _l[At(row, column)] -= g;
        Factorise();
        _y = new double[_n];
    }

    private long At(int row, int column) => _start[row] + (column - _first[row]);

    private void Factorise()
    {
        for (int i = 0; i < _n; i++)
        {
            int fi = _first[i];
            var row = _l.AsSpan((int)_start[i], i - fi + 1);
            for (int j = fi; j < i; j++)
            {
                // L[i][j] = (A[i][j] − Σ_k L[i][k] L[j][k]) / L[j][j], k over both rows' envelopes below j.
                int k0 = Math.Max(fi, _first[j]);
                var other = _l.AsSpan((int)At(j, k0), j - k0 + 1);
                double s = row[j - fi] - Dot(row.Slice(k0 - fi, j - k0), other[..^1]);
                row[j - fi] = s / other[^1];
            }
            double d = row[i - fi] - Dot(row[..^1], row[..^1]);
            if (!(d > 0) || !double.IsFinite(d)) throw new InvalidOperationException("coarse operator is not positive definite");
            row[i - fi] = Math.Sqrt(d);
        }
    }

    // Vectorised, unlike DenseLinearAlgebra.Dot, whose plain left-to-right sum the small ABC and refinement systems keep.
    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int i = 0, w = System.Numerics.Vector<double>.Count;
        var acc = System.Numerics.Vector<double>.Zero;
        for (; i <= a.Length - w; i += w) acc += new System.Numerics.Vector<double>(a.Slice(i)) * new System.Numerics.Vector<double>(b.Slice(i));
        double sum = System.Numerics.Vector.Sum(acc);
        for (; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    public void Solve(float[] b, float[] x)
    {
        Array.Clear(x);
        var y = _y;
        for (int i = 0; i < _n; i++)
        {
            int fi = _first[i];
            var row = _l.AsSpan((int)_start[i], i - fi + 1);
            y[i] = (b[_cells[i]] - Dot(row[..^1], y.AsSpan(fi, i - fi))) / row[^1];
        }
        for (int i = _n - 1; i >= 0; i--)
        {
            int fi = _first[i];
            var row = _l.AsSpan((int)_start[i], i - fi + 1);
            double xi = y[i] /= row[^1];
            var below = y.AsSpan(fi, i - fi);
            for (int k = 0; k < below.Length; k++) below[k] -= row[k] * xi;
        }
        for (int i = 0; i < _n; i++) x[_cells[i]] = (float)y[i];
    }
}
