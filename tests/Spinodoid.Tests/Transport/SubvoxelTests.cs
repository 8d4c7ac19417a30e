using Spinodoid.Microstructure;
using Spinodoid.Transport;

namespace Spinodoid.Tests.Transport;

/// <summary>
/// The sub-voxel discretisation against analytic references (curved and plane interfaces), against a direct
/// solve of the same equations, and for the invariances the continuous problem has.
/// </summary>
public sealed class SubvoxelTests
{
    private static readonly Axis[] Axes = [Axis.X, Axis.Y, Axis.Z];

    /// <summary>σ_eff/σ of a square array of insulating cylinders, area fraction f (Perrins, McKenzie &amp; McPhedran 1979).</summary>
    private static double Rayleigh(double f) =>
        1 - 2 * f / (1 + f - 0.305827 * Math.Pow(f, 4) / (1 - 1.402958 * Math.Pow(f, 8)) - 0.013362 * Math.Pow(f, 8));

    /// <summary>
    /// One unit cell of the cylinder array (side s voxels, 2 thick, cylinder along z), transport along x with
    /// TauFactor's faces: the inlet and outlet faces are the cell's mirror planes, where the periodic
    /// solution's concentration is constant, so the cell alone gives the array's conductivity.
    /// </summary>
    private static (double Voxel, double Subvoxel) Cylinders(double fraction, int side)
    {
        var shape = new GridShape(side, side, 2);
        double r = side * Math.Sqrt(fraction / Math.PI), c = (side - 1) / 2.0;
        double Phi(double x, double y, double z) => r - Math.Sqrt((x - c) * (x - c) + (y - c) * (y - c));
        var structure = VoxelStructure.FromLevelSet(shape, Sample(shape, Phi), FaceApertures.FromFunction(shape, Phi, periodic: false));
        var options = new DiffusivityOptions(BoundaryConvention.TauFactor, LateralBoundary.Mirror, Tolerance: 1e-8, MaxIterations: 1000);
        return (DiffusivitySolver.Solve(structure, Axis.X, options with { Discretization = Discretization.Voxel }).Diffusivity,
                DiffusivitySolver.Solve(structure, Axis.X, options with { Discretization = Discretization.Subvoxel }).Diffusivity);
    }

    private static float[] Sample(GridShape shape, Func<double, double, double, double> phi)
    {
        var values = new float[shape.Count];
        for (int k = 0; k < shape.Nz; k++)
            for (int j = 0; j < shape.Ny; j++)
                for (int i = 0; i < shape.Nx; i++) values[shape.Index(i, j, k)] = (float)phi(i, j, k);
        return values;
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(0.5)]
    public void CylinderArrayMatchesTheRayleighSeriesAtSixteenVoxelsPerDiameter(double fraction)
    {
        int side = (int)Math.Round(16 / (2 * Math.Sqrt(fraction / Math.PI)));
        double exact = Rayleigh(fraction);
        var (voxel, sub) = Cylinders(fraction, side);
        double subError = Math.Abs(sub - exact) / exact, voxelError = Math.Abs(voxel - exact) / exact;
        Assert.True(subError < 0.005, $"f = {fraction}, side {side}: sub-voxel η {sub:F5} vs {exact:F5} ({100 * subError:F2} %)");
        Assert.True(voxelError > 5 * subError, $"voxel error {100 * voxelError:F2} % should be far above sub-voxel {100 * subError:F2} %");
    }

    [Fact]
    public void CylinderArrayConvergesAtLeastAtOrderOneAndAHalf()
    {
        const double fraction = 0.3;
        double exact = Rayleigh(fraction);
        double coarse = Math.Abs(Cylinders(fraction, 16).Subvoxel - exact), fine = Math.Abs(Cylinders(fraction, 64).Subvoxel - exact);
        double order = Math.Log(coarse / fine) / Math.Log(4);
        Assert.True(order >= 1.5, $"observed order {order:F2} (errors {coarse:E2} at 16, {fine:E2} at 64)");
    }

