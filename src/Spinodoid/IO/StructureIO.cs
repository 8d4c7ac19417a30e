using System.Text.Json.Nodes;
using Spinodoid.Microstructure;
using Spinodoid.Runtime;

namespace Spinodoid.IO;

/// <summary>How to interpret a structure file.</summary>
/// <param name="PoreValue">The label that is pore; null: 1 in {0,1} images, 255 in {0,255} images.</param>
/// <param name="RawShape">Grid size of a raw file without a sidecar.</param>
/// <param name="RawBytesPerVoxel">
/// 1 (uint8), 2 (uint16), 4 (float32) or 8 (float64), little-endian, for a raw file without a sidecar.
/// </param>
/// <param name="Threshold">
/// For floating-point images: pore where value &lt; threshold (the image is read as a level set, so the
/// solver can use where the interface lies inside a voxel). Null: 0, unless the image holds only whole
/// numbers, which are read as labels.
/// </param>
public sealed record StructureReadOptions(int? PoreValue = null, GridShape? RawShape = null, int RawBytesPerVoxel = 1, double? Threshold = null);

/// <summary>Reads and writes structures in every supported format; writes are atomic.</summary>
public static class StructureIO
{
    /// <summary>Pore label written to TIFF stacks (white in Fiji); other formats write 1.</summary>
    public const int TiffPoreValue = 255;

    /// <summary>The sidecar JSON path of a .npy or .raw file.</summary>
    public static string SidecarPath(string path) => path + ".json";

    /// <summary>Writes <paramref name="structure"/>; the format follows the extension unless given.</summary>
    public static void Write(VoxelStructure structure, string path, StructureFormat? format = null)
    {
        var f = format ?? StructureFormats.FromPath(path);
        switch (f)
        {
            case StructureFormat.Npy:
                AtomicFile.Write(path, s => NpyFormat.WriteUInt8(s, structure.Shape, structure.Pore));
                AtomicFile.WriteText(SidecarPath(path), StructureMetadata.Describe(structure, "uint8", 1).ToJsonString(Indented) + "\n");
                break;
            case StructureFormat.Raw:
                AtomicFile.Write(path, s => s.Write(structure.Pore));
                AtomicFile.WriteText(SidecarPath(path), StructureMetadata.Describe(structure, "uint8", 1).ToJsonString(Indented) + "\n");
                break;
            case StructureFormat.Tiff:
                var scaled = new byte[structure.Pore.Length];
                for (int i = 0; i < scaled.Length; i++) scaled[i] = (byte)(structure.Pore[i] * TiffPoreValue);
                string description = TiffStack.ImageJDescription(structure.Shape.Nz,
                    StructureMetadata.ToLine(StructureMetadata.Describe(structure, "uint8", TiffPoreValue)));
                AtomicFile.Write(path, s => TiffStack.WriteUInt8(s, structure.Shape, scaled, description));
                break;
            case StructureFormat.Vti:
                AtomicFile.Write(path, s => VtiFormat.Write(s, structure.Shape, [new VtiArray("pore", Bytes: structure.Pore)],
                    StructureMetadata.ToLine(StructureMetadata.Describe(structure, "uint8", 1))));
                break;
        }
    }

    /// <summary>Reads a structure file; the format follows the extension.</summary>
    public static VoxelStructure Read(string path, StructureReadOptions? options = null)
    {
        options ??= new StructureReadOptions();
        if (!File.Exists(path)) throw new FileNotFoundException($"no such file: '{path}'", path);
        var format = StructureFormats.FromPath(path);
        LabelVolume volume;
        JsonNode? metadata = null;
        int? poreValue = options.PoreValue;
        try
        {
            switch (format)
            {
                case StructureFormat.Npy:
                    volume = NpyFormat.Read(path);
                    metadata = ReadSidecar(path);
                    break;
                case StructureFormat.Tiff:
                    (volume, var description) = TiffStack.Read(path);
                    metadata = MetadataFromTiffDescription(description);
                    break;
                case StructureFormat.Vti:
                    (volume, var comment) = VtiFormat.Read(path);
                    metadata = comment is null ? null : JsonNode.Parse(comment);
                    break;
                default:
                    metadata = ReadSidecar(path);
                    volume = ReadRaw(path, options, metadata);
                    break;
            }
        }
        catch (Exception e) when (e is EndOfStreamException or IndexOutOfRangeException or ArgumentOutOfRangeException
                                        or OverflowException or System.Text.Json.JsonException)
        {
            throw new InvalidDataException($"'{path}' is not a readable {format} structure file: {e.Message}", e);
        }
        var provenance = StructureMetadata.ProvenanceFrom(metadata);
        bool levelSet = volume.Values is not null && (options.Threshold is not null || (poreValue is null && !volume.HoldsLabels));
        if (levelSet) return ReadLevelSet(volume, options.Threshold ?? 0, path, provenance);
        if (options.Threshold is not null)
            throw new ArgumentException($"--threshold applies to floating-point images; '{path}' holds integer labels (choose the pore label with --pore-value)");
        // Our own files say which value is pore.
        if (poreValue is null && metadata?["pore_value"] is { } recorded)
            poreValue = recorded is JsonValue v && v.TryGetValue(out int label) ? label
                : throw new InvalidDataException($"'{path}': its metadata gives pore_value {recorded.ToJsonString()}, not a whole number; give --pore-value");
        var structure = volume.ToStructure(poreValue, path);
        return provenance is null ? structure : new VoxelStructure(structure.Shape, structure.Pore, provenance);
    }

