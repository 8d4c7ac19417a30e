using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Spinodoid.Runtime;

namespace Spinodoid.Design.Abc;

/// <summary>
/// A run folder: <c>generations/generation-NN.csv</c> (θ, weight, distance, summary, seed at full precision),
/// <c>generations.csv</c> (the per-generation log, rewritten after every generation) and <c>checkpoint.json</c>. A run with other settings
/// (compared through <paramref name="fingerprint"/>) is refused rather than mixed in.
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

    /// <inheritdoc />
    public AbcCheckpoint Load()
    {
        string path = Path.Combine(Directory, CheckpointName);
        if (!File.Exists(path)) return new AbcCheckpoint([], 0, double.PositiveInfinity);
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        if (json["fingerprint"]!.GetValue<string>() != fingerprint)
            throw new ArgumentException($"'{Directory}' holds a design run with other settings; choose another --out folder or delete it");
        var generations = new List<Population>();
        foreach (var entry in json["generations"]!.AsArray())
        {
            int g = entry!["generation"]!.GetValue<int>();
            generations.Add(new Population(g, double.Parse(entry["tolerance"]!.GetValue<string>(), Invariant), ReadParticles(GenerationPath(g)),
                entry["simulations"]!.GetValue<long>(), entry["seconds"]!.GetValue<double>()));
        }
        return new AbcCheckpoint(generations, json["total_simulations"]!.GetValue<long>(),
            double.Parse(json["closest_distance"]!.GetValue<string>(), Invariant));
    }

    /// <inheritdoc />
    public void Save(IReadOnlyList<Population> generations, long totalSimulations, double closestDistance)
    {
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "generations"));
        var population = generations[^1];
        AtomicFile.WriteText(GenerationPath(population.Generation), ParticleTable(population));
        AtomicFile.WriteText(Path.Combine(Directory, LogName), GenerationLog(generations));
        var entries = new JsonArray();
        foreach (var g in generations)
            entries.Add(new JsonObject
            {
                ["generation"] = g.Generation, ["tolerance"] = g.Tolerance.ToString("R", Invariant),
                ["simulations"] = g.Simulations, ["seconds"] = g.Seconds,
            });
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

    private Particle[] ReadParticles(string path)
    {
        int d = parameterNames.Count, s = summaryNames.Count;
        return File.ReadAllLines(path).Skip(1).Where(l => l.Length > 0).Select(line =>
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
