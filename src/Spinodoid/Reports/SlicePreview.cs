using SkiaSharp;
using Spinodoid.Microstructure;
using Spinodoid.Runtime;

namespace Spinodoid.Reports;

/// <summary>A quick look at a structure: its three orthogonal mid-slices side by side, as PNG.</summary>
public static class SlicePreview
{
    private static readonly SKColor PoreColor = new(0xF2, 0xEC, 0xDC);
    private static readonly SKColor SolidColor = new(0x2F, 0x4B, 0x7C);

    /// <summary>Writes the x–y (z = Nz/2), x–z (y = Ny/2) and y–z (x = Nx/2) slices to a PNG file.</summary>
    public static void WritePng(VoxelStructure structure, string path, string? title = null)
    {
        var s = structure.Shape;
        // Small grids are magnified (nearest neighbour, so voxels stay crisp) to at least ~300 px a panel.
        float scale = Math.Max(1f, 300f / Math.Max(s.Nx, Math.Max(s.Ny, s.Nz)));
        var panels = new (string Label, int W, int H, Func<int, int, bool> Pore)[]
        {
            ($"x–y plane, z = {s.Nz / 2}", s.Nx, s.Ny, (u, v) => structure.IsPore(u, v, s.Nz / 2)),
            ($"x–z plane, y = {s.Ny / 2}", s.Nx, s.Nz, (u, v) => structure.IsPore(u, s.Ny / 2, v)),
            ($"y–z plane, x = {s.Nx / 2}", s.Ny, s.Nz, (u, v) => structure.IsPore(s.Nx / 2, u, v)),
        };
        const int margin = 16, titleHeight = 62, labelHeight = 24;
        int width = margin + panels.Sum(p => (int)(p.W * scale) + margin);
        int height = titleHeight + labelHeight + panels.Max(p => (int)(p.H * scale)) + margin;

        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var typeface = SKTypeface.FromFamilyName("DejaVu Sans") ?? SKTypeface.Default;
        using var titleFont = new SKFont(typeface, 16);
        using var labelFont = new SKFont(typeface, 13);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        var (first, second) = title is null ? Describe(structure) : (title, "");
        canvas.DrawText(first, margin, 24, titleFont, ink);
        canvas.DrawText(second, margin, 46, labelFont, ink);

        int left = margin;
        foreach (var panel in panels)
        {
            using var bitmap = new SKBitmap(panel.W, panel.H);
            for (int v = 0; v < panel.H; v++)
                for (int u = 0; u < panel.W; u++)
                    // Image rows go downwards; put the second axis upwards as in a plot.
                    bitmap.SetPixel(u, panel.H - 1 - v, panel.Pore(u, v) ? PoreColor : SolidColor);
            canvas.DrawText(panel.Label, left, titleHeight + 14, labelFont, ink);
            var target = new SKRect(left, titleHeight + labelHeight, left + (int)(panel.W * scale), titleHeight + labelHeight + (int)(panel.H * scale));
            using var image = SKImage.FromBitmap(bitmap);
            canvas.DrawImage(image, target, new SKSamplingOptions(SKFilterMode.Nearest));
            left += (int)(panel.W * scale) + margin;
        }

        using var snapshot = surface.Snapshot();
        using var png = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.Write(path, stream => png.SaveTo(stream));
    }

    private static (string, string) Describe(VoxelStructure structure)
    {
        string size = $"{structure.Shape} voxels, porosity {structure.Porosity:0.000}; light = pore, dark = solid";
        return structure.Provenance is { } p ? ($"θ = (a_x, a_y, a_z, ε) = {p.Parameters}, seed {p.Seed}", size) : (size, "");
    }
}
