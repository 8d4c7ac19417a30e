namespace Spinodoid.Microstructure;

/// <summary>
/// The pore fraction ("aperture") of every voxel face, measured on the continuous structure rather than read
/// off the voxels: the sub-voxel geometry that the transport solver's conductances come from.
/// </summary>
/// <remarks>
/// A face is the unit square between two voxel centres. Its aperture is the area fraction of the square where
/// the level set φ is below the threshold (pore), with φ interpolated linearly on the four triangles that
/// join the face centre to its edges (five samples per face: four corners and the centre). For a smooth
/// interface the area error is second order in the voxel size; for a plane it is exact.
/// <para>
/// <see cref="X"/>[i] is the face between voxel i and its +x neighbour; for the last voxel of a row it is the
/// face at N − ½: the wrap-around face of a periodic structure, or the outer face of an image (φ extended by
/// mirroring). <see cref="LowX"/> holds the faces at −½ (a plane of Ny·Nz values, y fastest); for a periodic
/// structure they are the same faces as the wrap-around ones. Likewise for y and z.
/// </para>
/// </remarks>
public sealed class FaceApertures
{
    internal FaceApertures(GridShape shape, float[] x, float[] y, float[] z, float[] lowX, float[] lowY, float[] lowZ, bool periodic)
    {
        Shape = shape; X = x; Y = y; Z = z; LowX = lowX; LowY = lowY; LowZ = lowZ; Periodic = periodic;
    }

    /// <summary>Grid size.</summary>
    public GridShape Shape { get; }

    /// <summary>Apertures of the +x faces (structure layout, x fastest).</summary>
    public float[] X { get; }
    /// <summary>Apertures of the +y faces.</summary>
    public float[] Y { get; }
    /// <summary>Apertures of the +z faces.</summary>
    public float[] Z { get; }
    /// <summary>Apertures of the faces at x = −½ (index y + Ny·z).</summary>
    public float[] LowX { get; }
    /// <summary>Apertures of the faces at y = −½ (index x + Nx·z).</summary>
    public float[] LowY { get; }
    /// <summary>Apertures of the faces at z = −½ (index x + Nx·y).</summary>
    public float[] LowZ { get; }
    /// <summary>True when the geometry is periodic (the wrap-around faces are real faces).</summary>
    public bool Periodic { get; }

    /// <summary>The +faces normal to <paramref name="axis"/>.</summary>
    public float[] Normal(Axis axis) => axis switch { Axis.X => X, Axis.Y => Y, _ => Z };

    /// <summary>The faces at −½ normal to <paramref name="axis"/>.</summary>
    public float[] LowPlane(Axis axis) => axis switch { Axis.X => LowX, Axis.Y => LowY, _ => LowZ };

    /// <summary>The voxel (staircase) geometry: a face is open exactly when both its voxels are pore.</summary>
    /// <remarks>A boundary face counts as open when its one voxel is pore.</remarks>
    public static FaceApertures FromVoxels(byte[] pore, GridShape shape, bool periodic)
    {
        int nx = shape.Nx, ny = shape.Ny, nz = shape.Nz;
        var x = new float[shape.Count];
        var y = new float[shape.Count];
        var z = new float[shape.Count];
        for (int k = 0; k < nz; k++)
            for (int j = 0; j < ny; j++)
                for (int i = 0; i < nx; i++)
                {
                    long c = shape.Index(i, j, k);
                    if (pore[c] == 0) continue;
                    x[c] = i + 1 < nx ? pore[c + 1] : periodic ? pore[shape.Index(0, j, k)] : 1;
                    y[c] = j + 1 < ny ? pore[c + nx] : periodic ? pore[shape.Index(i, 0, k)] : 1;
                    z[c] = k + 1 < nz ? pore[c + (long)nx * ny] : periodic ? pore[shape.Index(i, j, 0)] : 1;
                }
        var lowX = new float[(long)ny * nz];
        var lowY = new float[(long)nx * nz];
        var lowZ = new float[(long)nx * ny];
        for (int k = 0; k < nz; k++)
            for (int j = 0; j < ny; j++) lowX[j + (long)ny * k] = periodic ? x[shape.Index(nx - 1, j, k)] : pore[shape.Index(0, j, k)];
        for (int k = 0; k < nz; k++)
            for (int i = 0; i < nx; i++) lowY[i + (long)nx * k] = periodic ? y[shape.Index(i, ny - 1, k)] : pore[shape.Index(i, 0, k)];
        for (int j = 0; j < ny; j++)
            for (int i = 0; i < nx; i++) lowZ[i + (long)nx * j] = periodic ? z[shape.Index(i, j, nz - 1)] : pore[shape.Index(i, j, 0)];
        return new FaceApertures(shape, x, y, z, lowX, lowY, lowZ, periodic);
    }

