using System.Globalization;
using Spinodoid.Microstructure;
using Spinodoid.Transport;

namespace Spinodoid.Benchmarks;

/// <summary>
/// A candidate sub-voxel discretisation measured against the apertures: the face conductance as a quadrature of
/// the resistance 1/A(s) along the link between two voxel centres, weights (w, 1 − 2w, w) on the pore fraction of
/// the first voxel's mid-plane, of the face and of the second voxel's mid-plane (w = 0: the apertures; w = 1/6:
/// Simpson). A pinch inside a voxel, which the face alone misses, then closes the link. The mid-planes come from
/// the field at the edge centres (three more shifted FFTs). Errors are against the resolution study's η_c, so run
/// <c>resolution</c> first; measured at N = 128 (docs/solver.md): w = 1/6 is −2.65 % on average, 6.1 % at worst,
/// against +0.64 % and 3.1 % for the apertures — the series model over-resists, since the flux spreads in 3D.
/// Weight −1 instead measures every aperture on the field at 2N (four sub-faces): +0.76 %, max 3.58 %.
/// </summary>
internal static class ConductanceVariants
{
    public static int Run(string[] args)
    {
        int n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 128;
        string csv = args.Length > 1 ? args[1] : "bench/results/resolution-study.csv";
        // A weight of −1 stands for the apertures measured on the field at twice the resolution (2 × 2 sub-faces each).
        string[] codes = args.Length > 2 ? args[2].Split(',') : ["0", "0.1666667", "0.25"];
        // "L<w>": the series weight w scaled by how closed the voxel's lateral faces are (a narrow tube: series; open: apertures).
        // "P<w>": the series weight only on a side whose mid-plane aperture is below both of its faces' (a pinch inside the voxel).
        double[] weights = codes.Select(s => double.Parse(s.TrimStart('L', 'P'), CultureInfo.InvariantCulture)).ToArray();
        int[] modes = codes.Select(s => s.StartsWith('L') ? 1 : s.StartsWith('P') ? 2 : 0).ToArray();
        var lines = File.ReadAllLines(csv).Skip(1).Select(l => l.Split(',')).Where(f => f[7] == "Subvoxel" && f[8] == "192").ToList();
        var cases = lines.GroupBy(f => f[0]).Select(g => (Name: g.Key, Theta: new SpinodoidParameters(D(g.First()[1]), D(g.First()[2]), D(g.First()[3]), D(g.First()[4])),
            Seed: ulong.Parse(g.First()[5], CultureInfo.InvariantCulture), Continuum: g.OrderBy(f => f[6]).Select(f => D(f[10])).ToArray())).ToList();
        var errs = weights.Select(_ => new List<double>()).ToArray();
        foreach (var c in cases)
        {
            var line = $"{c.Name,-14}";
            for (int v = 0; v < weights.Length; v++)
            {
                var s = Build(c.Theta, c.Seed, n, weights[v], modes[v]);
                var eta = DiffusivitySolver.SolveAll(s, new DiffusivityOptions(Discretization: Discretization.Subvoxel)).Select(r => r.Diffusivity).ToArray();
                var rel = eta.Zip(c.Continuum, (e, r) => 100 * (e - r) / r).ToArray();
                errs[v].AddRange(rel);
                line += string.Create(CultureInfo.InvariantCulture, $" | {codes[v]}: {string.Join(" ", rel.Select(x => x.ToString("+0.00;-0.00")))}");
            }
            Console.WriteLine(line);
        }
        for (int v = 0; v < weights.Length; v++)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{codes[v]} N={n}: mean {errs[v].Average():+0.00;-0.00} % mean|.| {errs[v].Average(Math.Abs):F2} % max|.| {errs[v].Max(Math.Abs):F2} %"));
        return 0;
    }

    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    internal static VoxelStructure Build(SpinodoidParameters theta, ulong seed, int n, double w, int mode = 0)
    {
        var s = SpinodoidGenerator.GenerateContinuous(theta, seed, n);
        if (w == 0) return s;
        if (w < 0) return Supersampled(s, theta, seed, n);
        var shape = s.Shape;
        float t = Threshold(theta, seed, n);
        var phi = s.LevelSet!;
        var ap = s.Apertures!;
        var mid = new float[3][];
        GaussianRandomField.GenerateShifted(theta.LengthScales, seed, n,
            [GaussianRandomField.Shift.Y | GaussianRandomField.Shift.Z, GaussianRandomField.Shift.X | GaussianRandomField.Shift.Z, GaussianRandomField.Shift.X | GaussianRandomField.Shift.Y],
            (shift, edge) =>
            {
                int axis = shift == (GaussianRandomField.Shift.Y | GaussianRandomField.Shift.Z) ? 0 : shift == (GaussianRandomField.Shift.X | GaussianRandomField.Shift.Z) ? 1 : 2;
                var e = edge.ToArray();
                var m = new float[shape.Count];
                int W(int i) => (i % n + n) % n;
                Parallel.For(0, n, k =>
                {
                    for (int j = 0; j < n; j++)
                        for (int i = 0; i < n; i++)
                        {
                            // the mid-plane of voxel (i,j,k) normal to axis: corners at ±½ in the two other coordinates
                            float E(int di, int dj, int dk) => e[shape.Index(W(i + di), W(j + dj), W(k + dk))] - t;
                            float c0, c1, c2, c3;
                            if (axis == 0) { c0 = E(0, -1, -1); c1 = E(0, 0, -1); c2 = E(0, 0, 0); c3 = E(0, -1, 0); }
                            else if (axis == 1) { c0 = E(-1, 0, -1); c1 = E(0, 0, -1); c2 = E(0, 0, 0); c3 = E(-1, 0, 0); }
                            else { c0 = E(-1, -1, 0); c1 = E(0, -1, 0); c2 = E(0, 0, 0); c3 = E(-1, 0, 0); }
                            m[shape.Index(i, j, k)] = FaceApertures.FaceFraction(c0, c1, c2, c3, phi[shape.Index(i, j, k)]);
                        }
                });
                mid[axis] = m;
            });
        float[][] orig = [ap.X.ToArray(), ap.Y.ToArray(), ap.Z.ToArray()];
        long Step(long c, int ax, int delta)
        {
            var (i, j, k) = (c % n, c / n % n, c / ((long)n * n));
            if (ax == 0) i = (i + delta + n) % n; else if (ax == 1) j = (j + delta + n) % n; else k = (k + delta + n) % n;
            return shape.Index((int)i, (int)j, (int)k);
        }
        double Lateral(long c, int axis)
        {
            double sum = 0;
            for (int b = 0; b < 3; b++) if (b != axis) sum += orig[b][c] + orig[b][Step(c, b, -1)];
            return sum / 4;
        }
        for (int axis = 0; axis < 3; axis++)
        {
            var f = ap.Normal((Axis)axis);
            var m = mid[axis];
            Parallel.For(0, n, k =>
            {
                for (int j = 0; j < n; j++)
                    for (int i = 0; i < n; i++)
                    {
                        long c = shape.Index(i, j, k);
                        long d = axis == 0 ? shape.Index((i + 1) % n, j, k) : axis == 1 ? shape.Index(i, (j + 1) % n, k) : shape.Index(i, j, (k + 1) % n);
                        double a = f[c];
                        if (a == 0) continue;
                        double wc = w, wd = w;
                        if (mode == 1) { wc = w * (1 - Lateral(c, axis)); wd = w * (1 - Lateral(d, axis)); }
                        double mc = Math.Max(m[c], 1e-6), md = Math.Max(m[d], 1e-6);
                        if (mode == 2) { wc = m[c] < Math.Min(a, orig[axis][Step(c, axis, -1)]) ? w : 0; wd = m[d] < Math.Min(a, orig[axis][d]) ? w : 0; }
                        double r = (1 - wc - wd) / a + wc / mc + wd / md;
                        double g = 1 / r;
                        f[c] = g < FaceApertures.MinimumAperture ? 0f : (float)g;
                    }
            });
        }
        CopyWrapFaces(ap, shape, n);
        return s;
    }