    public static TheoryData<BoundaryConvention, LateralBoundary> Conventions() => new()
    {
        { BoundaryConvention.Paper, LateralBoundary.Periodic },
        { BoundaryConvention.Paper, LateralBoundary.Mirror },
        { BoundaryConvention.TauFactor, LateralBoundary.Periodic },
        { BoundaryConvention.TauFactor, LateralBoundary.Mirror },
    };

    [Theory]
    [MemberData(nameof(Conventions))]
    public void SlabBetweenPlanesAtArbitraryOffsetsConductsItsExactWidth(BoundaryConvention c, LateralBoundary s)
    {
        // Pore where 2.3 < y < 7.85 (voxel centres at integers; the box spans −½ … 11.5): width 5.55 of 12.
        var shape = new GridShape(10, 12, 6);
        static double Phi(double x, double y, double z) => Math.Max(2.3 - y, y - 7.85);
        var structure = VoxelStructure.FromLevelSet(shape, Sample(shape, Phi), FaceApertures.FromFunction(shape, Phi, periodic: false));
        var options = new DiffusivityOptions(c, s, Tolerance: 1e-8, Discretization: Discretization.Subvoxel);
        foreach (var axis in new[] { Axis.X, Axis.Z })
            Assert.Equal(5.55 / 12, DiffusivitySolver.Solve(structure, axis, options).Diffusivity, 6);
        var across = DiffusivitySolver.Solve(structure, Axis.Y, options);
        Assert.Equal(0, across.Diffusivity);
        Assert.True(across.Blocked);
        // The staircase sees rows 3–7: 5 of 12.
        Assert.Equal(5.0 / 12, DiffusivitySolver.Solve(structure, Axis.X, options with { Discretization = Discretization.Voxel }).Diffusivity, 6);
    }

    [Theory]
    [MemberData(nameof(Conventions))]
    public void AgreesWithADirectSolveOfTheSameDiscreteSystem(BoundaryConvention c, LateralBoundary s)
    {
        // A smooth random level set on a small grid with odd sides (interpolated apertures: mirror or periodic).
        var shape = new GridShape(7, 6, 9);
        var random = new Random(5);
        var waves = Enumerable.Range(0, 6).Select(_ => (Kx: random.Next(-2, 3), Ky: random.Next(-2, 3), Kz: random.Next(-2, 3), Phase: random.NextDouble() * 6.3)).ToArray();
        double Phi(double x, double y, double z) => 0.3 + waves.Sum(w => Math.Cos(2 * Math.PI * (w.Kx * x / 7 + w.Ky * y / 6 + w.Kz * z / 9) + w.Phase));
        var phi = Sample(shape, Phi);
        var structure = VoxelStructure.FromLevelSet(shape, phi);
        var apertures = structure.SubvoxelApertures(s == LateralBoundary.Periodic);
        Assert.Contains(apertures.X, v => v is > 0 and < 1);
        foreach (var axis in Axes)
        {
            double direct = DirectSubvoxelDiffusivity.Solve(apertures, axis, c, s);
            double iterative = DiffusivitySolver.Solve(structure, axis, new DiffusivityOptions(c, s, Tolerance: 1e-9, Discretization: Discretization.Subvoxel)).Diffusivity;
            Assert.True(Math.Abs(direct - iterative) < 1e-6, $"{axis}: direct {direct:F9}, PCG {iterative:F9}");
        }
    }

    [Fact]
    public void VoxelAperturesReproduceTheVoxelSolver()
    {
        var voxels = SpinodoidGenerator.Generate(new SpinodoidParameters(0.1, 0.15, 0.2, 0.55), 4, 24);
        var staircase = VoxelStructure.FromLevelSet(voxels.Shape, voxels.Pore.Select(p => p == 1 ? -1f : 1f).ToArray(),
            FaceApertures.FromVoxels(voxels.Pore, voxels.Shape, periodic: true));
        var options = new DiffusivityOptions(Tolerance: 1e-8);
        foreach (var axis in Axes)
            Assert.Equal(DiffusivitySolver.Solve(voxels, axis, options).Diffusivity,
                DiffusivitySolver.Solve(staircase, axis, options with { Discretization = Discretization.Subvoxel }).Diffusivity, 6);
    }

