using Spinodoid.IO;
using Spinodoid.Microstructure;
using Spinodoid.Transport;

namespace Spinodoid.Tests.IO;

/// <summary>Floating-point images are read as level sets (pore where value &lt; threshold) in every format.</summary>
public sealed class LevelSetIOTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("spinodoid-levelset-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly GridShape Shape = new(6, 5, 4);

    /// <summary>A grey-value-like field: x + 10 y + 100 z (all distinct, no whole-number-only image).</summary>
    private static float[] Field()
    {
        var values = new float[Shape.Count];
        for (int z = 0; z < Shape.Nz; z++)
            for (int y = 0; y < Shape.Ny; y++)
                for (int x = 0; x < Shape.Nx; x++) values[Shape.Index(x, y, z)] = x + 10 * y + 100 * z + 0.25f;
        return values;
    }

    private string WriteFloatFile(string name)
    {
        string path = Path.Combine(_dir, name);
        var values = Field();
        switch (Path.GetExtension(name))
        {
            case ".npy":
                using (var s = File.Create(path)) NpyFormat.WriteFloat32(s, Shape, values);
                break;
            case ".tif":
                using (var s = File.Create(path)) TiffStack.WriteFloat32(s, Shape, values, "");
                break;
            case ".vti":
                using (var s = File.Create(path)) VtiFormat.Write(s, Shape, [new VtiArray("grey", Floats: values)], "{}");
                break;
            default:
                File.WriteAllBytes(path, values.SelectMany(BitConverter.GetBytes).ToArray());
                File.WriteAllText(StructureIO.SidecarPath(path), $"{{\"shape\": [{Shape.Nx}, {Shape.Ny}, {Shape.Nz}], \"dtype\": \"float32\"}}");
                break;
        }
        return path;
    }

    [Theory]
    [InlineData("f.npy")]
    [InlineData("f.vti")]
    [InlineData("f.tif")]
    [InlineData("f.raw")]
    public void FloatImagesAreLevelSetsAtTheThreshold(string name)
    {
        string path = WriteFloatFile(name);
        var s = StructureIO.Read(path, new StructureReadOptions(Threshold: 200));
        Assert.NotNull(s.LevelSet);
        var field = Field();
        for (long i = 0; i < Shape.Count; i++)
        {
            Assert.Equal(field[i] < 200 ? 1 : 0, s.Pore[i]);
            Assert.Equal(field[i] - 200, s.LevelSet![i], 4);
        }
        // Pore where z < 2: half the voxels, and the solver defaults to sub-voxel for it.
        Assert.Equal(0.5, s.Porosity, 12);
        Assert.Equal(Discretization.Subvoxel, DiffusivitySolver.DiscretizationFor(s, null));
    }

    [Fact]
    public void ThresholdOutsideTheRangeAndNonFiniteValuesAreRefused()
    {
        string path = WriteFloatFile("f.npy");
        var low = Assert.Throws<ArgumentException>(() => StructureIO.Read(path, new StructureReadOptions(Threshold: -5)));
        Assert.Contains("no voxel would be pore", low.Message);
        var high = Assert.Throws<ArgumentException>(() => StructureIO.Read(path, new StructureReadOptions(Threshold: 1000)));
        Assert.Contains("every voxel would be pore", high.Message);
        var values = Field();
        values[7] = float.PositiveInfinity;
        string bad = Path.Combine(_dir, "inf.npy");
        using (var s = File.Create(bad)) NpyFormat.WriteFloat32(s, Shape, values);
        var e = Assert.Throws<InvalidDataException>(() => StructureIO.Read(bad, new StructureReadOptions(Threshold: 100)));
        Assert.Contains("(1, 1, 0)", e.Message);
    }

    [Fact]
    public void WholeNumberFloatImagesStayLabelsUnlessAThresholdIsGiven()
    {
        var labels = new float[Shape.Count];
        for (long i = 0; i < labels.LongLength; i++) labels[i] = i % 3 == 0 ? 1 : 0;
        string path = Path.Combine(_dir, "labels.npy");
        using (var s = File.Create(path)) NpyFormat.WriteFloat32(s, Shape, labels);
        var asLabels = StructureIO.Read(path);
        Assert.Null(asLabels.LevelSet);
        Assert.Equal(labels.Count(v => v == 1), asLabels.PoreCount());
        var asLevelSet = StructureIO.Read(path, new StructureReadOptions(Threshold: 0.5));
        Assert.Equal(labels.Count(v => v < 0.5), asLevelSet.PoreCount());
        // Integer images take no threshold.
        string integers = Path.Combine(_dir, "mask.npy");
        using (var s = File.Create(integers)) NpyFormat.WriteUInt8(s, Shape, labels.Select(v => (byte)v).ToArray());
        Assert.Throws<ArgumentException>(() => StructureIO.Read(integers, new StructureReadOptions(Threshold: 0.5)));
    }
}
