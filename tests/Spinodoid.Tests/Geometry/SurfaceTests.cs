using Spinodoid.Geometry;
using Spinodoid.IO;
using Spinodoid.Microstructure;

namespace Spinodoid.Tests.Geometry;

public class SurfaceTests
{
    private static SampledLevelSet Grid(int nx, int ny, int nz, Func<int, int, int, float> value)
    {
        static float[] Axis(int n) => Enumerable.Range(0, n).Select(i => (float)i).ToArray();
        return new SampledLevelSet(Axis(nx), Axis(ny), Axis(nz), (k, plane) =>
        {
            for (int j = 0; j < ny; j++)
                for (int i = 0; i < nx; i++) plane[i + nx * j] = value(i, j, k);
        });
    }

    private static Func<int, int, int, float> Sphere(double cx, double cy, double cz, double r) =>
        (i, j, k) => (float)(r - Math.Sqrt((i - cx) * (i - cx) + (j - cy) * (j - cy) + (k - cz) * (k - cz)));

    [Fact]
    public void SphereHasItsAreaAndVolumeWithinOnePercent()
    {
        const double r = 15;
        var mesh = LevelSetSurface.Extract(Grid(40, 40, 40, Sphere(19.3, 20.1, 19.7, r)));
        Assert.True(mesh.Topology().IsWatertight, mesh.Topology().ToString());
        Assert.InRange(mesh.Area() / (4 * Math.PI * r * r), 0.99, 1.01);
        Assert.InRange(mesh.Volume() / (4.0 / 3 * Math.PI * r * r * r), 0.99, 1.01);
    }