    [Fact]
    public void TransposingTheFieldSwapsTheDirections()
    {
        var generated = SpinodoidGenerator.GenerateContinuous(new SpinodoidParameters(0.09, 0.14, 0.2, 0.6), 8, 24);
        var shape = generated.Shape;
        var phi = generated.LevelSet!;
        var transposed = new float[phi.Length];
        for (int z = 0; z < shape.Nz; z++)
            for (int y = 0; y < shape.Ny; y++)
                for (int x = 0; x < shape.Nx; x++) transposed[shape.Index(y, x, z)] = phi[shape.Index(x, y, z)];
        var a = VoxelStructure.FromLevelSet(shape, phi);
        var b = VoxelStructure.FromLevelSet(shape, transposed);
        var options = new DiffusivityOptions(Tolerance: 1e-8);
        Assert.Equal(DiffusivitySolver.Solve(a, Axis.X, options).Diffusivity, DiffusivitySolver.Solve(b, Axis.Y, options).Diffusivity, 6);
        Assert.Equal(DiffusivitySolver.Solve(a, Axis.Z, options).Diffusivity, DiffusivitySolver.Solve(b, Axis.Z, options).Diffusivity, 6);
    }

    [Fact]
    public void GeneratedStructuresDefaultToSubvoxelAndLieBetweenVoxelAndTheUpperBound()
    {
        var theta = new SpinodoidParameters(0.1, 0.14, 0.22, 0.62);
        var continuous = SpinodoidGenerator.GenerateContinuous(theta, 2, 32);
        Assert.Equal(SpinodoidGenerator.Generate(theta, 2, 32).Pore, continuous.Pore);
        foreach (var axis in Axes)
        {
            var sub = DiffusivitySolver.Solve(continuous, axis);
            var voxel = DiffusivitySolver.Solve(continuous, axis, new DiffusivityOptions(Discretization: Discretization.Voxel));
            Assert.Equal(Discretization.Subvoxel, sub.Discretization);
            Assert.Equal(Discretization.Voxel, voxel.Discretization);
            // The staircase is the narrower, more tortuous pore space; nothing conducts better than a straight channel.
            Assert.True(sub.Diffusivity > voxel.Diffusivity, $"{axis}: sub-voxel {sub.Diffusivity:F4} ≤ voxel {voxel.Diffusivity:F4}");
            Assert.True(sub.Diffusivity < continuous.Porosity);
        }
    }

    [Fact]
    public void ShiftedSamplesAreTheSameContinuousField()
    {
        // Large length scales: every mode inside the cutoff fits both grids, so N and 2N are the same field.
        var a = new LengthScales(0.3, 0.35, 0.4);
        int n = 40; // Nyquist 20 > cutoff/a = 5/0.3
        var fine = GaussianRandomField.Generate(a, 7, 2 * n);
        var samples = new Dictionary<GaussianRandomField.Shift, float[]>();
        GaussianRandomField.GenerateShifted(a, 7, n, [GaussianRandomField.Shift.X, GaussianRandomField.Shift.Corner],
            (shift, field) => samples[shift] = field.ToArray());
        var fineShape = GridShape.Cube(2 * n);
        var shape = GridShape.Cube(n);
        double worst = 0;
        for (int z = 0; z < n; z++)
            for (int y = 0; y < n; y++)
                for (int x = 0; x < n; x++)
                {
                    worst = Math.Max(worst, Math.Abs(samples[GaussianRandomField.Shift.X][shape.Index(x, y, z)] - fine[fineShape.Index(2 * x + 1, 2 * y, 2 * z)]));
                    worst = Math.Max(worst, Math.Abs(samples[GaussianRandomField.Shift.Corner][shape.Index(x, y, z)] - fine[fineShape.Index(2 * x + 1, 2 * y + 1, 2 * z + 1)]));
                }
        Assert.True(worst < 1e-4, $"largest difference {worst:E2}");
    }

