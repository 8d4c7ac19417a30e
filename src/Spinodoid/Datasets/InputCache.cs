using Spinodoid.IO;
using Spinodoid.Microstructure;
using Spinodoid.Runtime;

namespace Spinodoid.Datasets;

/// <summary>
/// The CNN inputs of a dataset as one memory-mappable numpy array: uint8 solid counts 0…8 of the 2×2×2
/// downsampled structures, shape (rows, N/2, N/2, N/2) in C order with the last index x, i.e.
/// <c>inputs[i, z, y, x]</c>. Rebuilt from the table on demand, since every structure is fixed by (θ, seed, N).
/// </summary>
public static class InputCache
{
    /// <summary>The cache file of a dataset folder.</summary>
    public static string PathOf(string directory, DatasetProfile profile) =>
        Path.Combine(directory, $"inputs-{profile.Size / 2}.npy");

    /// <summary>
    /// The dataset's identity: the SHA-256 of its table (16 hex digits). The cache's sidecar records it, so a cache
    /// copied from another dataset with as many rows, or left from an earlier table, is never used.
    /// </summary>
    public static string Identity(string directory)
    {
        using var stream = File.OpenRead(Path.Combine(directory, DatasetManifest.TableName));
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(stream))[..16].ToLowerInvariant();
    }

    /// <summary>True when the cache exists and was built from this dataset's table.</summary>
    public static bool IsCurrent(string directory, DatasetProfile profile)
    {
        string path = PathOf(directory, profile), sidecar = path + ".json";
        if (!File.Exists(path) || !File.Exists(sidecar)) return false;
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(sidecar))?["dataset_identity"]?.GetValue<string>() == Identity(directory);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Builds (or rebuilds) the cache and its identity sidecar; returns its path.</summary>
    public static string Build(string directory, IProgress<int>? progress = null, CancellationToken cancellation = default)
    {
        var dataset = DatasetStore.Load(directory);
        var profile = dataset.Manifest.Profile;
        int half = profile.Size / 2;
        var rows = dataset.Rows.OrderBy(r => r.Index).ToList();
        string path = PathOf(directory, profile);
        int done = 0;
        AtomicFile.Write(path, stream =>
        {
            string dict = $"{{'descr': '|u1', 'fortran_order': False, 'shape': ({rows.Count}, {half}, {half}, {half}), }}";
            int padding = (64 - (10 + dict.Length + 1) % 64) % 64;
            string header = dict + new string(' ', padding) + "\n";
            stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)(header.Length & 0xFF), (byte)(header.Length >> 8)]);
            stream.Write(System.Text.Encoding.ASCII.GetBytes(header));
            // Batches of structures in parallel, written in order.
            int batch = Math.Max(1, Environment.ProcessorCount * 2);
            for (int start = 0; start < rows.Count; start += batch)
            {
                cancellation.ThrowIfCancellationRequested();
                var chunk = rows.Skip(start).Take(batch).ToList();
                var inputs = new byte[chunk.Count][];
                Parallel.For(0, chunk.Count, k =>
                {
                    var row = chunk[k];
                    var structure = SpinodoidGenerator.Generate(row.Theta, row.Seed, row.Size);
                    if (Math.Abs(structure.Porosity - row.MeasuredPorosity) > 1e-9)
                        throw new InvalidDataException($"row {row.Index} does not regenerate: porosity {structure.Porosity} ≠ {row.MeasuredPorosity} in the table");
                    inputs[k] = Downsampling.SolidCounts2x(structure);
                });
                foreach (var input in inputs) stream.Write(input);
                done += chunk.Count;
                progress?.Report(done);
            }
        });
        AtomicFile.WriteText(path + ".json", new System.Text.Json.Nodes.JsonObject(ProgramInfo.Header())
        {
            ["dataset_identity"] = Identity(directory), ["rows"] = rows.Count, ["side"] = half,
            ["content"] = "uint8 solid counts 0…8 of the 2×2×2 downsampled structures, C order (rows, z, y, x)",
        }.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
        return path;
    }
}
