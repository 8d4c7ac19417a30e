using BitMiracle.LibTiff.Classic;
using Spinodoid.Microstructure;

namespace Spinodoid.IO;

/// <summary>
/// Multi-page TIFF stacks, as ImageJ/Fiji and most tomography software write them: page = z, row = y,
/// column = x. Reads 1-, 8- and 16-bit greyscale; writes 8-bit.
/// </summary>
public static class TiffStack
{
    static TiffStack()
    {
        // LibTiff prints warnings about unknown tags to stderr; they are noise for users.
        Tiff.SetErrorHandler(new QuietHandler());
    }

    /// <summary>LibTiff closes its stream when disposed; the caller owns ours (it renames the file afterwards).</summary>
    private sealed class LeaveOpenTiffStream : TiffStream
    {
        public override void Close(object clientData) => ((Stream)clientData).Flush();
    }

    private sealed class QuietHandler : TiffErrorHandler
    {
        public override void WarningHandler(Tiff tif, string method, string format, params object[] args) { }
        public override void WarningHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args) { }
    }

    /// <summary>Writes an 8-bit stack; <paramref name="description"/> goes into the first page's ImageDescription.</summary>
    public static void WriteUInt8(Stream stream, GridShape shape, byte[] data, string description) =>
        Write(stream, shape, 8, description, (y, z, row) => Array.Copy(data, shape.Index(0, y, z), row, 0, shape.Nx));

    /// <summary>Writes a 32-bit floating-point stack (a level set or grey values; Fiji opens it as "32-bit").</summary>
    public static void WriteFloat32(Stream stream, GridShape shape, float[] data, string description) =>
        Write(stream, shape, 32, description, (y, z, row) => Buffer.BlockCopy(data, (int)shape.Index(0, y, z) * 4, row, 0, shape.Nx * 4));

    private static void Write(Stream stream, GridShape shape, int bits, string description, Action<int, int, byte[]> fillRow)
    {
        using var tiff = Tiff.ClientOpen("stack", "w", stream, new LeaveOpenTiffStream())
            ?? throw new IOException("could not start a TIFF stream");
        var row = new byte[shape.Nx * bits / 8];
        for (int z = 0; z < shape.Nz; z++)
        {
            tiff.SetField(TiffTag.IMAGEWIDTH, shape.Nx);
            tiff.SetField(TiffTag.IMAGELENGTH, shape.Ny);
            tiff.SetField(TiffTag.BITSPERSAMPLE, bits);
            if (bits == 32) tiff.SetField(TiffTag.SAMPLEFORMAT, SampleFormat.IEEEFP);
            tiff.SetField(TiffTag.SAMPLESPERPIXEL, 1);
            tiff.SetField(TiffTag.PHOTOMETRIC, Photometric.MINISBLACK);
            tiff.SetField(TiffTag.PLANARCONFIG, PlanarConfig.CONTIG);
            tiff.SetField(TiffTag.ROWSPERSTRIP, shape.Ny);
            tiff.SetField(TiffTag.COMPRESSION, Compression.NONE);
            tiff.SetField(TiffTag.SUBFILETYPE, FileType.PAGE);
            // PageNumber is a pair of 16-bit numbers (signed in LibTiff.NET): left out of taller stacks, which Fiji
            // reads by the ImageJ description's page count anyway.
            if (shape.Nz <= short.MaxValue) tiff.SetField(TiffTag.PAGENUMBER, z, shape.Nz);
            if (z == 0) tiff.SetField(TiffTag.IMAGEDESCRIPTION, description);
            for (int y = 0; y < shape.Ny; y++)
            {
                fillRow(y, z, row);
                tiff.WriteScanline(row, y);
            }
            tiff.WriteDirectory();
        }
        tiff.Flush();
    }

    /// <summary>The ImageJ header for a z-stack, followed by our metadata line.</summary>
    public static string ImageJDescription(int slices, string metadataJson) =>
        $"ImageJ=1.54f\nimages={slices}\nslices={slices}\nloop=false\nspinodoid={metadataJson}\n";

    /// <summary>Reads all pages as labels. Also returns the first page's ImageDescription.</summary>
    public static (LabelVolume Volume, string? Description) Read(string path)
    {
        using var tiff = Tiff.Open(path, "r") ?? throw new InvalidDataException($"'{path}' is not a TIFF file");
        // LibTiff.NET numbers pages with 16-bit integers: a taller stack is refused, not read wrapped around.
        int pages = 1;
        try
        {
            while (tiff.ReadDirectory()) pages++;
        }
        catch (IndexOutOfRangeException)
        {
            throw new InvalidDataException($"'{path}' has more than {short.MaxValue:N0} pages, more than the TIFF reader can address; " +
                                           "convert it to .npy or .raw (e.g. with Fiji: File › Save As › Raw Data)");
        }
        if (pages > short.MaxValue)
            throw new InvalidDataException($"'{path}' has {pages:N0} pages, more than the TIFF reader can address ({short.MaxValue:N0}); convert it to .npy or .raw");
        if (!tiff.SetDirectory(0)) throw new InvalidDataException($"'{path}': cannot read page 0");
        int nx = tiff.GetField(TiffTag.IMAGEWIDTH)[0].ToInt();
        int ny = tiff.GetField(TiffTag.IMAGELENGTH)[0].ToInt();
        string? description = tiff.GetField(TiffTag.IMAGEDESCRIPTION)?[0].ToString();
        var shape = GridShape.Checked(nx, ny, pages, $"'{path}'");
        // 32-bit IEEE floating-point pages (SampleFormat 3) are read as values, all others as labels.
        bool floats = tiff.GetField(TiffTag.BITSPERSAMPLE)?[0].ToInt() == 32 && tiff.GetField(TiffTag.SAMPLEFORMAT)?[0].ToInt() == 3;
        var labels = floats ? null : new ushort[shape.Count];
        var values = floats ? new float[shape.Count] : null;
        for (int z = 0; z < pages; z++)
        {
            if (z > 0 && !tiff.ReadDirectory()) throw new InvalidDataException($"'{path}': cannot read page {z}");
            int w = tiff.GetField(TiffTag.IMAGEWIDTH)[0].ToInt(), h = tiff.GetField(TiffTag.IMAGELENGTH)[0].ToInt();
            if (w != nx || h != ny)
                throw new InvalidDataException($"'{path}': page {z} is {w}×{h}, page 0 is {nx}×{ny}; all pages of a stack must agree");
            int bits = tiff.GetField(TiffTag.BITSPERSAMPLE)?[0].ToInt() ?? 1;
            int samples = tiff.GetField(TiffTag.SAMPLESPERPIXEL)?[0].ToInt() ?? 1;
            int format = tiff.GetField(TiffTag.SAMPLEFORMAT)?[0].ToInt() ?? 1;
            if (samples != 1) throw new InvalidDataException($"'{path}': {samples} samples per pixel; a structure stack must be greyscale");
            if (floats != (bits == 32 && format == 3))
                throw new InvalidDataException($"'{path}': page {z} is {bits}-bit, format {format}, unlike page 0; all pages of a stack must agree");
            if (!floats && bits is not (1 or 8 or 16))
                throw new InvalidDataException($"'{path}': {bits}-bit pages are not supported; use 1-, 8- or 16-bit greyscale labels or 32-bit floating point");
            var row = new byte[tiff.ScanlineSize()];
            for (int y = 0; y < ny; y++)
            {
                if (!tiff.ReadScanline(row, y)) throw new InvalidDataException($"'{path}': cannot read row {y} of page {z}");
                long at = shape.Index(0, y, z);
                if (floats) { for (int x = 0; x < nx; x++) values![at + x] = BitConverter.ToSingle(row, 4 * x); continue; }
                switch (bits)
                {
                    case 8: for (int x = 0; x < nx; x++) labels![at + x] = row[x]; break;
                    case 16: for (int x = 0; x < nx; x++) labels![at + x] = BitConverter.ToUInt16(row, 2 * x); break;
                    default: for (int x = 0; x < nx; x++) labels![at + x] = (ushort)((row[x >> 3] >> (7 - (x & 7))) & 1); break;
                }
            }
        }
        if (floats) return (new LabelVolume(shape, values!, $"'{path}'"), description);
        return (new LabelVolume(shape, labels!), description);
    }
}
