using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Spinodoid.Geometry;
using Spinodoid.Microstructure;
using Spinodoid.Reports;

namespace Spinodoid.Tests.Reports;

public class ReportTests
{
    [Fact]
    public void SettingsTableEscapesEveryString()
    {
        var summary = new JsonObject
        {
            ["simulator"] = "cnn </td><script>alert(1)</script> models/<b>x</b>.bin",
            ["<key>"] = "a & b",
            ["target"] = new JsonArray(0.4, null, 0.6),
            ["nested"] = new JsonObject { ["skipped"] = "<i>" },
        };
        string html = DesignReport.SettingsTable(summary);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<b>", html);
        Assert.DoesNotContain("<i>", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.Contains("&lt;key&gt;", html);
        Assert.Contains("a &amp; b", html);
        Assert.Contains("0.4, free, 0.6", html);
        // Only the table's own tags remain.
        Assert.All(Regex.Matches(html, "<(/?)([a-z]+)").Select(m => m.Groups[2].Value), tag => Assert.Contains(tag, new[] { "table", "tr", "th", "td" }));
    }

    [Fact]
    public void StructureViewPacksTheMeshIntoAPageOfAFewMegabytes()
    {
        // The η₁ design at the report's sampling: the heaviest view a design report holds.
        var theta = new SpinodoidParameters(new LengthScales(0.0725, 0.1067, 0.1898), 0.672);
        var mesh = StructureSurface.Spinodoid(theta, 1, DesignReport.ViewResolution, Tiling.None);
        string html = StructureView.Html(mesh, (1, 1, 1));
        Assert.InRange(html.Length, 1_000_000, 8_000_000);
        Assert.Contains($"\"triangles\":{mesh.TriangleCount}", html);
        // Three script elements and nothing that closes one early.
        Assert.Equal(3, Regex.Matches(html, "</script>").Count);
    }

    [Fact]
    public void StructureViewDataDecodesToTheMesh()
    {
        var theta = new SpinodoidParameters(new LengthScales(0.1, 0.15, 0.2), 0.6);
        var mesh = StructureSurface.Spinodoid(theta, 3, 16, Tiling.None);
        string html = StructureView.Html(mesh, (1, 1, 1));
        var data = JsonNode.Parse(Regex.Match(html, "<script type=\"application/json\"[^>]*>(.*?)</script>").Groups[1].Value)!;
        static byte[] Inflate(string base64)
        {
            using var input = new System.IO.Compression.GZipStream(new MemoryStream(Convert.FromBase64String(base64)), System.IO.Compression.CompressionMode.Decompress);
            using var output = new MemoryStream();
            input.CopyTo(output);
            return output.ToArray();
        }
        var quantised = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(Inflate(data["positions"]!.GetValue<string>()));
        var deltas = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(Inflate(data["indices"]!.GetValue<string>()));
        Assert.Equal(mesh.Positions.Length, quantised.Length);
        // 16-bit quantisation: within half a step, 1/131070 of the box.
        for (int i = 0; i < quantised.Length; i++) Assert.InRange(Math.Abs(mesh.Positions[i] - quantised[i] / 65535.0), 0, 0.5 / 65535 + 1e-7);
        int last = 0;
        for (int i = 0; i < deltas.Length; i++) Assert.Equal(mesh.Triangles[i], last += deltas[i]);
    }
}
