using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Runtime.InteropServices;
using Spinodoid.Geometry;

namespace Spinodoid.Reports;

/// <summary>
/// An interactive 3D view (rotate, zoom) of a surface for a self-contained HTML page: the mesh packed into the page
/// (positions quantised to 16 bits, index differences, both gzipped) and three.js inlined, so it opens offline.
/// </summary>
public static class StructureView
{
    private const string ViewerResource = "Spinodoid.Reports.vendor.structure-viewer.js";

    private static readonly Lazy<string> Viewer = new(() =>
    {
        using var stream = typeof(StructureView).Assembly.GetManifestResourceStream(ViewerResource)
                           ?? throw new InvalidOperationException($"the report viewer ({ViewerResource}) is missing from the build");
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();
        // Inlined in <script>: the bundle must not close the element early.
        if (text.Contains("</script", StringComparison.OrdinalIgnoreCase)) throw new InvalidOperationException("the report viewer contains </script>");
        return text;
    });

    /// <summary>
    /// A canvas showing <paramref name="mesh"/> (coordinates within [0, size]) and the scripts that draw it; once drawn,
    /// the canvas's data-rendered attribute holds the triangle count.
    /// </summary>
    public static string Html(SurfaceMesh mesh, (double X, double Y, double Z) size, string id = "structure-view", int width = 720, int height = 560)
    {
        var quantised = new ushort[mesh.Positions.Length];
        double[] extent = [size.X, size.Y, size.Z];
        for (int i = 0; i < quantised.Length; i++)
            quantised[i] = (ushort)Math.Clamp(Math.Round(mesh.Positions[i] / extent[i % 3] * 65535), 0, 65535);
        var deltas = new int[mesh.Triangles.Length];
        for (int i = 0, last = 0; i < deltas.Length; i++)
        {
            deltas[i] = mesh.Triangles[i] - last;
            last = mesh.Triangles[i];
        }
        string positions = Packed(MemoryMarshal.AsBytes(quantised.AsSpan()));
        string indices = Packed(MemoryMarshal.AsBytes(deltas.AsSpan()));
        string encodedId = WebUtility.HtmlEncode(id);
        string json = string.Create(CultureInfo.InvariantCulture,
            $"{{\"size\":[{size.X:R},{size.Y:R},{size.Z:R}],\"triangles\":{mesh.TriangleCount},\"positions\":\"{positions}\",\"indices\":\"{indices}\"}}");
        return $"<canvas id=\"{encodedId}\" width=\"{width}\" height=\"{height}\" style=\"width:{width}px;height:{height}px;border:1px solid #ccc;cursor:grab\"></canvas>" +
               $"<script type=\"application/json\" id=\"{encodedId}-data\">{json}</script>" +
               $"<script>{Viewer.Value}</script>" +
               $"<script>spinodoidViewer(document.getElementById('{encodedId}'), JSON.parse(document.getElementById('{encodedId}-data').textContent));</script>";
    }

    private static string Packed(ReadOnlySpan<byte> bytes)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(bytes);
        return Convert.ToBase64String(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
