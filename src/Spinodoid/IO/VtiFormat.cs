using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Spinodoid.Microstructure;

namespace Spinodoid.IO;

/// <summary>One named array of cell data for a .vti file: bytes or 32-bit floats, x fastest.</summary>
public sealed record VtiArray(string Name, byte[]? Bytes = null, float[]? Floats = null);

/// <summary>
/// VTK XML image data (.vti) for ParaView: one cell per voxel, arrays appended as raw little-endian binary.
/// </summary>
public static partial class VtiFormat
{
    /// <summary>Writes cell arrays on a grid; <paramref name="comment"/> (JSON) is kept in an XML comment.</summary>
    public static void Write(Stream stream, GridShape shape, IReadOnlyList<VtiArray> arrays, string comment)
    {
        var header = new StringBuilder();
        string extent = string.Create(CultureInfo.InvariantCulture, $"0 {shape.Nx} 0 {shape.Ny} 0 {shape.Nz}");
        header.Append("<?xml version=\"1.0\"?>\n");
        header.Append("<!-- spinodoid ").Append(comment.Replace("--", "- -")).Append(" -->\n");
        header.Append("<VTKFile type=\"ImageData\" version=\"1.0\" byte_order=\"LittleEndian\" header_type=\"UInt64\">\n");
        header.Append($"  <ImageData WholeExtent=\"{extent}\" Origin=\"0 0 0\" Spacing=\"1 1 1\">\n");
        header.Append($"    <Piece Extent=\"{extent}\">\n");
        header.Append($"      <CellData Scalars=\"{arrays[0].Name}\">\n");
        long offset = 0;
        foreach (var a in arrays)
        {
            string type = a.Bytes is not null ? "UInt8" : "Float32";
            header.Append(CultureInfo.InvariantCulture,
                $"        <DataArray type=\"{type}\" Name=\"{a.Name}\" format=\"appended\" offset=\"{offset}\"/>\n");
            offset += 8 + ByteLength(a);
        }
        header.Append("      </CellData>\n    </Piece>\n  </ImageData>\n  <AppendedData encoding=\"raw\">\n   _");
        stream.Write(Encoding.ASCII.GetBytes(header.ToString()));
        foreach (var a in arrays)
        {
            stream.Write(BitConverter.GetBytes((ulong)ByteLength(a)));
            if (a.Bytes is not null) stream.Write(a.Bytes);
            else stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.Floats.AsSpan()));
        }
        stream.Write(Encoding.ASCII.GetBytes("\n  </AppendedData>\n</VTKFile>\n"));
    }

    private static long ByteLength(VtiArray a) =>
        a.Bytes?.LongLength ?? (a.Floats ?? throw new ArgumentException($"array '{a.Name}' has no data")).LongLength * 4;

    /// <summary>Reads the first UInt8 cell array of a .vti written with raw appended data (as this program writes).</summary>
    public static (LabelVolume Volume, string? Comment) Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        int underscore = IndexOf(bytes, "<AppendedData encoding=\"raw\">"u8);
        if (underscore < 0)
            throw new InvalidDataException($"'{path}' is not a .vti with raw appended data (only that layout, which spinodoid writes, can be read)");
        underscore = Array.IndexOf(bytes, (byte)'_', underscore);
        string xml = Encoding.ASCII.GetString(bytes, 0, underscore);
        var extent = ExtentPattern().Match(xml);
        var array = UInt8ArrayPattern().Match(xml);
        var floatArray = FloatArrayPattern().Match(xml);
        if (!extent.Success || !(array.Success || floatArray.Success))
            throw new InvalidDataException($"'{path}': no WholeExtent or UInt8/Float32/Float64 appended DataArray found");
        long[] e = extent.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        if (e.Length != 6) throw new InvalidDataException($"'{path}': WholeExtent needs 6 numbers");
        var comment = CommentPattern().Match(xml);
        string? text = comment.Success ? comment.Groups[1].Value : null;
        // A UInt8 array is the structure (labels); a file with only a floating-point array is a level set.
        bool floats = !array.Success;
        int size = floats ? (floatArray.Groups[1].Value == "Float64" ? 8 : 4) : 1;
        var shape = GridShape.Checked(e[1] - e[0], e[3] - e[2], e[5] - e[4], $"'{path}'", size);
        long offset = long.Parse((floats ? floatArray.Groups[2] : array.Groups[1]).Value, CultureInfo.InvariantCulture);
        long start = underscore + 1 + offset;
        long length = BitConverter.ToInt64(bytes, (int)start);
        if (length != shape.Count * size)
            throw new InvalidDataException($"'{path}': array holds {length} bytes, the grid {shape} of {size}-byte values needs {shape.Count * size}");
        if (floats)
        {
            var values = new float[shape.Count];
            for (long i = 0; i < shape.Count; i++)
                values[i] = size == 4 ? BitConverter.ToSingle(bytes, (int)(start + 8 + 4 * i)) : (float)BitConverter.ToDouble(bytes, (int)(start + 8 + 8 * i));
            return (new LabelVolume(shape, values, $"'{path}'"), text);
        }
        var labels = new ushort[shape.Count];
        for (long i = 0; i < shape.Count; i++) labels[i] = bytes[start + 8 + i];
        return (new LabelVolume(shape, labels), text);
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);

    [GeneratedRegex("WholeExtent=\"([^\"]+)\"")] private static partial Regex ExtentPattern();
    [GeneratedRegex("<DataArray type=\"UInt8\"[^>]*offset=\"(\\d+)\"")] private static partial Regex UInt8ArrayPattern();
    [GeneratedRegex("<DataArray type=\"(Float32|Float64)\"[^>]*offset=\"(\\d+)\"")] private static partial Regex FloatArrayPattern();
    [GeneratedRegex("<!-- spinodoid (.*?) -->")] private static partial Regex CommentPattern();
}