    [Fact]
    public void IsolatedPoresCarryNothing()
    {
        // A spherical pore in the middle of solid: apertures open inside it, but nothing reaches the inlet.
        var shape = GridShape.Cube(12);
        static double Phi(double x, double y, double z) => Math.Sqrt((x - 5.5) * (x - 5.5) + (y - 5.5) * (y - 5.5) + (z - 5.5) * (z - 5.5)) - 3.2;
        var structure = VoxelStructure.FromLevelSet(shape, Sample(shape, Phi), FaceApertures.FromFunction(shape, Phi, periodic: true));
        foreach (var axis in Axes)
        {
            var result = DiffusivitySolver.Solve(structure, axis);
            Assert.Equal(0, result.Diffusivity);
            Assert.Equal(0, result.Iterations);
            Assert.True(result.Blocked);
        }
    }

    [Fact]
    public void ReusedSetUpArraysCarryNothingFromTheStructureBefore()
    {
        // The operator's arrays come from a pool: solving A, then structures of the same size that leave other
        // values in them (a denser one, a blocked one), then A again must give A's η bit for bit.
        var theta = new SpinodoidParameters(0.08, 0.12, 0.16, 0.45);
        var a = SpinodoidGenerator.GenerateContinuous(theta, 3, 24);
        var first = DiffusivitySolver.SolveAll(a).Select(r => r.Diffusivity).ToArray();
        DiffusivitySolver.SolveAll(SpinodoidGenerator.GenerateContinuous(theta with { Porosity = 0.8 }, 4, 24));
        DiffusivitySolver.SolveAll(SpinodoidGenerator.GenerateContinuous(theta with { Porosity = 0.12 }, 5, 24));
        var again = DiffusivitySolver.SolveAll(SpinodoidGenerator.GenerateContinuous(theta, 3, 24)).Select(r => r.Diffusivity).ToArray();
        Assert.All(first, eta => Assert.True(eta > 0));
        Assert.Equal(first, again);
    }

    [Fact]
    public void BadLevelSetsAreRefused()
    {
        var shape = GridShape.Cube(4);
        var phi = Enumerable.Repeat(-1f, 64).ToArray();
        phi[5] = float.NaN;
        var e = Assert.Throws<ArgumentException>(() => VoxelStructure.FromLevelSet(shape, phi));
        Assert.Contains("NaN", e.Message);
        var binary = new VoxelStructure(shape, new byte[64]);
        var sub = Assert.Throws<ArgumentException>(() => DiffusivitySolver.Solve(binary, Axis.X, new DiffusivityOptions(Discretization: Discretization.Subvoxel)));
        Assert.Contains("binary", sub.Message);
    }

    [Theory]
    [InlineData(-1.0, -2.0, -3.0, 1.0)]
    [InlineData(1.0, 2.0, 3.0, 0.0)]
    [InlineData(-1.0, 1.0, 1.0, 0.25)]
    [InlineData(1.0, -1.0, -1.0, 0.75)]
    public void TriangleFractionsAreExactForLinearFunctions(double a, double b, double c, double expected)
    {
        Assert.Equal(expected, FaceApertures.TriangleFraction(a, b, c), 12);
        // The same by brute force: the share of points of a fine barycentric lattice where the interpolant is negative.
        int m = 400, below = 0, total = 0;
        for (int i = 0; i <= m; i++)
            for (int j = 0; i + j <= m; j++)
            {
                double u = (i + 1.0 / 3) / (m + 1), v = (j + 1.0 / 3) / (m + 1);
                if (u + v > 1) continue;
                total++;
                if ((1 - u - v) * a + u * b + v * c < 0) below++;
            }
        Assert.Equal(expected, (double)below / total, 2);
    }
}
