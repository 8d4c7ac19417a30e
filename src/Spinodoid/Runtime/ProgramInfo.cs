using System.Text.Json.Nodes;

namespace Spinodoid.Runtime;

/// <summary>The program's name and version, and the provenance header every JSON output starts with.</summary>
public static class ProgramInfo
{
    /// <summary>The program name recorded in outputs.</summary>
    public const string Name = "spinodoid";

    /// <summary>The program version recorded in outputs (the assembly's informational version, without a commit suffix).</summary>
    public static string Version { get; } =
        typeof(ProgramInfo).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion
            .Split('+')[0] ?? "0.0.0";

    /// <summary>
    /// The first members of a JSON output, <c>"program"</c> and <c>"version"</c> (<paramref name="version"/> when the
    /// content was made by another version, e.g. a structure's generator): <c>new JsonObject(ProgramInfo.Header()) { … }</c>.
    /// </summary>
    public static IEnumerable<KeyValuePair<string, JsonNode?>> Header(string? version = null) =>
    [
        new("program", Name),
        new("version", version ?? Version),
    ];
}
