using Spinodoid.Transport;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spinodoid.IO;
using Spinodoid.Microstructure;
using Spinodoid.Runtime;

namespace Spinodoid.Datasets;

/// <summary>The small JSON file beside a dataset table: what was made, how, and how far it got.</summary>
public sealed record DatasetManifest(
    DatasetProfile Profile, ulong Seed, int ShardIndex, int ShardCount, bool Complete,
    int Rows, long Rejected, double Seconds, string Version)
{
    /// <summary>File name of the manifest inside a dataset folder.</summary>
    public const string FileName = "manifest.json";

    /// <summary>File name of the table inside a dataset folder.</summary>
    public const string TableName = "dataset.csv";

    /// <summary>Rejected draws / all draws (structures failing the connectivity checks).</summary>
    public double RejectionRate => Rows + Rejected == 0 ? 0 : (double)Rejected / (Rows + Rejected);

    /// <summary>True when this and <paramref name="other"/> describe parts of the same dataset.</summary>
    public bool SameDataset(DatasetManifest other) => Profile == other.Profile && Seed == other.Seed;

    /// <summary>Writes the manifest atomically.</summary>
    public void Write(string directory)
    {
        var p = Profile;
        var prior = p.Prior;
        var json = new JsonObject(ProgramInfo.Header(Version))
        {
            ["kind"] = "spinodoid dataset",
            ["profile"] = new JsonObject
            {
                ["name"] = p.Name, ["n"] = p.Size, ["cnn_input"] = p.Size / 2,
                ["train"] = p.Train, ["validation"] = p.Validation, ["test"] = p.Test, ["tolerance"] = p.Tolerance,
                ["discretization"] = p.Discretization.ToString().ToLowerInvariant(),
            },
            ["seed"] = Seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["prior"] = new JsonObject
            {
                ["beta"] = new JsonArray(prior.BetaMin, prior.BetaMax), ["mean_length_scale"] = new JsonArray(prior.MeanMin, prior.MeanMax),
                ["porosity"] = new JsonArray(prior.PorosityMin, prior.PorosityMax),
                ["acceptance"] = "both phases connected inlet→outlet along x, y and z (6-neighbourhood, periodic sides)",
            },
            ["boundary_convention"] = "paper: fixed concentrations on the first and last voxel layers, length N − 1; periodic sides",
            ["splits"] = "rows 0…train−1 are train, then validation, then test",
            ["shard"] = ShardCount == 1 ? null : new JsonObject { ["index"] = ShardIndex, ["count"] = ShardCount },
            ["complete"] = Complete,
            ["rows"] = Rows,
            ["rejected"] = Rejected,
            ["rejection_rate"] = Math.Round(RejectionRate, 6),
            ["seconds"] = Math.Round(Seconds, 1),
        };
        AtomicFile.WriteText(Path.Combine(directory, FileName), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
    }

    /// <summary>Reads a manifest; throws <see cref="InvalidDataException"/> for a missing, corrupt or foreign file.</summary>
    public static DatasetManifest Read(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) throw new InvalidDataException($"'{directory}' is not a spinodoid dataset: it has no {FileName}");
        try
        {
            var json = JsonNode.Parse(File.ReadAllText(path))!;
            if (json["kind"]?.GetValue<string>() != "spinodoid dataset")
                throw new InvalidDataException($"'{path}' is not a spinodoid dataset manifest");
            var p = json["profile"]!;
            var profile = new DatasetProfile(p["name"]!.GetValue<string>(), p["n"]!.GetValue<int>(), p["train"]!.GetValue<int>(),
                p["validation"]!.GetValue<int>(), p["test"]!.GetValue<int>(), p["tolerance"]!.GetValue<double>(),
                // Manifests from before the sub-voxel solver hold voxel labels.
                p["discretization"]?.GetValue<string>() is { } d ? Discretizations.Parse(d) : Discretization.Voxel);
            var shard = json["shard"];
            return new DatasetManifest(profile, ulong.Parse(json["seed"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture),
                shard?["index"]?.GetValue<int>() ?? 0, shard?["count"]?.GetValue<int>() ?? 1, json["complete"]!.GetValue<bool>(),
                json["rows"]!.GetValue<int>(), json["rejected"]!.GetValue<long>(), json["seconds"]!.GetValue<double>(),
                json["version"]?.GetValue<string>() ?? "unknown");
        }
        catch (Exception e) when (e is JsonException or NullReferenceException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new InvalidDataException($"'{path}' is not a readable spinodoid dataset manifest: {e.Message}", e);
        }
    }
}
