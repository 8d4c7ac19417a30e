using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spinodoid.Microstructure;
using Spinodoid.Runtime;

namespace Spinodoid.IO;

/// <summary>The JSON that records how a structure file was made (sidecars, TIFF descriptions, VTI comments).</summary>
public static class StructureMetadata
{
    /// <summary>Describes a structure: shape, encoding, and its provenance when known.</summary>
    public static JsonObject Describe(VoxelStructure structure, string dtype, int poreValue)
    {
        var json = new JsonObject(ProgramInfo.Header(structure.Provenance?.ProgramVersion))
        {
            ["shape"] = new JsonArray(structure.Shape.Nx, structure.Shape.Ny, structure.Shape.Nz),
            ["order"] = "x fastest (Fortran order of an (Nx, Ny, Nz) array)",
            ["dtype"] = dtype,
            ["pore_value"] = poreValue,
            ["solid_value"] = 0,
            ["porosity"] = Math.Round(structure.Porosity, 8),
        };
        if (structure.Provenance is { } p)
        {
            json["theta"] = new JsonObject
            {
                ["a_x"] = p.Parameters.LengthScales.X,
                ["a_y"] = p.Parameters.LengthScales.Y,
                ["a_z"] = p.Parameters.LengthScales.Z,
                ["porosity"] = p.Parameters.Porosity,
            };
            json["seed"] = p.Seed.ToString(CultureInfo.InvariantCulture);
        }
        return json;
    }

    /// <summary>Reads provenance back from <see cref="Describe"/>'s JSON, when present.</summary>
    public static StructureProvenance? ProvenanceFrom(JsonNode? json)
    {
        if (json?["theta"] is not JsonObject theta || json["seed"] is not JsonNode seedNode) return null;
        try
        {
            var parameters = new SpinodoidParameters(
                theta["a_x"]!.GetValue<double>(), theta["a_y"]!.GetValue<double>(),
                theta["a_z"]!.GetValue<double>(), theta["porosity"]!.GetValue<double>());
            ulong seed = ulong.Parse(seedNode.ToString(), CultureInfo.InvariantCulture);
            return new StructureProvenance(parameters, seed, json["version"]?.ToString() ?? "unknown");
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or NullReferenceException or OverflowException)
        {
            return null;
        }
    }

    /// <summary>Compact single-line JSON.</summary>
    public static string ToLine(JsonNode json) => json.ToJsonString(new JsonSerializerOptions { WriteIndented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
