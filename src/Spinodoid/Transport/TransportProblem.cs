using Spinodoid.Microstructure;
using Spinodoid.Runtime;

namespace Spinodoid.Transport;

/// <summary>What one conjugate-gradient solve ended with.</summary>
/// <param name="Concentration">The solution on the unknown layers (internal layout; a pooled buffer).</param>
/// <param name="Iterations">PCG iterations.</param>
/// <param name="RelativeChange">Relative change of the flux in the last iteration.</param>
/// <param name="FluxImbalance">|Q_in − Q_out| / Q.</param>
/// <param name="Converged">Both criteria met within the iteration limit.</param>
/// <param name="Flux">Mean of the inlet and outlet fluxes Q.</param>
internal readonly record struct PcgResult(double[] Concentration, int Iterations, double RelativeChange, double FluxImbalance,
    bool Converged, double Flux);

/// <summary>
/// The discrete problem for one direction: the fine operator on the unknown layers (transport axis mapped to
/// the internal z), the inlet and outlet conductances, and the right-hand side.
/// </summary>
internal sealed class TransportProblem
{
    private readonly IFineLevel _level;

    /// <summary>The finest level (for profiling).</summary>
    internal IFineLevel Level => _level;
    private readonly float[] _inlet, _outlet;  // conductance of each cell of the first / last unknown layer to c = 1 / c = 0
    private readonly BoundaryConvention _convention;
    private readonly Axis _axis;

    private TransportProblem(IFineLevel level, float[] inlet, float[] outlet, BoundaryConvention convention, Axis axis,
        long unknowns, long percolatingPores)
    {
        _level = level; _inlet = inlet; _outlet = outlet; _convention = convention; _axis = axis;
        Unknowns = unknowns; PercolatingPores = percolatingPores;
    }

    public long Unknowns { get; }