    /// <summary>A floating-point image as a level set: φ = value − threshold, pore where φ &lt; 0.</summary>
    private static VoxelStructure ReadLevelSet(LabelVolume volume, double threshold, string path, StructureProvenance? provenance)
    {
        var values = volume.Values!;
        if (!double.IsFinite(threshold)) throw new ArgumentException($"--threshold {threshold} must be a finite number");
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        for (long i = 0; i < values.LongLength; i++)
        {
            float v = values[i];
            if (!float.IsFinite(v))
            {
                var shape = volume.Shape;
                long x = i % shape.Nx, y = i / shape.Nx % shape.Ny, z = i / ((long)shape.Nx * shape.Ny);
                throw new InvalidDataException($"'{path}' holds {v} at voxel ({x}, {y}, {z}); a level set must be finite everywhere");
            }
            if (v < min) min = v;
            if (v > max) max = v;
        }
        string range = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"[{min:G6}, {max:G6}]");
        if (!(min < threshold))
            throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"threshold {threshold:G6} is at or below every value of '{path}' (range {range}): no voxel would be pore; choose a threshold inside the range"));
        if (!(max >= threshold))
            throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"threshold {threshold:G6} is above every value of '{path}' (range {range}): every voxel would be pore; choose a threshold inside the range"));
        var phi = new float[values.LongLength];
        float t = (float)threshold;
        for (long i = 0; i < phi.LongLength; i++) phi[i] = values[i] - t;
        return VoxelStructure.FromLevelSet(volume.Shape, phi, provenance: provenance);
    }

    private static JsonNode? ReadSidecar(string path)
    {
        string sidecar = SidecarPath(path);
        return File.Exists(sidecar) ? JsonNode.Parse(File.ReadAllText(sidecar)) : null;
    }

    private static JsonNode? MetadataFromTiffDescription(string? description)
    {
        if (description is null) return null;
        foreach (var line in description.Split('\n'))
            if (line.StartsWith("spinodoid=", StringComparison.Ordinal))
                return JsonNode.Parse(line["spinodoid=".Length..]);
        return null;
    }

    private static LabelVolume ReadRaw(string path, StructureReadOptions options, JsonNode? sidecar)
    {
        GridShape shape;
        int bytesPerVoxel = options.RawBytesPerVoxel;
        if (options.RawShape is { } given) shape = given;
        else if (sidecar?["shape"] is JsonArray dims && dims.Count == 3)
        {
            bytesPerVoxel = sidecar["dtype"]?.ToString() switch { "uint16" => 2, "float32" => 4, "float64" => 8, _ => 1 };
            shape = GridShape.Checked(dims[0]!.GetValue<long>(), dims[1]!.GetValue<long>(), dims[2]!.GetValue<long>(), $"'{SidecarPath(path)}'", bytesPerVoxel);
        }
        else throw new ArgumentException($"raw file '{path}' has no sidecar '{SidecarPath(path)}'; give its size with --shape Nx,Ny,Nz");
        if (bytesPerVoxel is not (1 or 2 or 4 or 8))
            throw new ArgumentException($"raw voxel size {bytesPerVoxel} bytes is not supported; use 1 (uint8), 2 (uint16), 4 (float32) or 8 (float64)");
        shape = GridShape.Checked(shape.Nx, shape.Ny, shape.Nz, $"raw file '{path}'", bytesPerVoxel);
        long expected = shape.Count * bytesPerVoxel;
        long actual = new FileInfo(path).Length;
        if (actual != expected)
            throw new InvalidDataException($"raw file '{path}' has {actual} bytes, but {shape} voxels of {bytesPerVoxel} byte(s) need {expected}");
        var bytes = File.ReadAllBytes(path);
        if (bytesPerVoxel >= 4)
        {
            var values = new float[shape.Count];
            for (long i = 0; i < values.LongLength; i++)
                values[i] = bytesPerVoxel == 4 ? BitConverter.ToSingle(bytes, (int)(4 * i)) : (float)BitConverter.ToDouble(bytes, (int)(8 * i));
            return new LabelVolume(shape, values, $"'{path}'");
        }
        var labels = new ushort[shape.Count];
        if (bytesPerVoxel == 1) for (long i = 0; i < labels.LongLength; i++) labels[i] = bytes[i];
        else for (long i = 0; i < labels.LongLength; i++) labels[i] = BitConverter.ToUInt16(bytes, (int)(2 * i));
        return new LabelVolume(shape, labels);
    }

    private static readonly System.Text.Json.JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
