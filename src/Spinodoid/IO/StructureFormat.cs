namespace Spinodoid.IO;

/// <summary>File formats for structures.</summary>
public enum StructureFormat
{
    /// <summary>numpy .npy, uint8, shape (Nx, Ny, Nz) in Fortran order, so <c>a[x, y, z]</c> is voxel (x, y, z).</summary>
    Npy,
    /// <summary>Multi-page TIFF (ImageJ/Fiji): page = z, row = y, column = x.</summary>
    Tiff,
    /// <summary>VTK XML image data (.vti) for ParaView, one cell per voxel.</summary>
    Vti,
    /// <summary>Raw bytes (x fastest) with a JSON sidecar describing them.</summary>
    Raw,
}

/// <summary>Format names and file extensions.</summary>
public static class StructureFormats
{
    /// <summary>The format a path's extension names.</summary>
    public static StructureFormat FromPath(string path)
    {
        string ext = Path.GetExtension(path).ToLowerInvariant();
        return TryFromPath(path) ?? throw new ArgumentException(
            $"unknown structure format '{ext}' of '{path}'; allowed: .npy, .tif/.tiff, .vti, .raw (or give --format npy|tiff|vti|raw)");
    }

    /// <summary>The format a path's extension names, or null for an extension that names none.</summary>
    public static StructureFormat? TryFromPath(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".npy" => StructureFormat.Npy,
        ".tif" or ".tiff" => StructureFormat.Tiff,
        ".vti" => StructureFormat.Vti,
        ".raw" or ".bin" => StructureFormat.Raw,
        _ => null,
    };

    /// <summary>Parses a format name (npy, tiff, vti, raw).</summary>
    public static StructureFormat Parse(string name) => name.ToLowerInvariant() switch
    {
        "npy" => StructureFormat.Npy,
        "tif" or "tiff" => StructureFormat.Tiff,
        "vti" => StructureFormat.Vti,
        "raw" => StructureFormat.Raw,
        _ => throw new ArgumentException($"unknown format '{name}'; allowed: npy, tiff, vti, raw"),
    };
}
