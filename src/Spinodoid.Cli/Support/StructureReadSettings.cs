using System.ComponentModel;
using System.Globalization;
using Spectre.Console.Cli;
using Spinodoid.IO;
using Spinodoid.Microstructure;

namespace Spinodoid.Cli.Support;

/// <summary>How to read a structure file: the options shared by every command that reads one.</summary>
internal class StructureReadSettings : CommandSettings
{
    [CommandOption("--pore-value <LABEL>")]
    [Description("The label that is pore. Default: 1 in 0/1 images, 255 in 0/255 images, or as the file's metadata says.")]
    public int? PoreValue { get; init; }

    [CommandOption("--shape <NX,NY,NZ>")]
    [Description("Grid size of a .raw file without a .json sidecar.")]
    public string? Shape { get; init; }

    [CommandOption("--raw-bytes <1|2|4|8>")]
    [Description("Bytes per voxel of a .raw file without a sidecar: 1 (uint8), 2 (uint16), 4 (float32) or 8 (float64), little-endian.")]
    [DefaultValue(1)]
    public int RawBytes { get; init; }

    [CommandOption("--threshold <T>")]
    [Description("Floating-point images (float .npy/.raw/.vti, 32-bit TIFF) are level sets: pore where value < T (default 0; a float image of whole numbers without --threshold is read as labels).")]
    public double? Threshold { get; init; }

    public StructureReadOptions ReadOptions() => new(PoreValue, ParseShape(Shape), RawBytes, Threshold);

    private static GridShape? ParseShape(string? text)
    {
        if (text is null) return null;
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 3 || !parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0))
            throw new ArgumentException($"--shape '{text}' must be three positive whole numbers Nx,Ny,Nz");
        var n = parts.Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        return new GridShape(n[0], n[1], n[2]);
    }
}