    /// <summary>
    /// Apertures of a level set given at the voxel centres (pore where φ &lt; <paramref name="threshold"/>):
    /// corner values are the mean of the 8 voxels around a corner, face centres the mean of the 2 voxels of a
    /// face. <paramref name="periodic"/>: the image wraps around; otherwise it is extended by mirroring.
    /// </summary>
    public static FaceApertures FromLevelSet(float[] phi, GridShape shape, float threshold, bool periodic)
    {
        if (phi.LongLength != shape.Count)
            throw new ArgumentException($"level set has {phi.LongLength} values but the grid {shape} has {shape.Count}");
        var builder = new Builder(shape, threshold, periodic);
        int nx = shape.Nx, ny = shape.Ny, nz = shape.Nz;
        int W(int i, int n) => periodic ? (i % n + n) % n : Math.Clamp(i, 0, n - 1);
        float At(int i, int j, int k) => phi[shape.Index(W(i, nx), W(j, ny), W(k, nz))];
        builder.SetCorners((ci, cj, ck) =>
        {
            double sum = 0;
            for (int dk = -1; dk <= 0; dk++)
                for (int dj = -1; dj <= 0; dj++)
                    for (int di = -1; di <= 0; di++) sum += At(ci + di, cj + dj, ck + dk);
            return (float)(sum / 8);
        });
        foreach (var axis in new[] { Axis.X, Axis.Y, Axis.Z })
            builder.AddFaces(axis, (fi, j, k) => axis switch
            {
                Axis.X => 0.5f * (At(fi - 1, j, k) + At(fi, j, k)),
                Axis.Y => 0.5f * (At(j, fi - 1, k) + At(j, fi, k)),
                _ => 0.5f * (At(j, k, fi - 1) + At(j, k, fi)),
            });
        return builder.Build();
    }

    /// <summary>
    /// Apertures of an analytic level set φ(x, y, z) (voxel units, voxel (i, j, k) centred at (i, j, k)),
    /// pore where φ &lt; 0, evaluated exactly at every face's corners and centre.
    /// </summary>
    public static FaceApertures FromFunction(GridShape shape, Func<double, double, double, double> phi, bool periodic)
    {
        var builder = new Builder(shape, 0f, periodic);
        builder.SetCorners((ci, cj, ck) => (float)phi(ci - 0.5, cj - 0.5, ck - 0.5));
        builder.AddFaces(Axis.X, (fi, j, k) => (float)phi(fi - 0.5, j, k));
        builder.AddFaces(Axis.Y, (fi, i, k) => (float)phi(i, fi - 0.5, k));
        builder.AddFaces(Axis.Z, (fi, i, j) => (float)phi(i, j, fi - 0.5));
        return builder.Build();
    }

    /// <summary>
    /// Fraction of a triangle where the linear interpolant of its vertex values is negative. One negative
    /// vertex p cuts off a similar triangle of relative area p²/((p − q)(p − r)); two negative vertices leave
    /// that area to the positive one.
    /// </summary>
    internal static double TriangleFraction(double a, double b, double c)
    {
        int negative = (a < 0 ? 1 : 0) + (b < 0 ? 1 : 0) + (c < 0 ? 1 : 0);
        switch (negative)
        {
            case 0: return 0;
            case 3: return 1;
            case 1:
                {
                    var (p, q, r) = a < 0 ? (a, b, c) : b < 0 ? (b, a, c) : (c, a, b);
                    return p * p / ((p - q) * (p - r));
                }
            default:
                {
                    var (p, q, r) = a >= 0 ? (a, b, c) : b >= 0 ? (b, a, c) : (c, a, b);
                    return 1 - p * p / ((p - q) * (p - r));
                }
        }
    }

