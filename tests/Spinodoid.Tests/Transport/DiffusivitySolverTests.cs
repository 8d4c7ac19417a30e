using Spinodoid.Microstructure;
using Spinodoid.Tests.Support;
using Spinodoid.Transport;

namespace Spinodoid.Tests.Transport;

public class DiffusivitySolverTests
{
    private static readonly Axis[] Axes = [Axis.X, Axis.Y, Axis.Z];

    public static TheoryData<BoundaryConvention, LateralBoundary> Conventions() => new()
    {
        { BoundaryConvention.Paper, LateralBoundary.Periodic },
        { BoundaryConvention.Paper, LateralBoundary.Mirror },
        { BoundaryConvention.TauFactor, LateralBoundary.Periodic },
        { BoundaryConvention.TauFactor, LateralBoundary.Mirror },
    };

    private static DiffusivityOptions Options(BoundaryConvention c, LateralBoundary s) => new(c, s, Tolerance: 1e-8);

    private static VoxelStructure Build(GridShape shape, Func<int, int, int, bool> pore)
    {
        var mask = new byte[shape.Count];
        for (int z = 0; z < shape.Nz; z++)
            for (int y = 0; y < shape.Ny; y++)
                for (int x = 0; x < shape.Nx; x++)
                    if (pore(x, y, z)) mask[shape.Index(x, y, z)] = 1;
        return new VoxelStructure(shape, mask);
    }

    [Theory]
    [MemberData(nameof(Conventions))]
    public void EmptyBoxHasUnitDiffusivityAndTortuosity(BoundaryConvention c, LateralBoundary s)
    {
        var box = Build(new GridShape(9, 7, 11), (_, _, _) => true);
        foreach (var r in DiffusivitySolver.SolveAll(box, Options(c, s)))
        {
            Assert.Equal(1.0, r.Diffusivity, 6);
            Assert.Equal(1.0, r.TortuosityFactor, 6);
            Assert.True(r.Converged);
        }
    }

    [Theory]
    [MemberData(nameof(Conventions))]
    public void StraightChannelsConductTheirPorosityAlongAndNothingAcross(BoundaryConvention c, LateralBoundary s)
    {
        // Isolated 1×1 channels along z at every third x and y.
        var shape = new GridShape(12, 9, 10);
        var channels = Build(shape, (x, y, _) => x % 3 == 1 && y % 3 == 1);
        var results = DiffusivitySolver.SolveAll(channels, Options(c, s));
        Assert.Equal(channels.Porosity, results[2].Diffusivity, 6);
        Assert.Equal(0.0, results[0].Diffusivity);
        Assert.Equal(0.0, results[1].Diffusivity);
        Assert.True(results[0].Blocked && results[1].Blocked);
        Assert.True(double.IsPositiveInfinity(results[0].TortuosityFactor));
    }

    [Theory]
    [MemberData(nameof(Conventions))]
    public void ParallelPlatesConductInTheirPlaneOnly(BoundaryConvention c, LateralBoundary s)
    {
        var shape = new GridShape(8, 12, 9);
        var plates = Build(shape, (_, y, _) => y % 4 is 1 or 2);
        var results = DiffusivitySolver.SolveAll(plates, Options(c, s));
        Assert.Equal(0.5, results[0].Diffusivity, 6);
        Assert.Equal(0.0, results[1].Diffusivity);
        Assert.Equal(0.5, results[2].Diffusivity, 6);
    }

    [Fact]
    public void DeadEndPoresDoNotChangeTheDiffusivity()
    {
        var shape = new GridShape(8, 8, 12);
        bool Channel(int x, int y, int z) => x == 3 && y == 3;
        var plain = Build(shape, Channel);
        // Side branches that end blindly (an L-shaped one too), and a closed cavity nowhere near the channel.
        var branched = Build(shape, (x, y, z) => Channel(x, y, z) || (z == 5 && y == 3 && x is >= 3 and <= 6)
                                                 || (z == 8 && x == 3 && y is >= 3 and <= 5)
                                                 || (x == 3 && y == 5 && z is >= 8 and <= 9)
                                                 || (x == 6 && y == 6 && z is >= 2 and <= 4));
        var expected = DiffusivitySolver.Solve(plain, Axis.Z, new DiffusivityOptions(Tolerance: 1e-8)).Diffusivity;
        var result = DiffusivitySolver.Solve(branched, Axis.Z, new DiffusivityOptions(Tolerance: 1e-8));
        Assert.Equal(expected, result.Diffusivity, 7);
        Assert.True(result.PercolatingPorosity < result.Porosity);
    }

