using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Spinodoid.Runtime;

namespace Spinodoid.Design.Abc;

/// <summary>
/// A run folder: <c>generations/generation-NN.csv</c> (θ, weight, distance, summary, seed at full precision),
/// <c>generations.csv</c> (the per-generation log, rewritten after every generation) and <c>checkpoint.json</c>. A run with other settings
/// (compared through <paramref name="fingerprint"/>) is refused rather than mixed in. The checkpoint holds the SHA-256 of
/// every generation file: a file that was edited or damaged is named, and the run resumes from the generation before
/// it (the run is deterministic, so the generations made again are the same); a damaged checkpoint starts the run again.
/// </summary>
public sealed class AbcRunDirectory(string directory, IReadOnlyList<string> parameterNames, IReadOnlyList<string> summaryNames, string fingerprint)
    : IAbcStore
{
    private const string CheckpointName = "checkpoint.json", LogName = "generations.csv";
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The folder.</summary>
    public string Directory { get; } = directory;

    /// <summary>Path of generation <paramref name="generation"/>'s particle table.</summary>
    public string GenerationPath(int generation) => Path.Combine(Directory, "generations", $"generation-{generation:D2}.csv");

    /// <summary>
    /// The checkpoint (read once per instance: the pipeline shows it before the sampler resumes from it; a
    /// <see cref="Save"/> replaces it).
    /// </summary>
    public AbcCheckpoint Load() => _loaded ??= Read();

    private AbcCheckpoint? _loaded;

    private AbcCheckpoint Read()
    {
        string path = Path.Combine(Directory, CheckpointName);
        var empty = new AbcCheckpoint([], 0, double.PositiveInfinity);
        if (!File.Exists(path)) return empty;
        JsonNode json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(path)) ?? throw new InvalidDataException("empty");
            _ = json["generations"]!.AsArray();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException or InvalidOperationException or NullReferenceException)
        {
            return empty with { Repair = $"'{path}' is damaged ({e.Message.Split('.')[0]}); the run starts again from generation 0" };
        }
        if (json["fingerprint"]?.GetValue<string>() != fingerprint)
            throw new ArgumentException($"'{Directory}' holds a design run with other settings; choose another --out folder or delete it");
        var generations = new List<Population>();
        _closestAfter.Clear();
        long simulations = 0;
        double closest = double.PositiveInfinity;
        foreach (var entry in json["generations"]!.AsArray())
        {
            int g = entry!["generation"]!.GetValue<int>();
            string file = GenerationPath(g);
            string? text = File.Exists(file) ? File.ReadAllText(file) : null;
            string? expected = entry["sha256"]?.GetValue<string>();
            string? problem = text is null ? "is missing"
                : expected is not null && Digest(text) != expected ? "does not match the checkpoint's digest (edited or damaged)"
                : null;
            Population population = null!;
            if (problem is null)
                try
                {
                    population = new Population(g, double.Parse(entry["tolerance"]!.GetValue<string>(), Invariant), ReadParticles(file, text!),
                        entry["simulations"]!.GetValue<long>(), entry["seconds"]!.GetValue<double>());
                }
                catch (Exception e) when (e is FormatException or InvalidDataException) { problem = $"is unreadable ({e.Message})"; }
            if (problem is not null)
                return new AbcCheckpoint(generations, simulations, generations.Count == 0 ? double.PositiveInfinity : closest,
                    $"'{file}' {problem}; resuming after generation {g - 1}, and generation {g} onwards is made again");
            generations.Add(population);
            simulations += population.Simulations;
            closest = entry["closest_distance"] is { } c ? double.Parse(c.GetValue<string>(), Invariant) : closest;
            _closestAfter.Add(closest);
        }
        return new AbcCheckpoint(generations, json["total_simulations"]!.GetValue<long>(),
            double.Parse(json["closest_distance"]!.GetValue<string>(), Invariant));
    }

    /// <summary>SHA-256 of a generation file's text (16 hex digits).</summary>
    private static string Digest(string text) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16].ToLowerInvariant();

    /// <inheritdoc />
    public void Save(IReadOnlyList<Population> generations, long totalSimulations, double closestDistance)
    {
        _loaded = null;
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "generations"));
        var population = generations[^1];
        AtomicFile.WriteText(GenerationPath(population.Generation), ParticleTable(population));
        AtomicFile.WriteText(Path.Combine(Directory, LogName), GenerationLog(generations));
        // The smallest distance seen when each generation was finished: what a resume from it starts with.
        while (_closestAfter.Count < generations.Count - 1) _closestAfter.Add(closestDistance);
        if (_closestAfter.Count == generations.Count) _closestAfter[^1] = closestDistance; else _closestAfter.Add(closestDistance);
        var entries = new JsonArray();
        for (int i = 0; i < generations.Count; i++)
        {
            var g = generations[i];
            entries.Add(new JsonObject
            {
                ["generation"] = g.Generation, ["tolerance"] = g.Tolerance.ToString("R", Invariant),
                ["simulations"] = g.Simulations, ["seconds"] = g.Seconds, ["sha256"] = Digest(ParticleTable(g)),
                ["closest_distance"] = _closestAfter[i].ToString("R", Invariant),
            });
        }
        AtomicFile.WriteText(Path.Combine(Directory, CheckpointName), new JsonObject
        {
            ["fingerprint"] = fingerprint, ["total_simulations"] = totalSimulations,
            ["closest_distance"] = closestDistance.ToString("R", Invariant), ["generations"] = entries,
        }.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>The particles of a population as CSV (θ, weight, distance, summary, seed).</summary>
    public string ParticleTable(Population population)
    {
        var text = new StringBuilder();
        text.AppendLine(string.Join(",", parameterNames.Append("weight").Append("distance").Concat(summaryNames).Append("seed")));
        foreach (var p in population.Particles)
            text.AppendLine(string.Join(",", p.Theta.Select(R).Append(R(p.Weight)).Append(R(p.Distance))
                .Concat(p.Summary.Select(R)).Append(p.Seed.ToString(Invariant))));
        return text.ToString();
    }

    /// <summary>One line per generation: tolerance, acceptance, calls, ESS, time.</summary>
    public static string GenerationLog(IReadOnlyList<Population> generations)
    {
        var text = new StringBuilder("generation,tolerance,accepted,simulations,acceptance_rate,effective_sample_size,seconds,cumulative_simulations\n");
        long cumulative = 0;
        foreach (var g in generations)
        {
            cumulative += g.Simulations;
            text.AppendLine(string.Join(",", g.Generation.ToString(Invariant), R(g.Tolerance), g.Particles.Count.ToString(Invariant),
                g.Simulations.ToString(Invariant), R(g.AcceptanceRate), R(g.EffectiveSampleSize), g.Seconds.ToString("F3", Invariant),
                cumulative.ToString(Invariant)));
        }
        return text.ToString();
    }

    private readonly List<double> _closestAfter = [];

    private Particle[] ReadParticles(string path, string text)
    {
        int d = parameterNames.Count, s = summaryNames.Count;
        return text.Split('\n').Skip(1).Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).Select(line =>
        {
            var f = line.Split(',');
            if (f.Length != d + s + 3) throw new InvalidDataException($"'{path}': expected {d + s + 3} columns, found {f.Length}");
            double P(int i) => double.Parse(f[i], Invariant);
            return new Particle(Enumerable.Range(0, d).Select(P).ToArray(), P(d), P(d + 1),
                Enumerable.Range(d + 2, s).Select(P).ToArray(), ulong.Parse(f[d + 2 + s], Invariant));
        }).ToArray();
    }

    private static string R(double v) => v.ToString("R", Invariant);
}