    /// <summary>Every face's aperture as the mean of its four half-size sub-faces, each from the exact field (2N grid).</summary>
    private static VoxelStructure Supersampled(VoxelStructure s, SpinodoidParameters theta, ulong seed, int n)
    {
        var shape = s.Shape;
        float t = Threshold(theta, seed, n);
        int m = 2 * n;
        var fineShape = GridShape.Cube(m);
        float[]? corners = null;
        var centres = new float[3][];
        GaussianRandomField.GenerateShifted(theta.LengthScales, seed, m,
            [GaussianRandomField.Shift.None, GaussianRandomField.Shift.Y | GaussianRandomField.Shift.Z,
             GaussianRandomField.Shift.X | GaussianRandomField.Shift.Z, GaussianRandomField.Shift.X | GaussianRandomField.Shift.Y],
            (shift, field) =>
            {
                var copy = field.ToArray();
                if (shift == GaussianRandomField.Shift.None) corners = copy;
                else centres[shift == (GaussianRandomField.Shift.Y | GaussianRandomField.Shift.Z) ? 0 : shift == (GaussianRandomField.Shift.X | GaussianRandomField.Shift.Z) ? 1 : 2] = copy;
            });
        int W(int i) => (i % m + m) % m;
        float C(int x, int y, int z) => corners![fineShape.Index(W(x), W(y), W(z))] - t;
        var ap = s.Apertures!;
        for (int axis = 0; axis < 3; axis++)
        {
            var f = ap.Normal((Axis)axis);
            var centre = centres[axis];
            Parallel.For(0, n, k =>
            {
                for (int j = 0; j < n; j++)
                    for (int i = 0; i < n; i++)
                    {
                        double sum = 0;
                        for (int a = 0; a < 2; a++)
                            for (int b = 0; b < 2; b++)
                            {
                                // Sub-square corners (u, v) in fine coordinates on the face plane, its centre from the shifted field.
                                int x0, y0, z0;
                                float c0, c1, c2, c3, mid;
                                if (axis == 0)
                                {
                                    x0 = 2 * i + 1; y0 = 2 * j - 1 + a; z0 = 2 * k - 1 + b;
                                    c0 = C(x0, y0, z0); c1 = C(x0, y0 + 1, z0); c2 = C(x0, y0 + 1, z0 + 1); c3 = C(x0, y0, z0 + 1);
                                }
                                else if (axis == 1)
                                {
                                    x0 = 2 * i - 1 + a; y0 = 2 * j + 1; z0 = 2 * k - 1 + b;
                                    c0 = C(x0, y0, z0); c1 = C(x0 + 1, y0, z0); c2 = C(x0 + 1, y0, z0 + 1); c3 = C(x0, y0, z0 + 1);
                                }
                                else
                                {
                                    x0 = 2 * i - 1 + a; y0 = 2 * j - 1 + b; z0 = 2 * k + 1;
                                    c0 = C(x0, y0, z0); c1 = C(x0 + 1, y0, z0); c2 = C(x0 + 1, y0 + 1, z0); c3 = C(x0, y0 + 1, z0);
                                }
                                mid = centre[fineShape.Index(W(x0), W(y0), W(z0))] - t;
                                sum += FaceApertures.FaceFraction(c0, c1, c2, c3, mid);
                            }
                        double v = sum / 4;
                        f[shape.Index(i, j, k)] = v < FaceApertures.MinimumAperture ? 0f : v > 1 - FaceApertures.MinimumAperture ? 1f : (float)v;
                    }
            });
        }
        CopyWrapFaces(ap, shape, n);
        return s;
    }

    /// <summary>The generator's threshold T (the voxel-centre ε-quantile), which the level set φ = Ψ − T has subtracted.</summary>
    private static float Threshold(SpinodoidParameters theta, ulong seed, int n) =>
        PorosityThreshold.ApplyWithLevel(GaussianRandomField.Generate(theta.LengthScales, seed, n), theta.Porosity).Threshold;

    private static void CopyWrapFaces(FaceApertures ap, GridShape shape, int n)
    {
        for (int k = 0; k < n; k++) for (int j = 0; j < n; j++) ap.LowX[j + (long)n * k] = ap.X[shape.Index(n - 1, j, k)];
        for (int k = 0; k < n; k++) for (int i = 0; i < n; i++) ap.LowY[i + (long)n * k] = ap.Y[shape.Index(i, n - 1, k)];
        for (int j = 0; j < n; j++) for (int i = 0; i < n; i++) ap.LowZ[i + (long)n * j] = ap.Z[shape.Index(i, j, n - 1)];
    }
}