    [Fact]
    public void NonPercolatingStructureHasZeroDiffusivityWithoutIterating()
    {
        // Two pore halves separated by a solid wall across z.
        var shape = new GridShape(10, 10, 10);
        var walled = Build(shape, (_, _, z) => z != 5);
        var r = DiffusivitySolver.Solve(walled, Axis.Z);
        Assert.Equal(0.0, r.Diffusivity);
        Assert.True(r.Blocked);
        Assert.Equal(0, r.Iterations);
        Assert.True(DiffusivitySolver.Solve(walled, Axis.X).Diffusivity > 0.85);
    }

    public static TheoryData<int, BoundaryConvention, LateralBoundary> RandomCases()
    {
        var data = new TheoryData<int, BoundaryConvention, LateralBoundary>();
        int seed = 0;
        foreach (var c in new[] { BoundaryConvention.Paper, BoundaryConvention.TauFactor })
            foreach (var s in new[] { LateralBoundary.Periodic, LateralBoundary.Mirror })
                for (int k = 0; k < 3; k++)
                    data.Add(seed++, c, s);
        return data;
    }

    [Theory]
    [MemberData(nameof(RandomCases))]
    public void AgreesWithADirectSolveOfTheSameDiscreteSystem(int seed, BoundaryConvention c, LateralBoundary s)
    {
        // Small random structures with odd and even sides (wrap-around of odd periodic rows included).
        var shape = new GridShape(7 + seed % 3, 6 + seed % 2, 9);
        var structure = new VoxelStructure(shape, Reference.RandomMask(shape, 0.62, (ulong)seed + 100));
        foreach (var axis in Axes)
        {
            double direct = DirectDiffusivity.Solve(structure, axis, c, s);
            double iterative = DiffusivitySolver.Solve(structure, axis, Options(c, s)).Diffusivity;
            Assert.True(Math.Abs(direct - iterative) < 1e-6, $"{axis}: direct {direct:F9}, PCG {iterative:F9}");
        }
    }

    [Fact]
    public void AgreesWithADirectSolveOnASpinodoid()
    {
        var structure = SpinodoidGenerator.Generate(new SpinodoidParameters(0.15, 0.2, 0.25, 0.5), 3, 16);
        foreach (var axis in Axes)
        {
            double direct = DirectDiffusivity.Solve(structure, axis, BoundaryConvention.Paper, LateralBoundary.Periodic);
            double iterative = DiffusivitySolver.Solve(structure, axis, new DiffusivityOptions(Tolerance: 1e-8)).Diffusivity;
            Assert.True(Math.Abs(direct - iterative) < 1e-6, $"{axis}: direct {direct:F9}, PCG {iterative:F9}");
        }
    }

    [Theory]
    [InlineData(0.35)]
    [InlineData(0.5)]
    [InlineData(0.7)]
    public void IsotropicStructuresStayBelowTheHashinShtrikmanBound(double porosity)
    {
        var structure = SpinodoidGenerator.Generate(new SpinodoidParameters(0.12, 0.12, 0.12, porosity), 5, 48);
        double bound = 2 * porosity / (3 - porosity);
        foreach (var r in DiffusivitySolver.SolveAll(structure))
            Assert.True(r.Diffusivity > 0 && r.Diffusivity < bound, $"{r.Axis}: η = {r.Diffusivity:F4}, bound {bound:F4}");
    }

