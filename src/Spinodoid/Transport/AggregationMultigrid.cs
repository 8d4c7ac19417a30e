using Spinodoid.Runtime;
namespace Spinodoid.Transport;

/// <summary>
/// Symmetric multigrid preconditioner: 2×2×2 aggregation with piecewise-constant transfer (so the coarse
/// operator is Galerkin: a coarse face conductance is the sum of the fine ones crossing it, and solid needs no
/// special care), red–black Gauss–Seidel smoothing (forward before, reversed after; the finest level's sweep costs
/// 8 times a coarse one, so its count is set separately; both default to 1), an over-scaled coarse correction, and a
/// dense Cholesky solve on the coarsest level.
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
    private readonly DenseCholesky _direct;
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
        _direct = new DenseCholesky(_coarse[^1]);
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

/// <summary>Dense Cholesky factorisation of the coarsest level, restricted to its unknown cells.</summary>
internal sealed class DenseCholesky
{
    private readonly int[] _cells;
    private readonly double[] _l;
    private readonly int _n;

    public DenseCholesky(WeightedGrid coarse)
    {
        var level = coarse.Conductances;
        _cells = Enumerable.Range(0, (int)level.Count).Where(i => level.Diag[i] > 0).ToArray();
        _n = _cells.Length;
        var index = new Dictionary<int, int>();
        for (int k = 0; k < _n; k++) index[_cells[k]] = k;
        var a = new double[_n * _n];
        int nx = level.Nx, ny = level.Ny, plane = nx * ny;
        void Add(int i, int j, float g)
        {
            if (g == 0 || i == j) return;
            if (!index.TryGetValue(i, out int p) || !index.TryGetValue(j, out int q)) return;
            a[p * _n + q] -= g; a[q * _n + p] -= g;
        }
        for (int k = 0; k < _n; k++) a[k * _n + k] = level.Diag[_cells[k]];
        foreach (int i in _cells)
        {
            int ix = i % nx, iy = i / nx % ny, iz = i / plane;
            Add(i, ix + 1 < nx ? i + 1 : i - ix, level.Gx[i]);
            Add(i, iy + 1 < ny ? i + nx : i - iy * nx, level.Gy[i]);
            if (iz + 1 < level.Nz) Add(i, i + plane, level.Gz[i]);
        }
        // Faces between an unknown and a non-unknown cell cannot occur (both ends of a conducting face are
        // unknowns), so the matrix is the exact coarse operator.
        if (double.IsNaN(DenseLinearAlgebra.CholeskyInPlace(a, _n)))
            throw new InvalidOperationException("coarse operator is not positive definite");
        _l = a;
    }

    public void Solve(float[] b, float[] x)
    {
        Array.Clear(x);
        var y = new double[_n];
        for (int i = 0; i < _n; i++) y[i] = b[_cells[i]];
        DenseLinearAlgebra.CholeskySolve(_l, _n, y);
        for (int i = 0; i < _n; i++) x[_cells[i]] = (float)y[i];
    }
}
