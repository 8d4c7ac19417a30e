using System.Text;
using Spinodoid.IO;
using Spinodoid.Microstructure;
using Spinodoid.Runtime;

namespace Spinodoid.Tests.IO;

public sealed class StructureIOTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("spinodoid-io-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static VoxelStructure Sample() => SpinodoidGenerator.Generate(new SpinodoidParameters(0.1, 0.15, 0.2, 0.4), 77, 16);

    [Theory]
    [InlineData("s.npy")]
    [InlineData("s.tif")]
    [InlineData("s.vti")]
    [InlineData("s.raw")]
    public void EveryFormatRoundTripsVoxelsAndProvenance(string name)
    {
        var original = Sample();
        StructureIO.Write(original, PathOf(name));
        var back = StructureIO.Read(PathOf(name));
        Assert.Equal(original.Shape, back.Shape);
        Assert.Equal(original.Pore, back.Pore);
        Assert.Equal(original.Provenance!.Parameters, back.Provenance!.Parameters);
        Assert.Equal(77UL, back.Provenance.Seed);
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public void NonCubicShapesKeepTheirAxes()
    {
        var shape = new GridShape(5, 3, 2);
        var pore = new byte[shape.Count];
        pore[shape.Index(4, 0, 0)] = 1;
        pore[shape.Index(0, 2, 1)] = 1;
        var s = new VoxelStructure(shape, pore);
        foreach (var name in new[] { "n.npy", "n.tif", "n.vti", "n.raw" })
        {
            StructureIO.Write(s, PathOf(name));
            var back = StructureIO.Read(PathOf(name));
            Assert.Equal(shape, back.Shape);
            Assert.True(back.IsPore(4, 0, 0) && back.IsPore(0, 2, 1));
            Assert.Equal(2, back.PoreCount());
        }
    }

    [Fact]
    public void NpyInCOrderIsReadWithTheSameAxisConvention()
    {
        // numpy's default: C order, a[i, j, k] with k fastest. Voxel (x=1, y=2, z=3) of a (2, 3, 4) int16 array.
        var header = "{'descr': '<i2', 'fortran_order': False, 'shape': (2, 3, 4), }";
        header = header.PadRight(118) + "\n";
        using (var f = File.Create(PathOf("c.npy")))
        {
            f.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
            f.Write(BitConverter.GetBytes((ushort)header.Length));
            f.Write(Encoding.ASCII.GetBytes(header));
            var data = new short[24];
            data[(1 * 3 + 2) * 4 + 3] = 7;
            foreach (var v in data) f.Write(BitConverter.GetBytes(v));
        }
        var s = StructureIO.Read(PathOf("c.npy"), new StructureReadOptions(PoreValue: 7));
        Assert.Equal(new GridShape(2, 3, 4), s.Shape);
        Assert.True(s.IsPore(1, 2, 3));
        Assert.Equal(1, s.PoreCount());
    }

    [Fact]
    public void SixteenBitTiffWithExplicitPoreLabelIsRead()
    {
        var shape = new GridShape(4, 3, 2);
        var labels = new ushort[shape.Count];
        labels[shape.Index(3, 2, 1)] = 1000;
        labels[shape.Index(0, 0, 0)] = 5;
        using (var stream = File.Create(PathOf("w.tif")))
        using (var tiff = BitMiracle.LibTiff.Classic.Tiff.ClientOpen("w", "w", stream, new BitMiracle.LibTiff.Classic.TiffStream()))
        {
            for (int z = 0; z < 2; z++)
            {
                tiff.SetField(BitMiracle.LibTiff.Classic.TiffTag.IMAGEWIDTH, 4);
                tiff.SetField(BitMiracle.LibTiff.Classic.TiffTag.IMAGELENGTH, 3);
                tiff.SetField(BitMiracle.LibTiff.Classic.TiffTag.BITSPERSAMPLE, 16);
                tiff.SetField(BitMiracle.LibTiff.Classic.TiffTag.SAMPLESPERPIXEL, 1);
                tiff.SetField(BitMiracle.LibTiff.Classic.TiffTag.PHOTOMETRIC, BitMiracle.LibTiff.Classic.Photometric.MINISBLACK);
                tiff.SetField(BitMiracle.LibTiff.Classic.TiffTag.ROWSPERSTRIP, 3);
                for (int y = 0; y < 3; y++)
                {
                    var row = new byte[8];
                    for (int x = 0; x < 4; x++) BitConverter.GetBytes(labels[shape.Index(x, y, z)]).CopyTo(row, 2 * x);
                    tiff.WriteScanline(row, y);
                }
                tiff.WriteDirectory();
            }
        }
        var error = Assert.Throws<ArgumentException>(() => StructureIO.Read(PathOf("w.tif")));
        Assert.Contains("--pore-value", error.Message);
        var s = StructureIO.Read(PathOf("w.tif"), new StructureReadOptions(PoreValue: 1000));
        Assert.True(s.IsPore(3, 2, 1));
        Assert.Equal(1, s.PoreCount());
    }

    [Fact]
    public void RawWithoutSidecarNeedsItsShapeAndChecksTheSize()
    {
        File.WriteAllBytes(PathOf("r.raw"), new byte[] { 0, 1, 1, 0, 1, 0, 0, 1 });
        Assert.Contains("--shape", Assert.Throws<ArgumentException>(() => StructureIO.Read(PathOf("r.raw"))).Message);
        Assert.Contains("need 27", Assert.Throws<InvalidDataException>(() =>
            StructureIO.Read(PathOf("r.raw"), new StructureReadOptions(RawShape: new GridShape(3, 3, 3)))).Message);
        var s = StructureIO.Read(PathOf("r.raw"), new StructureReadOptions(RawShape: new GridShape(2, 2, 2)));
        Assert.Equal(4, s.PoreCount());
        Assert.True(s.IsPore(1, 0, 0));
    }

    [Theory]
    [InlineData("junk.npy")]
    [InlineData("junk.tif")]
    [InlineData("junk.vti")]
    public void ForeignFilesGetAClearError(string name)
    {
        File.WriteAllText(PathOf(name), "this is not a structure");
        var e = Record.Exception(() => StructureIO.Read(PathOf(name)));
        Assert.True(e is InvalidDataException or ArgumentException, $"{e?.GetType().Name}: {e?.Message}");
        Assert.Contains(name, e!.Message);
    }

    [Fact]
    public void UnknownExtensionsAndMissingFoldersAreRefusedWithoutLeavingFiles()
    {
        var s = Sample();
        Assert.Contains(".xyz", Assert.Throws<ArgumentException>(() => StructureIO.Write(s, PathOf("s.xyz"))).Message);
        Assert.Throws<IOException>(() => StructureIO.Write(s, PathOf("missing/s.npy")));
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }

    [Fact]
    public void AFailedWriteLeavesThePreviousFileIntact()
    {
        string path = PathOf("keep.npy");
        File.WriteAllText(path, "previous");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[1000]);
            throw new InvalidOperationException("disk full");
        }));
        Assert.Equal("previous", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void ATiffStackOfMorePagesThanA16BitCountIsRefusedNotWrappedAround()
    {
        // 33,000 pages: more than LibTiff.NET's 16-bit page numbers address; a stack just below reads back.
        foreach (int pages in new[] { 32_767, 33_000 })
        {
            var shape = new GridShape(1, 1, pages);
            var data = new byte[shape.Count];
            for (int i = 0; i < data.Length; i += 7) data[i] = 255;
            using (var stream = File.Create(PathOf("tall.tif"))) TiffStack.WriteUInt8(stream, shape, data, "test");
            if (pages <= short.MaxValue)
            {
                var (volume, _) = TiffStack.Read(PathOf("tall.tif"));
                Assert.Equal(shape, volume.Shape);
                Assert.Equal(data.Select(b => (ushort)b), volume.Labels);
            }
            else Assert.Contains("32,767", Assert.Throws<InvalidDataException>(() => TiffStack.Read(PathOf("tall.tif"))).Message);
        }
    }
}
