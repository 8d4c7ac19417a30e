using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Spinodoid.Microstructure;

namespace Spinodoid.IO;

/// <summary>
/// numpy's .npy format (version 1.0/2.0/3.0). Writes uint8 arrays of shape (Nx, Ny, Nz) in Fortran order,
/// so <c>numpy.load(f)[x, y, z]</c> is voxel (x, y, z). Reads 3-D arrays of integer, boolean or
/// floating-point type (labels, or a level set) in either order, under the same axis convention.
/// </summary>
public static partial class NpyFormat
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Writes a uint8 array (x fastest, i.e. Fortran order) of the given shape.</summary>
    public static void WriteUInt8(Stream stream, GridShape shape, ReadOnlySpan<byte> data)
    {
        string dict = string.Create(CultureInfo.InvariantCulture,
            $"{{'descr': '|u1', 'fortran_order': True, 'shape': ({shape.Nx}, {shape.Ny}, {shape.Nz}), }}");
        WriteHeader(stream, dict);
        stream.Write(data);
    }

    /// <summary>Writes a float32 array (x fastest) of the given shape.</summary>
    public static void WriteFloat32(Stream stream, GridShape shape, ReadOnlySpan<float> data)
    {
        string dict = string.Create(CultureInfo.InvariantCulture,
            $"{{'descr': '<f4', 'fortran_order': True, 'shape': ({shape.Nx}, {shape.Ny}, {shape.Nz}), }}");
        WriteHeader(stream, dict);
        stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data));
    }

    private static void WriteHeader(Stream stream, string dict)
    {
        // Version 1.0: magic, 2 version bytes, uint16 header length; header padded with spaces to a multiple of 64.
        int unpadded = Magic.Length + 2 + 2 + dict.Length + 1;
        int padding = (64 - unpadded % 64) % 64;
        string header = dict + new string(' ', padding) + "\n";
        stream.Write(Magic);
        stream.WriteByte(1); stream.WriteByte(0);
        stream.WriteByte((byte)(header.Length & 0xFF)); stream.WriteByte((byte)(header.Length >> 8));
        stream.Write(Encoding.ASCII.GetBytes(header));
    }

    /// <summary>Reads a 3-D .npy array as labels.</summary>
    public static LabelVolume Read(string path)
    {
        using var stream = File.OpenRead(path);
        var head = new byte[10];
        if (stream.Read(head, 0, 10) != 10 || !head.AsSpan(0, 6).SequenceEqual(Magic))
            throw new InvalidDataException($"'{path}' is not a numpy .npy file (bad magic bytes)");
        int major = head[6];
        int headerLength;
        if (major == 1) headerLength = head[8] | head[9] << 8;
        else
        {
            var extra = new byte[2];
            stream.ReadExactly(extra);
            headerLength = head[8] | head[9] << 8 | extra[0] << 16 | extra[1] << 24;
        }
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        string header = Encoding.UTF8.GetString(headerBytes);

        string descr = DescrPattern().Match(header) is { Success: true } d ? d.Groups[1].Value
            : throw new InvalidDataException($"'{path}': .npy header has no 'descr'");
        bool fortran = FortranPattern().Match(header) is { Success: true } f && f.Groups[1].Value == "True";
        var shapeMatch = ShapePattern().Match(header);
        if (!shapeMatch.Success) throw new InvalidDataException($"'{path}': .npy header has no 'shape'");
        var dims = shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v
                : throw new InvalidDataException($"'{path}': .npy shape entry '{s}' is not a whole number")).ToArray();
        if (dims.Length != 3)
            throw new InvalidDataException($"'{path}' holds a {dims.Length}-D array; a structure is a 3-D array");
        int itemSize = descr.Length >= 3 && int.TryParse(descr.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out int bytes) ? bytes : 1;
        var shape = GridShape.Checked(dims[0], dims[1], dims[2], $"'{path}'", Math.Max(1, itemSize));
        long count = shape.Count;

        if (descr is "<f4" or "<f8" or "=f4" or "=f8" or "|f4" or "|f8")
            return new LabelVolume(shape, ReadFloats(stream, shape, descr[2] == '8' ? 8 : 4, fortran), $"'{path}'");
        if (descr[0] == '>' && descr[1] == 'f')
            throw new InvalidDataException($"'{path}': big-endian arrays ({descr}) are not supported; save with a little-endian dtype");
        var (size, decode) = Decoder(descr, path);
        var raw = new byte[count * size];
        stream.ReadExactly(raw);
        var labels = new ushort[count];
        if (fortran)
            for (long i = 0; i < count; i++) labels[i] = decode(raw, i * size);
        else
        {
            // C order: the last axis (z) varies fastest; transpose to x fastest.
            int nx = shape.Nx, ny = shape.Ny, nz = shape.Nz;
            Parallel.For(0, nx, x =>
            {
                for (int y = 0; y < ny; y++)
                    for (int z = 0; z < nz; z++)
                        labels[shape.Index(x, y, z)] = decode(raw, (((long)x * ny + y) * nz + z) * size);
            });
        }
        return new LabelVolume(shape, labels);
    }

    /// <summary>Floating-point values (float32 or float64, little-endian) in x-fastest order.</summary>
    private static float[] ReadFloats(Stream stream, GridShape shape, int size, bool fortran)
    {
        long count = shape.Count;
        var raw = new byte[count * size];
        stream.ReadExactly(raw);
        var values = new float[count];
        float At(long i) => size == 4 ? BitConverter.ToSingle(raw, (int)(i * 4)) : (float)BitConverter.ToDouble(raw, (int)(i * 8));
        if (fortran) for (long i = 0; i < count; i++) values[i] = At(i);
        else
        {
            int nx = shape.Nx, ny = shape.Ny, nz = shape.Nz;
            Parallel.For(0, nx, x =>
            {
                for (int y = 0; y < ny; y++)
                    for (int z = 0; z < nz; z++) values[shape.Index(x, y, z)] = At(((long)x * ny + y) * nz + z);
            });
        }
        return values;
    }

    private static (int Size, Func<byte[], long, ushort> Decode) Decoder(string descr, string path)
    {
        char order = descr[0];
        if (order == '>' && descr[1..] is not ("u1" or "i1" or "b1"))
            throw new InvalidDataException($"'{path}': big-endian arrays ({descr}) are not supported; save with a little-endian dtype");
        return descr[1..] switch
        {
            "u1" or "b1" => (1, (b, i) => b[i]),
            "i1" => (1, (b, i) => Checked((sbyte)b[i], path)),
            "u2" => (2, (b, i) => BitConverter.ToUInt16(b, (int)i)),
            "i2" => (2, (b, i) => Checked(BitConverter.ToInt16(b, (int)i), path)),
            "u4" => (4, (b, i) => Checked(BitConverter.ToUInt32(b, (int)i), path)),
            "i4" => (4, (b, i) => Checked(BitConverter.ToInt32(b, (int)i), path)),
            "i8" => (8, (b, i) => Checked(BitConverter.ToInt64(b, (int)i), path)),
            "u8" => (8, (b, i) => Checked((long)Math.Min(BitConverter.ToUInt64(b, (int)i), long.MaxValue), path)),
            _ => throw new InvalidDataException($"'{path}': dtype '{descr}' is not supported; use an integer, boolean or float array of labels"),
        };
    }

    private static ushort Checked(long value, string path) =>
        value is >= 0 and <= ushort.MaxValue ? (ushort)value
            : throw new InvalidDataException($"'{path}' holds the label {value}; labels must be in 0–65535");


    [GeneratedRegex(@"'descr'\s*:\s*'([^']+)'")] private static partial Regex DescrPattern();
    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")] private static partial Regex FortranPattern();
    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")] private static partial Regex ShapePattern();
}
