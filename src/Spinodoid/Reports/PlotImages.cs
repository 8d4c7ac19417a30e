using SkiaSharp;
using Spinodoid.Runtime;

namespace Spinodoid.Reports;

/// <summary>Puts rendered plots side by side (or in a grid) in one PNG.</summary>
public static class PlotImages
{
    /// <summary>Renders each plot at <paramref name="width"/>×<paramref name="height"/> and writes them in a row.</summary>
    public static void WriteRow(string path, int width, int height, params ScottPlot.Plot[] plots) =>
        WriteGrid(path, width, height, plots.Length, plots);

    /// <summary>
    /// Renders the plots at <paramref name="width"/>×<paramref name="height"/> each into a grid of
    /// <paramref name="columns"/> columns, row by row; a null plot leaves its cell blank.
    /// </summary>
    public static void WriteGrid(string path, int width, int height, int columns, IReadOnlyList<ScottPlot.Plot?> plots)
    {
        int rows = (plots.Count + columns - 1) / columns;
        using var surface = SKSurface.Create(new SKImageInfo(width * columns, height * rows));
        surface.Canvas.Clear(SKColors.White);
        for (int i = 0; i < plots.Count; i++)
        {
            if (plots[i] is not { } plot) continue;
            var bytes = plot.GetImageBytes(width, height, ScottPlot.ImageFormat.Png);
            using var image = SKImage.FromEncodedData(bytes);
            surface.Canvas.DrawImage(image, i % columns * width, i / columns * height);
        }
        using var snapshot = surface.Snapshot();
        using var png = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.Write(path, stream => png.SaveTo(stream));
    }
}
