using SkiaSharp;
using Spinodoid.Runtime;

namespace Spinodoid.Reports;

/// <summary>Puts rendered plots side by side in one PNG.</summary>
public static class PlotImages
{
    /// <summary>Renders each plot at <paramref name="width"/>×<paramref name="height"/> and writes them in a row.</summary>
    public static void WriteRow(string path, int width, int height, params ScottPlot.Plot[] plots)
    {
        using var surface = SKSurface.Create(new SKImageInfo(width * plots.Length, height));
        surface.Canvas.Clear(SKColors.White);
        for (int i = 0; i < plots.Length; i++)
        {
            var bytes = plots[i].GetImageBytes(width, height, ScottPlot.ImageFormat.Png);
            using var image = SKImage.FromEncodedData(bytes);
            surface.Canvas.DrawImage(image, i * width, 0);
        }
        using var snapshot = surface.Snapshot();
        using var png = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.Write(path, stream => png.SaveTo(stream));
    }
}