    /// <summary>Aperture of one face from its corners (in cyclic order) and centre, all relative to the threshold.</summary>
    internal static float FaceFraction(double c0, double c1, double c2, double c3, double centre)
    {
        // Most faces lie wholly in one phase.
        if (c0 < 0 && c1 < 0 && c2 < 0 && c3 < 0 && centre < 0) return 1f;
        if (c0 >= 0 && c1 >= 0 && c2 >= 0 && c3 >= 0 && centre >= 0) return 0f;
        double f = 0.25 * (TriangleFraction(centre, c0, c1) + TriangleFraction(centre, c1, c2)
                         + TriangleFraction(centre, c2, c3) + TriangleFraction(centre, c3, c0));
        // A sliver below a millionth of a face conducts nothing measurable, but its reciprocal would overflow
        // single precision in the smoother: treat it as closed (and its complement as open).
        return f < MinimumAperture ? 0f : f > 1 - MinimumAperture ? 1f : (float)f;
    }

    /// <summary>Apertures below this are closed, above 1 − this fully open.</summary>
    public const double MinimumAperture = 1e-6;

    /// <summary>
    /// Assembles apertures from sampled values: the corners of every voxel (a padded (Nx+1)(Ny+1)(Nz+1) grid:
    /// index (ci, cj, ck) is the corner at (ci − ½, cj − ½, ck − ½)), then the face centres of one orientation
    /// at a time (index (fi, a, b): the face at fi − ½ along the axis, a and b the other two coordinates in
    /// x, y, z order), so that only one face grid is held at once.
    /// </summary>
    internal sealed class Builder(GridShape shape, float threshold, bool periodic)
    {
        private readonly int _nx = shape.Nx, _ny = shape.Ny, _nz = shape.Nz;
        private float[]? _corners;
        private readonly float[][] _normal = new float[3][];
        private readonly float[][] _low = new float[3][];

        private long CornerIndex(int ci, int cj, int ck) => ci + (_nx + 1L) * (cj + (_ny + 1L) * ck);

        public void SetCorners(Func<int, int, int, float> corner)
        {
            var corners = new float[(_nx + 1L) * (_ny + 1) * (_nz + 1)];
            Parallel.For(0, _nz + 1, ck =>
            {
                for (int cj = 0; cj <= _ny; cj++)
                    for (int ci = 0; ci <= _nx; ci++) corners[CornerIndex(ci, cj, ck)] = corner(ci, cj, ck);
            });
            _corners = corners;
        }

        /// <summary>Sets the corners from a periodic N³ grid of values at (i + ½, j + ½, k + ½).</summary>
        public void SetPeriodicCorners(float[] atUpperCorners)
        {
            var corners = new float[(_nx + 1L) * (_ny + 1) * (_nz + 1)];
            Parallel.For(0, _nz + 1, ck =>
            {
                int k = (ck + _nz - 1) % _nz;
                for (int cj = 0; cj <= _ny; cj++)
                {
                    int j = (cj + _ny - 1) % _ny;
                    long row = shape.Index(0, j, k), target = CornerIndex(0, cj, ck);
                    corners[target] = atUpperCorners[row + _nx - 1];
                    atUpperCorners.AsSpan((int)row, _nx).CopyTo(corners.AsSpan((int)target + 1, _nx));
                }
            });
            _corners = corners;
        }

        /// <summary>Adds the faces normal to <paramref name="axis"/>, their centre values given by a function.</summary>
        public void AddFaces(Axis axis, Func<int, int, int, float> centre) => Faces(axis, new FunctionCentres(centre));

        /// <summary>Adds the faces normal to <paramref name="axis"/> from a periodic N³ grid of values at the +face centres.</summary>
        public void AddPeriodicFaces(Axis axis, float[] atUpperFaces) => Faces(axis, new PeriodicCentres(atUpperFaces, shape, axis));