    [Fact]
    public void FlippingOrPermutingAxesLeavesDiffusivityUnchanged()
    {
        var structure = SpinodoidGenerator.Generate(new SpinodoidParameters(0.1, 0.15, 0.22, 0.55), 8, 32);
        var options = new DiffusivityOptions(Tolerance: 1e-8);
        var baseline = DiffusivitySolver.SolveAll(structure, options).Select(r => r.Diffusivity).ToArray();
        foreach (var flip in Axes)
        {
            var flipped = Transform(structure, (x, y, z, n) => flip switch
            {
                Axis.X => (n - 1 - x, y, z),
                Axis.Y => (x, n - 1 - y, z),
                _ => (x, y, n - 1 - z),
            });
            var etas = DiffusivitySolver.SolveAll(flipped, options).Select(r => r.Diffusivity).ToArray();
            for (int d = 0; d < 3; d++) Assert.Equal(baseline[d], etas[d], 6);
        }
        // (x, y, z) → (y, z, x): the new x-axis is the old y-axis, and so on.
        var permuted = Transform(structure, (x, y, z, _) => (y, z, x));
        var p = DiffusivitySolver.SolveAll(permuted, options).Select(r => r.Diffusivity).ToArray();
        Assert.Equal(baseline[1], p[0], 6);
        Assert.Equal(baseline[2], p[1], 6);
        Assert.Equal(baseline[0], p[2], 6);
    }

    /// <summary>A copy with voxel (x, y, z) moved to map(x, y, z).</summary>
    private static VoxelStructure Transform(VoxelStructure s, Func<int, int, int, int, (int, int, int)> map)
    {
        int n = s.Shape.Nx;
        var mask = new byte[s.Shape.Count];
        for (int z = 0; z < n; z++)
            for (int y = 0; y < n; y++)
                for (int x = 0; x < n; x++)
                {
                    var (a, b, c) = map(x, y, z, n);
                    mask[s.Shape.Index(a, b, c)] = s.Pore[s.Shape.Index(x, y, z)];
                }
        return new VoxelStructure(s.Shape, mask);
    }

