using Spinodoid.Microstructure;
using Spinodoid.Tests.Support;

namespace Spinodoid.Tests.Microstructure;

public class ConnectivityTests
{
    public static TheoryData<int, int, int, double, ulong> RandomCases()
    {
        var data = new TheoryData<int, int, int, double, ulong>();
        ulong seed = 1;
        // Around the site-percolation threshold (0.3116 in 3-D) both answers occur.
        foreach (var (nx, ny, nz) in new[] { (7, 9, 11), (12, 12, 12), (16, 5, 9), (1, 8, 8) })
            foreach (var p in new[] { 0.25, 0.31, 0.35, 0.5, 0.7 })
                data.Add(nx, ny, nz, p, seed++);
        return data;
    }

    [Theory]
    [MemberData(nameof(RandomCases))]
    public void AgreesWithBreadthFirstSearchOnRandomStructures(int nx, int ny, int nz, double p, ulong seed)
    {
        var shape = new GridShape(nx, ny, nz);
        var mask = Reference.RandomMask(shape, p, seed);
        var structure = new VoxelStructure(shape, mask);
        foreach (var sides in new[] { LateralBoundary.Periodic, LateralBoundary.Mirror })
        {
            var report = Connectivity.Analyze(structure, sides);
            foreach (var axis in new[] { Axis.X, Axis.Y, Axis.Z })
            {
                bool periodic = sides == LateralBoundary.Periodic;
                Assert.Equal(Reference.Percolates(mask, shape, 1, axis, periodic), report.Pore[axis]);
                Assert.Equal(Reference.Percolates(mask, shape, 0, axis, periodic), report.Solid[axis]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(RandomCases))]
    public void PercolatingPoresAreThoseReachableFromBothInletAndOutlet(int nx, int ny, int nz, double p, ulong seed)
    {
        var shape = new GridShape(nx, ny, nz);
        var mask = Reference.RandomMask(shape, p, seed);
        var structure = new VoxelStructure(shape, mask);
        foreach (var axis in new[] { Axis.X, Axis.Y, Axis.Z })
        {
            var kept = Connectivity.PercolatingPores(structure, axis, LateralBoundary.Periodic);
            var fromInlet = Reference.ReachableFromInlet(mask, shape, 1, axis, true);
            var fromOutlet = Reference.ReachableFromInlet(mask, shape, 1, axis, true, fromOutlet: true);
            for (long i = 0; i < mask.LongLength; i++)
                Assert.Equal(fromInlet[i] && fromOutlet[i] ? 1 : 0, kept[i]);
        }
    }

    [Fact]
    public void DiagonalContactsDoNotConnect()
    {
        // A staircase of voxels touching only along edges: connected in 26-, not in 6-neighbourhood.
        var shape = new GridShape(4, 4, 1);
        var mask = new byte[16];
        for (int i = 0; i < 4; i++) mask[shape.Index(i, i, 0)] = 1;
        var report = Connectivity.Analyze(new VoxelStructure(shape, mask), LateralBoundary.Mirror);
        Assert.False(report.Pore.X);
        Assert.False(report.Pore.Y);
        Assert.True(report.Pore.Z); // a single layer is its own inlet and outlet
    }

    [Fact]
    public void PeriodicSidesConnectAcrossTheWrapButInletAndOutletNeverJoin()
    {
        // Pore channel along x that steps sideways across the y wrap-around at x = 3.
        var shape = new GridShape(6, 4, 1);
        var mask = new byte[shape.Count];
        for (int x = 0; x <= 3; x++) mask[shape.Index(x, 0, 0)] = 1;
        for (int x = 3; x < 6; x++) mask[shape.Index(x, 3, 0)] = 1;
        var s = new VoxelStructure(shape, mask);
        Assert.True(Connectivity.Analyze(s, LateralBoundary.Periodic).Pore.X);
        Assert.False(Connectivity.Analyze(s, LateralBoundary.Mirror).Pore.X);

        // Two half channels that meet only through the x wrap do not carry flux along x.
        var split = new byte[shape.Count];
        split[shape.Index(0, 0, 0)] = 1;
        split[shape.Index(5, 0, 0)] = 1;
        Assert.False(Connectivity.Analyze(new VoxelStructure(shape, split), LateralBoundary.Periodic).Pore.X);
    }
}