    [Fact]
    public void BoxFacesCloseACutSphere()
    {
        // A sphere centred on the face x = 0: the box keeps half of it, closed by a disc on that face.
        const double r = 14;
        var mesh = LevelSetSurface.Extract(Grid(24, 40, 40, Sphere(0, 19.5, 20.2, r)));
        Assert.True(mesh.Topology().IsWatertight, mesh.Topology().ToString());
        Assert.InRange(mesh.Volume() / (2.0 / 3 * Math.PI * r * r * r), 0.99, 1.01);
        Assert.InRange(mesh.Area() / (3 * Math.PI * r * r), 0.99, 1.01);
        var (min, max) = mesh.Bounds();
        Assert.Equal(0f, min.X);
    }

    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(3UL)]
    public void NoiseGivesWatertightComplementarySurfaces(ulong seed)
    {
        // White noise is the hardest case: every sign pattern of a cell occurs, ambiguous faces included.
        var random = new Random((int)seed);
        var values = new float[9, 7, 8];
        foreach (var index in Enumerable.Range(0, values.Length))
            values[index % 9, index / 9 % 7, index / 63] = (float)(random.NextDouble() - 0.45);
        var inside = LevelSetSurface.Extract(Grid(9, 7, 8, (i, j, k) => values[i, j, k]));
        var outside = LevelSetSurface.Extract(Grid(9, 7, 8, (i, j, k) => -values[i, j, k] - 1e-9f));
        Assert.True(inside.Topology().IsWatertight, inside.Topology().ToString());
        Assert.True(outside.Topology().IsWatertight, outside.Topology().ToString());
        Assert.True(inside.Volume() > 0 && outside.Volume() > 0);
        // The two regions partition the box [0, 8] × [0, 6] × [0, 7].
        Assert.Equal(8.0 * 6 * 7, inside.Volume() + outside.Volume(), 1e-3);
    }

    [Fact]
    public void SpinodoidSurfaceEnclosesTheSolidFraction()
    {
        var theta = new SpinodoidParameters(new LengthScales(0.09, 0.13, 0.25), 0.65);
        var solid = StructureSurface.Spinodoid(theta, 4, 128, Tiling.None);
        var pore = StructureSurface.Spinodoid(theta, 4, 128, Tiling.None, Phase.Pore);
        double coarse = StructureSurface.Spinodoid(theta, 4, 64, Tiling.None).Volume() / (1 - theta.Porosity) - 1;
        Assert.True(solid.Topology().IsWatertight, solid.Topology().ToString());
        Assert.True(pore.Topology().IsWatertight, pore.Topology().ToString());
        // Sub-voxel: the surface's volume, not a voxel count, against the solid fraction 1 − ε of eq. (2).
        double fine = solid.Volume() / (1 - theta.Porosity) - 1;
        Assert.InRange(fine, -0.01, 0.01);
        // The linear interpolant's volume converges at second order: halving the spacing cuts the error ~4×.
        Assert.True(Math.Abs(coarse) > 3 * Math.Abs(fine), $"volume error {coarse:P3} at 64, {fine:P3} at 128");
        Assert.Equal(1.0, solid.Volume() + pore.Volume(), 1e-4);
        var (min, max) = solid.Bounds();
        Assert.Equal(new System.Numerics.Vector3(0), min);
        Assert.Equal(new System.Numerics.Vector3(1), max);
    }

    [Fact]
    public void SamplingTheSameStructureMoreFinelyConvergesInVolume()
    {
        // Resolution independence: the field at 32 and at 96 points per period is one structure.
        var theta = new SpinodoidParameters(new LengthScales(0.12, 0.12, 0.2), 0.5);
        double coarse = StructureSurface.Spinodoid(theta, 9, 32, Tiling.None).Volume();
        double fine = StructureSurface.Spinodoid(theta, 9, 96, Tiling.None).Volume();
        Assert.InRange(coarse / fine, 0.98, 1.02);
        Assert.InRange(fine, 0.49, 0.51);
    }

    [Fact]
    public void TilingRepeatsThePeriodExactly()
    {
        var theta = new SpinodoidParameters(new LengthScales(0.1, 0.15, 0.2), 0.6);
        var one = StructureSurface.Spinodoid(theta, 2, 24, Tiling.None);
        var tiled = StructureSurface.Spinodoid(theta, 2, 24, new Tiling(2, 1, 3));
        Assert.True(tiled.Topology().IsWatertight, tiled.Topology().ToString());
        Assert.Equal(6 * one.Volume(), tiled.Volume(), 1e-3);
        var (min, max) = tiled.Bounds();
        Assert.Equal(new System.Numerics.Vector3(0), min);
        Assert.Equal(new System.Numerics.Vector3(2, 1, 3), max);
    }

    [Fact]
    public void StlRoundTripKeepsUnitsAndTopology()
    {
        var theta = new SpinodoidParameters(new LengthScales(0.1, 0.15, 0.2), 0.6);
        // 32 voxels of 10 µm: a 0.32 mm cube, tiled 2 × 2 × 1.
        double period = PhysicalLength.ParseMillimetres("10um") * 32;
        var mesh = StructureSurface.Spinodoid(theta, 5, 32, new Tiling(2, 2, 1)).Scaled(period);
        var path = Path.Combine(Path.GetTempPath(), $"spinodoid-test-{Guid.NewGuid():N}.stl");
        try
        {
            StlFormat.Write(mesh, path, "spinodoid test, units: mm");
            Assert.Equal(StlFormat.BinarySize(mesh.TriangleCount), new FileInfo(path).Length);
            var (read, header) = StlFormat.Read(path);
            Assert.Equal("spinodoid test, units: mm", header);
            Assert.Equal(mesh.TriangleCount, read.TriangleCount);
            Assert.True(read.Topology().IsWatertight, read.Topology().ToString());
            var (min, max) = read.Bounds();
            Assert.Equal(0f, min.X);
            Assert.Equal(0.64f, max.X, 6);
            Assert.Equal(0.64f, max.Y, 6);
            Assert.Equal(0.32f, max.Z, 6);
            Assert.Equal(mesh.Volume(), read.Volume(), 9);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void GlbRoundTripKeepsTheMeshInMetres()
    {
        var theta = new SpinodoidParameters(new LengthScales(0.1, 0.15, 0.2), 0.6);
        var mesh = StructureSurface.Spinodoid(theta, 5, 24, Tiling.None).Scaled(0.24);
        var path = Path.Combine(Path.GetTempPath(), $"spinodoid-test-{Guid.NewGuid():N}.glb");
        try
        {
            GlbFormat.Write(mesh, path, "test");
            var read = GlbFormat.Read(path);
            Assert.Equal(mesh.Triangles, read.Triangles);
            Assert.Equal(mesh.Positions.Length, read.Positions.Length);
            // mm → m → mm in single precision: within a few units in the last place.
            for (int i = 0; i < mesh.Positions.Length; i++) Assert.InRange(Math.Abs(mesh.Positions[i] - read.Positions[i]), 0, 1e-7);
            Assert.True(read.Topology().IsWatertight);
            // Stored in metres, as glTF defines: the 0.24 mm box is 0.00024 m in the file.
            var stored = SharpGLTF.Schema2.ModelRoot.Load(path).LogicalMeshes[0].Primitives[0].GetVertexAccessor("POSITION").AsVector3Array();
            Assert.Equal(0.00024f, stored.Max(p => p.X), 7);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void BinaryStructureSurfaceFillsTheBox()
    {
        var shape = new GridShape(10, 12, 9);
        var pore = Support.Reference.RandomMask(shape, 0.6, 11);
        var structure = new VoxelStructure(shape, pore);
        var solid = StructureSurface.FromStructure(structure);
        var porous = StructureSurface.FromStructure(structure, Phase.Pore);
        Assert.True(solid.Topology().IsWatertight, solid.Topology().ToString());
        Assert.True(porous.Topology().IsWatertight, porous.Topology().ToString());
        Assert.Equal(10.0 * 12 * 9, solid.Volume() + porous.Volume(), 1e-3);
        var (min, max) = solid.Bounds();
        Assert.Equal(new System.Numerics.Vector3(0), min);
        Assert.Equal(new System.Numerics.Vector3(10, 12, 9), max);
    }

    [Fact]
    public void SeparatePiecesAreCountedAndTheLargestKept()
    {
        // Two disjoint spheres, radii 8 and 5: two parts, and the largest is the first sphere alone.
        var big = Sphere(12, 12, 12, 8);
        var small = Sphere(30, 12, 12, 5);
        var mesh = LevelSetSurface.Extract(Grid(40, 25, 25, (i, j, k) => Math.Max(big(i, j, k), small(i, j, k))));
        Assert.Equal(2, mesh.Parts().Parts);
        var largest = mesh.LargestPart();
        Assert.True(largest.Topology().IsWatertight);
        Assert.Equal(LevelSetSurface.Extract(Grid(40, 25, 25, big)).Volume(), largest.Volume(), 3);
    }

    [Theory]
    [InlineData("10um", 0.01)]
    [InlineData("10 µm", 0.01)]
    [InlineData("2mm", 2)]
    [InlineData("1.5cm", 15)]
    [InlineData("1e-5m", 0.01)]
    [InlineData("500nm", 0.0005)]
    public void LengthsParseWithTheirUnits(string text, double millimetres) =>
        Assert.Equal(millimetres, PhysicalLength.ParseMillimetres(text), 12);

    [Theory]
    [InlineData("10")]
    [InlineData("-1mm")]
    [InlineData("0um")]
    [InlineData("mm")]
    [InlineData("3 ft")]
    public void BadLengthsAreRefusedWithTheValue(string text)
    {
        var error = Assert.Throws<ArgumentException>(() => PhysicalLength.ParseMillimetres(text, "--voxel-size"));
        Assert.Contains(text, error.Message);
    }

    [Theory]
    [InlineData("0,1,1")]
    [InlineData("2,2")]
    [InlineData("a,b,c")]
    [InlineData("17,1,1")]
    public void BadTilingsAreRefused(string text) =>
        Assert.Contains(text, Assert.Throws<ArgumentException>(() => Tiling.Parse(text)).Message);
}