    [Fact]
    public void ConcentrationFieldRunsFromInletToOutlet()
    {
        var structure = SpinodoidGenerator.Generate(new SpinodoidParameters(0.15, 0.15, 0.15, 0.6), 1, 24);
        var (result, field) = DiffusivitySolver.SolveWithField(structure, Axis.X, new DiffusivityOptions(Tolerance: 1e-8));
        Assert.NotNull(field);
        var shape = structure.Shape;
        double? first = null;
        for (int z = 0; z < 24; z++)
            for (int y = 0; y < 24; y++)
            {
                float c0 = field![shape.Index(0, y, z)], c1 = field[shape.Index(23, y, z)];
                if (!float.IsNaN(c0)) { Assert.Equal(1f, c0); first = 1; }
                if (!float.IsNaN(c1)) Assert.Equal(0f, c1);
            }
        Assert.NotNull(first);
        Assert.All(field!.Where(v => !float.IsNaN(v)), v => Assert.InRange(v, -1e-5f, 1 + 1e-5f));
        // Solid voxels carry no concentration.
        for (long i = 0; i < shape.Count; i++) if (structure.Pore[i] == 0) Assert.True(float.IsNaN(field[i]));
        Assert.True(result.Converged);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void BothMultigridCyclesAgreeWithADirectSolveOnAnUnevenGrid(int cycleIndex)
    {
        // Three different sides: the transport axis is moved to the slowest index by a tiled transpose for x and y.
        var structure = SpinodoidGenerator.Generate(new SpinodoidParameters(0.15, 0.2, 0.25, 0.55), 5, 24);
        var uneven = new GridShape(19, 13, 22);
        var mask = new byte[uneven.Count];
        for (int z = 0; z < uneven.Nz; z++)
            for (int y = 0; y < uneven.Ny; y++)
                for (int x = 0; x < uneven.Nx; x++) mask[uneven.Index(x, y, z)] = structure.Pore[structure.Shape.Index(x, y, z)];
        var cropped = new VoxelStructure(uneven, mask);
        foreach (var (c, s) in new[] { (BoundaryConvention.Paper, LateralBoundary.Periodic), (BoundaryConvention.TauFactor, LateralBoundary.Mirror) })
            foreach (var axis in Axes)
            {
                double direct = DirectDiffusivity.Solve(cropped, axis, c, s);
                double iterative = DiffusivitySolver.Solve(cropped, axis, Options(c, s) with { CycleIndex = cycleIndex }).Diffusivity;
                Assert.True(Math.Abs(direct - iterative) < 1e-6, $"{c}/{s} {axis}: direct {direct:F9}, PCG {iterative:F9}");
            }
    }

    [Fact]
    public void TheWCycleNeedsFewerIterationsThanTheVCycleForTheSameDiffusivity()
    {
        var structure = SpinodoidGenerator.GenerateContinuous(new SpinodoidParameters(0.092, 0.135, 0.245, 0.666), 1, 64);
        foreach (var axis in Axes)
        {
            var v = DiffusivitySolver.Solve(structure, axis, new DiffusivityOptions(Tolerance: 1e-7, CycleIndex: 1));
            var w = DiffusivitySolver.Solve(structure, axis, new DiffusivityOptions(Tolerance: 1e-7, CycleIndex: 2));
            Assert.True(v.Converged && w.Converged);
            Assert.True(Math.Abs(v.Diffusivity - w.Diffusivity) < 1e-5 * v.Diffusivity, $"{axis}: V {v.Diffusivity:F8}, W {w.Diffusivity:F8}");
            Assert.True(w.Iterations < v.Iterations, $"{axis}: W took {w.Iterations} iterations, V {v.Iterations}");
        }
    }

    [Theory]
    [InlineData(Discretization.Subvoxel)]
    [InlineData(Discretization.Voxel)]
    public void TheDissipationEstimateBoundsTheSolutionFromAboveAndMeetsTheTolerance(Discretization discretization)
    {
        // Low porosity, where PCG takes longest. η is read from the dissipation of the iterate, which exceeds that
        // of the discrete solution by ‖e‖²_A: at the default tolerance it lies above a solve to 1e-10 and within
        // 1e-5 of it; at 1e-10 the inlet and outlet fluxes agree with each other (and so with the dissipation).
        var structure = SpinodoidGenerator.Generate(new SpinodoidParameters(0.06, 0.1, 0.09, 0.32), 5, 40, discretization);
        foreach (var axis in Axes)
        {
            var loose = DiffusivitySolver.Solve(structure, axis, new DiffusivityOptions());
            var tight = DiffusivitySolver.Solve(structure, axis, new DiffusivityOptions(Tolerance: 1e-10, MaxIterations: 2000));
            Assert.True(loose.Converged && tight.Converged && tight.Diffusivity > 0);
            Assert.True(loose.Diffusivity >= tight.Diffusivity * (1 - 1e-9), $"{axis}: {loose.Diffusivity:F10} below the solution {tight.Diffusivity:F10}");
            Assert.True(loose.Diffusivity - tight.Diffusivity < 1e-5 * tight.Diffusivity,
                $"{axis}: η {loose.Diffusivity:F9} at the default tolerance, {tight.Diffusivity:F9} converged");
            Assert.True(tight.FluxImbalance < 1e-6, $"{axis}: inlet and outlet fluxes differ by {tight.FluxImbalance:0.0e0} at 1e-10");
        }
    }

    [Fact]
    public void BadOptionsAreRejected()
    {
        var s = Build(new GridShape(4, 4, 4), (_, _, _) => true);
        Assert.Throws<ArgumentException>(() => DiffusivitySolver.Solve(s, Axis.X, new DiffusivityOptions(Tolerance: 0)));
        Assert.Throws<ArgumentException>(() => DiffusivitySolver.Solve(s, Axis.X, new DiffusivityOptions(CoarseCorrectionScale: 2.5)));
        Assert.Contains("cycle index 4", Assert.Throws<ArgumentException>(() => DiffusivitySolver.Solve(s, Axis.X, new DiffusivityOptions(CycleIndex: 4))).Message);
        var thin = Build(new GridShape(2, 4, 4), (_, _, _) => true);
        Assert.Contains("at least 3", Assert.Throws<ArgumentException>(() => DiffusivitySolver.Solve(thin, Axis.X)).Message);
    }
}