        /// <summary>The value at the centre of face (fi, a, b) (see the class summary for the index).</summary>
        private interface ICentres
        {
            float At(int fi, int a, int b);
        }

        private readonly struct FunctionCentres(Func<int, int, int, float> centre) : ICentres
        {
            public float At(int fi, int a, int b) => centre(fi, a, b);
        }

        /// <summary>A periodic grid of +face values: face fi − ½ is the +face of cell fi − 1 (wrapped); no call per face.</summary>
        private readonly struct PeriodicCentres(float[] values, GridShape shape, Axis axis) : ICentres
        {
            private readonly int _n = shape[axis], _nx = shape.Nx;
            private readonly long _plane = (long)shape.Nx * shape.Ny;

            public float At(int fi, int a, int b)
            {
                int f = fi == 0 ? _n - 1 : fi - 1;
                return axis switch
                {
                    Axis.X => values[f + _nx * a + _plane * b],
                    Axis.Y => values[a + _nx * (long)f + _plane * b],
                    _ => values[a + _nx * (long)b + _plane * f],
                };
            }
        }

        // Generic over the centre source so that each one is specialised and inlined (one face is a few nanoseconds).
        private void Faces<TCentres>(Axis axis, TCentres centre) where TCentres : struct, ICentres
        {
            var corners = _corners ?? throw new InvalidOperationException("corners first");
            var normal = new float[shape.Count];
            int nx = _nx, ny = _ny, nz = _nz;
            float t = threshold;
            var low = new float[axis switch { Axis.X => (long)ny * nz, Axis.Y => (long)nx * nz, _ => (long)nx * ny }];
            // One task per plane of the slowest coordinate among the two lateral ones of this face orientation.
            Parallel.For(0, axis == Axis.Z ? ny : nz, outer =>
            {
                switch (axis)
                {
                    case Axis.X:
                        for (int j = 0; j < ny; j++)
                            for (int fi = 0; fi <= nx; fi++)
                            {
                                int k = outer;
                                float v = FaceFraction(
                                    corners[CornerIndex(fi, j, k)] - t, corners[CornerIndex(fi, j + 1, k)] - t,
                                    corners[CornerIndex(fi, j + 1, k + 1)] - t, corners[CornerIndex(fi, j, k + 1)] - t,
                                    centre.At(fi, j, k) - t);
                                if (fi == 0) low[j + (long)ny * k] = v; else normal[shape.Index(fi - 1, j, k)] = v;
                            }
                        break;
                    case Axis.Y:
                        for (int fi = 0; fi <= ny; fi++)
                            for (int i = 0; i < nx; i++)
                            {
                                int k = outer;
                                float v = FaceFraction(
                                    corners[CornerIndex(i, fi, k)] - t, corners[CornerIndex(i + 1, fi, k)] - t,
                                    corners[CornerIndex(i + 1, fi, k + 1)] - t, corners[CornerIndex(i, fi, k + 1)] - t,
                                    centre.At(fi, i, k) - t);
                                if (fi == 0) low[i + (long)nx * k] = v; else normal[shape.Index(i, fi - 1, k)] = v;
                            }
                        break;
                    default:
                        for (int fi = 0; fi <= nz; fi++)
                            for (int i = 0; i < nx; i++)
                            {
                                int j = outer;
                                float v = FaceFraction(
                                    corners[CornerIndex(i, j, fi)] - t, corners[CornerIndex(i + 1, j, fi)] - t,
                                    corners[CornerIndex(i + 1, j + 1, fi)] - t, corners[CornerIndex(i, j + 1, fi)] - t,
                                    centre.At(fi, i, j) - t);
                                if (fi == 0) low[i + (long)nx * j] = v; else normal[shape.Index(i, j, fi - 1)] = v;
                            }
                        break;
                }
            });
            _normal[(int)axis] = normal;
            _low[(int)axis] = low;
        }

        public FaceApertures Build()
        {
            if (_normal.Any(a => a is null)) throw new InvalidOperationException("faces of all three orientations first");
            _corners = null;
            return new FaceApertures(shape, _normal[0], _normal[1], _normal[2], _low[0], _low[1], _low[2], periodic);
        }
    }
}