    /// <summary>Pore voxels in the cells that carry flux (the fixed layers included).</summary>
    public long PercolatingPores { get; }

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
        var result = new T[data.LongLength];
        if (toInternal) Extract(data, shape, axis, 0, shape[axis], result);
        else
        {
            var (ax, ay) = LateralAxes(axis);
            int nx = shape[ax], ny = shape[ay], nz = shape[axis];
            Parallel.For(0, nz, k =>
            {
                for (int j = 0; j < ny; j++)
                    for (int i = 0; i < nx; i++)
                        result[StructureIndex(shape, axis, i, j, k)] = data[((long)k * ny + j) * nx + i];
            });
        }
        return result;
    }

    /// <summary>Structure index of internal cell (i, j, k) along (lateral X, lateral Y, transport axis).</summary>
    private static long StructureIndex(GridShape shape, Axis axis, int i, int j, int k) => axis switch
    {
        Axis.X => shape.Index(k, i, j),
        Axis.Y => shape.Index(j, k, i),
        _ => shape.Index(i, j, k),
    };

    /// <summary>Layers [first, first + layers) of a structure-layout array, in the internal layout.</summary>
    /// <remarks>
    /// For x and y this is a transpose: one of the two lateral coordinates of the internal layout is contiguous
    /// in the structure and the other is not. Copying in 16 × 16 tiles reads and writes whole cache lines
    /// instead of one value per line (3–4× faster at 192³, <c>bench … subvoxel-profile</c>).
    /// </remarks>
    private static void Extract<T>(T[] data, GridShape shape, Axis axis, int first, int layers, T[] result)
    {
        int nx = shape.Nx, ny = shape.Ny, nz = shape.Nz;
        long plane = (long)nx * ny;
        switch (axis)
        {
            case Axis.Z:
                Array.Copy(data, first * plane, result, 0, layers * plane);
                break;
            case Axis.X:
                // Internal (i, j, k) = (y, z, x): for each z, result[(x − first)·Ny·Nz + z·Ny + y] = data[x + Nx·y + plane·z].
                Parallel.For(0, nz, z => TransposeTiles(data, first + plane * z, nx, result, (long)z * ny, (long)ny * nz, layers, ny));
                break;
            default:
                // Internal (i, j, k) = (z, x, y): for each y, result[((y − first)·Nx + x)·Nz + z] = data[x + Nx·y + plane·z].
                Parallel.For(0, layers, k => TransposeTiles(data, (long)nx * (k + first), plane, result, (long)k * nx * nz, nz, nx, nz));
                break;
        }
    }

    /// <summary>destination[d0 + a·dStride + b] = source[s0 + a + b·sStride] for a &lt; na, b &lt; nb, tile by tile.</summary>
    private static void TransposeTiles<T>(T[] source, long s0, long sStride, T[] destination, long d0, long dStride, int na, int nb)
    {
        const int Tile = 16;
        for (int a0 = 0; a0 < na; a0 += Tile)
        {
            int a1 = Math.Min(na, a0 + Tile);
            for (int b0 = 0; b0 < nb; b0 += Tile)
            {
                int b1 = Math.Min(nb, b0 + Tile);
                for (int a = a0; a < a1; a++)
                {
                    long d = d0 + a * dStride, s = s0 + a;
                    for (int b = b0; b < b1; b++) destination[d + b] = source[s + b * sStride];
                }
            }
        }
    }

    /// <summary>The voxel (staircase) problem on the pores that join inlet and outlet.</summary>
    /// <summary>The internal grid of one direction: lateral sides, unknown layers and the convention's geometry.</summary>
    private readonly record struct Layout(Axis Lateral, Axis Other, int Nx, int Ny, int Length, int First, int Nz,
        BoundaryConvention Convention, bool Wrap)
    {
        public static Layout Of(GridShape shape, Axis axis, DiffusivityOptions options)
        {
            var (ax, ay) = LateralAxes(axis);
            var c = options.Convention;
            return new Layout(ax, ay, shape[ax], shape[ay], shape[axis], c.FirstUnknownLayer(), c.UnknownLayers(shape[axis]),
                c, options.Sides == LateralBoundary.Periodic);
        }

        public bool Paper => Convention == BoundaryConvention.Paper;
        public int Plane => Nx * Ny;
        public long Count => (long)Plane * Nz;
    }

    public static TransportProblem BuildVoxel(byte[] percolating, GridShape shape, Axis axis, DiffusivityOptions options)
    {
        var mask = ToInternal(percolating, shape, axis);
        var layout = Layout.Of(shape, axis, options);
        var (nx, ny, length, first, nz, convention, wrap) = (layout.Nx, layout.Ny, layout.Length, layout.First, layout.Nz, layout.Convention, layout.Wrap);
        bool paper = layout.Paper;
        int plane = layout.Plane;
        long count = layout.Count;
        var inlet = new float[plane];
        var outlet = new float[plane];
        float factor = convention.BoundaryFactor();

        for (int p = 0; p < plane; p++)
        {
            long firstCell = (long)first * plane + p, lastCell = (long)(first + nz - 1) * plane + p;
            // The paper's inlet face joins the fixed layer 0 to layer 1; TauFactor's joins a cell to the face outside it.
            byte inletOpen = paper ? (byte)(mask[p] & mask[firstCell]) : mask[firstCell];
            byte outletOpen = paper ? (byte)(mask[lastCell] & mask[(long)(length - 1) * plane + p]) : mask[lastCell];
            inlet[p] = factor * inletOpen;
            outlet[p] = factor * outletOpen;
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
                        if (k == 0) faces += (int)inlet[(long)j * nx + i];
                        if (k == nz - 1) faces += (int)outlet[(long)j * nx + i];
                    }
                    diag[d] = (byte)faces;
                    inverse[d] = faces > 0 ? 1f / faces : 0f;
                    if (faces > 0) local++;
                }
            return local;
        }, local => { lock (gate) unknowns += local; });
        var level = new FineGrid(nx, ny, nz, wrap, diag, inverse);
        return new TransportProblem(level, inlet, outlet, convention, axis, unknowns, VoxelStructure.SumBytes(mask));
    }

    /// <summary>
    /// The sub-voxel problem: face conductances are the apertures, the inlet and outlet conductances the
    /// apertures of the faces to the fixed layers (or, TauFactor, of the outer faces, over half a voxel).
    /// Cells that no conducting path joins to both inlet and outlet are removed, on the same conductances.
    /// </summary>
    public static TransportProblem BuildSubvoxel(FaceApertures apertures, byte[] pore, Axis axis, DiffusivityOptions options)
    {
        var shape = apertures.Shape;
        var layout = Layout.Of(shape, axis, options);
        var (nx, ny, length, first, nz, convention, wrap) = (layout.Nx, layout.Ny, layout.Length, layout.First, layout.Nz, layout.Convention, layout.Wrap);
        var (ax, ay) = (layout.Lateral, layout.Other);
        bool paper = layout.Paper;
        int plane = layout.Plane;
        long count = layout.Count;
        if (shape.Count > int.MaxValue)
            throw new ArgumentException($"the sub-voxel solver handles up to {int.MaxValue:N0} voxels; {shape} has {shape.Count:N0} (use the voxel discretisation)");

        // Pooled (every entry is written below): three directions, and structure after structure, reuse the same arrays,
        // which fresh ones would cost a page fault per 4 KiB each time (a tenth of a validation's CPU time at N = 128).
        var gx = BufferPool<float>.Rent(count);
        var gy = BufferPool<float>.Rent(count);
        var gz = BufferPool<float>.Rent(count);
        Extract(apertures.Normal(ax), shape, axis, first, nz, gx);
        Extract(apertures.Normal(ay), shape, axis, first, nz, gy);
        Extract(apertures.Normal(axis), shape, axis, first, nz, gz);
        var inlet = new float[plane];
        var outlet = new float[plane];
        var normal = apertures.Normal(axis);
        var low = apertures.LowPlane(axis);
        float factor = convention.BoundaryFactor();
        for (int j = 0; j < ny; j++)
            for (int i = 0; i < nx; i++)
            {
                int p = j * nx + i;
                // Paper: the faces layer 0 → 1 and L − 2 → L − 1. TauFactor: the outer faces at −½ and L − ½.
                inlet[p] = factor * (paper ? normal[StructureIndex(shape, axis, i, j, 0)] : low[LowIndex(shape, axis, i, j)]);
                outlet[p] = factor * normal[StructureIndex(shape, axis, i, j, paper ? length - 2 : length - 1)];
            }
        // Faces that do not exist in this problem: beyond the last unknown layer (the outlet is separate),
        // wrap-around faces of closed sides, and a cell's face to itself on a side one cell wide.
        gz.AsSpan((int)((long)(nz - 1) * plane), plane).Clear();
        Parallel.For(0, nz, k =>
        {
            for (int j = 0; j < ny; j++)
            {
                long row = ((long)k * ny + j) * nx;
                if (!wrap || nx == 1) gx[row + nx - 1] = 0;
                if ((!wrap || ny == 1) && j == ny - 1) gy.AsSpan((int)row, nx).Clear();
            }
        });

        var keep = Percolation(gx, gy, gz, inlet, outlet, nx, ny, nz);
        long unknowns = 0, percolatingPores = 0;
        var diag = BufferPool<float>.Rent(count);
        Parallel.For(0, nz, k =>
        {
            for (int j = 0; j < ny; j++)
            {
                long row = ((long)k * ny + j) * nx;
                long up = j + 1 < ny ? row + nx : row - (long)(ny - 1) * nx;
                for (int i = 0; i < nx; i++)
                {
                    long c = row + i;
                    long right = i + 1 < nx ? c + 1 : row;
                    if (keep[c] == 0 || keep[right] == 0) gx[c] = 0;
                    if (keep[c] == 0 || keep[up + i] == 0) gy[c] = 0;
                    if (k + 1 < nz && (keep[c] == 0 || keep[c + plane] == 0)) gz[c] = 0;
                }
            }
        });
        for (int p = 0; p < plane; p++)
        {
            if (keep[p] == 0) inlet[p] = 0;
            if (keep[(long)(nz - 1) * plane + p] == 0) outlet[p] = 0;
        }
        BufferPool<byte>.Return(keep);
        object gate = new();
        Parallel.For(0, nz, () => (Unknowns: 0L, Pores: 0L), (k, _, local) =>
        {
            for (int j = 0; j < ny; j++)
            {
                long row = ((long)k * ny + j) * nx;
                long down = j > 0 ? row - nx : row + (long)(ny - 1) * nx;
                for (int i = 0; i < nx; i++)
                {
                    long c = row + i, left = i > 0 ? c - 1 : row + nx - 1;
                    float d = gx[c] + gx[left] + gy[c] + gy[down + i] + gz[c];
                    if (k > 0) d += gz[c - plane];
                    if (k == 0) d += inlet[j * nx + i];
                    if (k == nz - 1) d += outlet[j * nx + i];
                    diag[c] = d;
                    if (d > 0)
                    {
                        local.Unknowns++;
                        if (pore[StructureIndex(shape, axis, i, j, k + first)] != 0) local.Pores++;
                    }
                }
            }
            return local;
        }, local => { lock (gate) { unknowns += local.Unknowns; percolatingPores += local.Pores; } });
        if (paper)
            for (int j = 0; j < ny; j++)
                for (int i = 0; i < nx; i++)
                {
                    // The fixed layers' pores that feed the flux count as percolating, as in the voxel problem.
                    if (inlet[j * nx + i] > 0 && pore[StructureIndex(shape, axis, i, j, 0)] != 0) percolatingPores++;
                    if (outlet[j * nx + i] > 0 && pore[StructureIndex(shape, axis, i, j, length - 1)] != 0) percolatingPores++;
                }
        var level = new WeightedGrid(new ConductanceGrid<float>(nx, ny, nz, gx, gy, gz, diag), inlet, outlet, pooled: true);
        return new TransportProblem(level, inlet, outlet, convention, axis, unknowns, percolatingPores);
    }

    /// <summary>Index of internal lateral cell (i, j) in the structure's plane of faces at −½ normal to the axis.</summary>
    private static long LowIndex(GridShape shape, Axis axis, int i, int j) => axis switch
    {
        Axis.X => i + (long)shape.Ny * j,          // (y, z) → y + Ny·z
        Axis.Y => j + (long)shape.Nx * i,          // (z, x) → x + Nx·z
        _ => i + (long)shape.Nx * j,               // (x, y) → x + Nx·y
    };

    /// <summary>
    /// 1 for the cells reachable from the inlet and from the outlet through faces of non-zero conductance
    /// (a component that touches both), 0 otherwise (in an array of <see cref="BufferPool{T}"/>, to give back). Gx of a row's last cell is the face to its first cell (wrap),
    /// Gy of a plane's last row the face to its first row; Gz has no wrap.
    /// </summary>
    /// <remarks>
    /// Union–find over runs rather than flood fills: cells joined along x by conducting faces form a run (one
    /// sequential scan), runs are joined through the conducting y and z faces (a repeated pair, common along a
    /// row, is skipped), and a component is kept when it holds an inlet and an outlet cell. Every access but the
    /// union is sequential, which is what made it 3–4× faster than two flood fills at 128³; slabs of planes run in
    /// parallel.
    /// </remarks>
    internal static byte[] Percolation(float[] gx, float[] gy, float[] gz, float[] inlet, float[] outlet, int nx, int ny, int nz)
    {
        long count = (long)nx * ny * nz;
        int plane = nx * ny;
        // Slabs of whole planes are labelled and joined in parallel: a union inside a slab only ever touches that
        // slab's runs (a root is always the smallest id of its set), so slabs share nothing until the faces
        // between them are joined, in order, at the end. The components do not depend on the slab count.
        int slabs = Math.Clamp(4 * Environment.ProcessorCount, 1, nz);
        int SlabStart(int s) => (int)((long)nz * s / slabs);
        var run = BufferPool<int>.Rent(count);
        var firstRun = new int[slabs + 1];
        Parallel.For(0, slabs, s =>
        {
            int runs = 0;
            for (int r = SlabStart(s) * ny; r < SlabStart(s + 1) * ny; r++)
            {
                int row = r * nx;
                runs++;
                for (int i = 1; i < nx; i++) if (!(gx[row + i - 1] > 0)) runs++;
            }
            firstRun[s + 1] = runs;
        });
        for (int s = 0; s < slabs; s++) firstRun[s + 1] += firstRun[s];
        var roots = new int[firstRun[slabs]];
        int Find(int a)
        {
            while (roots[a] != a) a = roots[a] = roots[roots[a]];
            return a;
        }
        void Union(int a, int b)
        {
            a = Find(a); b = Find(b);
            if (a != b) { if (a < b) roots[b] = a; else roots[a] = b; }
        }
        void Join(int row, int neighbourRow, float[] faces)
        {
            // The cells of a row to those of the next row (y) or plane (z) through the conducting faces; a repeated
            // pair of runs, common along a row, is skipped.
            int lastA = -1, lastB = -1;
            for (int i = 0; i < nx; i++)
            {
                int c = row + i;
                if (faces[c] > 0 && (run[c] != lastA || run[neighbourRow + i] != lastB))
                {
                    lastA = run[c]; lastB = run[neighbourRow + i];
                    Union(lastA, lastB);
                }
            }
        }
        void JoinUp(int k, int j)
        {
            int row = (k * ny + j) * nx;
            Join(row, j + 1 < ny ? row + nx : row - (ny - 1) * nx, gy);
        }
        void JoinAbove(int k, int j)
        {
            int row = (k * ny + j) * nx;
            Join(row, row + plane, gz);
        }
        Parallel.For(0, slabs, s =>
        {
            // Runs along x; a row whose wrap face conducts joins its last run to its first.
            int id = firstRun[s] - 1;
            for (int r = SlabStart(s) * ny; r < SlabStart(s + 1) * ny; r++)
            {
                int row = r * nx;
                roots[++id] = id;
                run[row] = id;
                for (int i = 1; i < nx; i++)
                {
                    if (!(gx[row + i - 1] > 0)) roots[++id] = id;
                    run[row + i] = id;
                }
                if (nx > 1 && gx[row + nx - 1] > 0) Union(run[row + nx - 1], run[row]);
            }
            for (int k = SlabStart(s); k < SlabStart(s + 1); k++)
                for (int j = 0; j < ny; j++)
                {
                    JoinUp(k, j);
                    if (k + 1 < SlabStart(s + 1)) JoinAbove(k, j);
                }
        });
        for (int s = 1; s < slabs; s++)
            for (int j = 0; j < ny; j++) JoinAbove(SlabStart(s) - 1, j);
        for (int a = 0; a < roots.Length; a++) roots[a] = roots[roots[a]]; // roots[a] < a once found: one pass flattens
        const byte FromInlet = 1, FromOutlet = 2;
        var reach = new byte[roots.Length];
        long last = (long)(nz - 1) * plane;
        for (int p = 0; p < plane; p++)
        {
            if (inlet[p] > 0) reach[roots[run[p]]] |= FromInlet;
            if (outlet[p] > 0) reach[roots[run[last + p]]] |= FromOutlet;
        }
        var keep = BufferPool<byte>.Rent(count);
        Parallel.For(0, nz, k =>
        {
            for (long c = (long)k * plane; c < (long)(k + 1) * plane; c++)
                keep[c] = reach[roots[run[c]]] == (FromInlet | FromOutlet) ? (byte)1 : (byte)0;
        });
        BufferPool<int>.Return(run);
        return keep;
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

    /// <summary>
    /// Dissipation D(x) = Σ_faces g (Δc)² of concentrations x, boundary faces included, from the true residual
    /// r = b − A x: D = Q_in − xᵀr. It is the energy PCG minimises: D(x) − D(x*) = ‖x − x*‖²_A, so D approaches the
    /// flux Q* of the exact discrete solution from above, with an error quadratic in that of x, where the inlet or
    /// outlet flux is only linear in it.
    /// </summary>
    private double Dissipation(double[] x, float[] r) => Fluxes(x).In - Vectors.Dot(x, r, _level);

    /// <summary>
    /// PCG's decrease of D is not steady from one step to the next, so it is judged over windows of this many
    /// iterations: a short plateau would otherwise stop it early.
    /// </summary>
    private const int SettleWindow = 3;

    /// <summary>
    /// The stopping test asks the last window's decrease and the estimated remaining one to be a quarter of the
    /// tolerance: where a weakly joined pore region converges late, the tail is longer than the geometric estimate
    /// (by up to 3 times on low-porosity structures), and the error must still stay below the tolerance.
    /// </summary>
    private const double Margin = 0.25;

    /// <summary>
    /// The fall S of D over the last window, and how far D still has to fall, D − D* = ‖e‖²_A, estimated from the
    /// last two windows: PCG reduces ‖e‖²_A by a roughly constant factor q per window, so the rest is the geometric
    /// tail S·q/(1 − q), q = S / S_previous. Both are infinite until enough iterations exist; the tail also while D
    /// is not falling faster window by window.
    /// </summary>
    private static (double Last, double Remaining) Falls(Queue<double> decreases)
    {
        if (decreases.Count < SettleWindow) return (double.PositiveInfinity, double.PositiveInfinity);
        double last = decreases.TakeLast(SettleWindow).Sum();
        if (decreases.Count < 2 * SettleWindow) return (last, double.PositiveInfinity);
        double q = last / decreases.Take(SettleWindow).Sum();
        return (last, q < 1 ? last * q / (1 - q) : double.PositiveInfinity);
    }

    public PcgResult SolvePcg(DiffusivityOptions options, CancellationToken cancellation, Action<int, double, double> report)
    {
        var level = _level;
        long n = level.Count;
        int plane = level.Plane, nz = level.Nz;
        // b is the inlet conductance (times c = 1) on the first layer, 0 elsewhere.
        var inletRhs = (float[])_inlet.Clone();
        // Start from the linear profile of an empty box.
        var x = BufferPool<double>.Rent(n);
        level.ForEachPlane(k =>
        {
            double c = _convention.LinearProfile(k, nz);
            long start = (long)k * plane;
            for (long i = start; i < start + plane; i++) x[i] = level.IsUnknown(i) ? c : 0;
        });
        var preconditioner = new AggregationMultigrid(level, options.CoarseCorrectionScale, options.FineSmoothingSweeps, options.SmoothingSweeps, options.CycleIndex);
        if (n >= 1L << 24) DiffusivitySolver.ReleaseGarbage(); // the multigrid set-up's temporaries
        var r = BufferPool<float>.Rent(n);
        var z = BufferPool<float>.Rent(n);
        var p = BufferPool<float>.Rent(n);
        var q = BufferPool<float>.Rent(n);
        try
        {
            level.Residual(inletRhs, x, r);
            double dissipation = Dissipation(x, r);
            preconditioner.Apply(r, z);
            Array.Copy(z, p, n);
            double rz = Vectors.Dot(r, z, level);
            var decreases = new Queue<double>();
            double change = double.PositiveInfinity;
            int iteration = 0, replacements = 0;
            bool converged = false, confirmed = false;
            while (iteration < options.MaxIterations)
            {
                cancellation.ThrowIfCancellationRequested();
                if (!(rz > 0))
                {
                    // The residual vanished: x is the exact discrete solution (e.g. the starting profile).
                    converged = true;
                    change = 0;
                    break;
                }
                iteration++;
                double pq = level.ApplyDot(p, q);
                double alpha = rz / pq;
                // Past the precision of single-precision vectors the search direction degenerates; the solution
                // in hand is then as good as this iteration can make it.
                if (!(pq > 0) || !double.IsFinite(alpha)) break;
                Vectors.UpdateSolutionAndResidual(alpha, p, q, x, r, level);
                // Each PCG step lowers the dissipation by exactly α rᵀz (the energy it minimises is D/2 + const).
                dissipation -= alpha * rz;
                decreases.Enqueue(alpha * rz);
                if (decreases.Count > 2 * SettleWindow) decreases.Dequeue();
                var (last, remaining) = Falls(decreases);
                change = last / dissipation;
                report(iteration, dissipation, change);
                if (change < Margin * options.Tolerance && remaining < Margin * options.Tolerance * dissipation)
                {
                    // Confirm on the true residual: the single-precision recursive one drifts from b − A x.
                    level.Residual(inletRhs, x, r);
                    double exact = Dissipation(x, r);
                    bool drifted = Math.Abs(exact - dissipation) > options.Tolerance * exact;
                    dissipation = exact;
                    if (!drifted || replacements == 5) { converged = !drifted; confirmed = true; break; }
                    // Restart from the true residual.
                    replacements++;
                    decreases.Clear();
                    preconditioner.Apply(r, z);
                    Array.Copy(z, p, n);
                    rz = Vectors.Dot(r, z, level);
                    continue;
                }
                preconditioner.Apply(r, z);
                double rzNext = Vectors.Dot(r, z, level);
                float beta = (float)(rzNext / rz);
                rz = rzNext;
                Vectors.Xpay(z, beta, p, level);
            }
            if (!confirmed)
            {
                // Stopped without the confirmation above (a vanished residual, a degenerate step, the iteration
                // limit): report the dissipation of the true residual, not of the recursion.
                level.Residual(inletRhs, x, r);
                dissipation = Dissipation(x, r);
            }
            var (qIn, qOut) = Fluxes(x);
            double flux = 0.5 * (qIn + qOut);
            double imbalance = flux > 0 ? Math.Abs(qIn - qOut) / flux : double.PositiveInfinity;
            return new PcgResult(x, iteration, change, imbalance, converged, dissipation);
        }
        finally
        {
            foreach (var buffer in new[] { r, z, p, q }) BufferPool<float>.Return(buffer);
        }
    }

    /// <summary>Gives the operator's large arrays back for the next direction.</summary>
    public void Release() => _level.Release();

    /// <summary>The concentration in structure layout: fixed layers included, NaN where no unknown.</summary>
    public float[] ConcentrationField(double[]? x, GridShape shape)
    {
        int plane = _level.Plane, length = shape[_axis];
        int first = _convention.FirstUnknownLayer();
        var full = new float[shape.Count];
        Array.Fill(full, float.NaN);
        if (x is not null)
        {
            long offset = (long)first * plane;
            for (long i = 0; i < _level.Count; i++) full[offset + i] = _level.IsUnknown(i) ? (float)x[i] : float.NaN;
            if (first == 1)
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
    public static double Dot(float[] a, float[] b, IFineLevel level) => SumOverPlanes(level, (k, plane) =>
    {
        var sa = a.AsSpan(k * plane, plane);
        var sb = b.AsSpan(k * plane, plane);
        int i = 0, width = System.Numerics.Vector<float>.Count;
        var acc = System.Numerics.Vector<double>.Zero;
        for (; i <= plane - width; i += width)
        {
            var prod = new System.Numerics.Vector<float>(sa.Slice(i, width)) * new System.Numerics.Vector<float>(sb.Slice(i, width));
            System.Numerics.Vector.Widen(prod, out var lo, out var hi);
            acc += lo + hi;
        }
        double sum = System.Numerics.Vector.Sum(acc);
        for (; i < plane; i++) sum += (double)sa[i] * sb[i];
        return sum;
    });

    /// <summary>xᵀr for a double-precision x (the solution) and a single-precision r.</summary>
    public static double Dot(double[] x, float[] r, IFineLevel level) => SumOverPlanes(level, (k, plane) =>
    {
        var sx = x.AsSpan(k * plane, plane);
        var sr = r.AsSpan(k * plane, plane);
        double sum = 0;
        for (int i = 0; i < plane; i++) sum += sx[i] * sr[i];
        return sum;
    });

    /// <summary>Per-plane sums, computed in parallel and added in plane order (the same total on any core count).</summary>
    private static double SumOverPlanes(IFineLevel level, Func<int, int, double> planeSum)
    {
        var partial = new double[level.Nz];
        int plane = level.Plane;
        level.ForEachPlane(k => partial[k] = planeSum(k, plane));
        double total = 0;
        foreach (var v in partial) total += v;
        return total;
    }

    /// <summary>x += α p (double accumulator) and r −= α q, in one pass.</summary>
    public static void UpdateSolutionAndResidual(double alpha, float[] p, float[] q, double[] x, float[] r, IFineLevel level)
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
    public static void Xpay(float[] z, float beta, float[] p, IFineLevel level) 
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
