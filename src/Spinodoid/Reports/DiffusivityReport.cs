using System.Globalization;
using System.Text.Json.Nodes;
using Spinodoid.Microstructure;
using Spinodoid.Runtime;
using Spinodoid.Transport;

namespace Spinodoid.Reports;

/// <summary>The diffusivity of a structure as JSON: input, geometry, solver settings and η, τ, F per direction.</summary>
public static class DiffusivityReport
{
    /// <summary>
    /// The JSON of a solve of <paramref name="structure"/> (read from <paramref name="source"/>) with
    /// <paramref name="options"/>: one entry per direction in <paramref name="results"/>; θ and seed when it was generated.
    /// </summary>
    public static JsonObject Json(string source, VoxelStructure structure, DiffusivityOptions options, IReadOnlyList<DiffusivityResult> results)
    {
        var json = new JsonObject(ProgramInfo.Header())
        {
            ["input"] = source,
            ["shape"] = new JsonArray(structure.Shape.Nx, structure.Shape.Ny, structure.Shape.Nz),
            ["porosity"] = structure.Porosity,
            ["convention"] = options.Convention.ToString(),
            ["sides"] = options.Sides.ToString(),
            ["discretization"] = DiffusivitySolver.DiscretizationFor(structure, options).ToString().ToLowerInvariant(),
            ["tolerance"] = options.Tolerance,
            ["extrapolated_to_continuum"] = options.Extrapolate,
            ["results"] = new JsonArray(results.Select(r => (JsonNode)new JsonObject
            {
                ["axis"] = r.Axis.ToString().ToLowerInvariant(),
                ["diffusivity"] = r.Diffusivity,
                ["tortuosity_factor"] = r.Blocked ? null : r.TortuosityFactor,
                ["formation_factor"] = r.Blocked ? null : r.FormationFactor,
                ["percolating_porosity"] = r.PercolatingPorosity,
                ["iterations"] = r.Iterations,
                ["relative_change"] = r.RelativeChange,
                ["flux_imbalance"] = r.FluxImbalance,
                ["converged"] = r.Converged,
                ["seconds"] = r.Seconds,
                ["continuum"] = r.Continuum is { } c
                    ? new JsonObject { ["size"] = c.Size, ["diffusivity"] = c.Diffusivity, ["coarse_size"] = c.CoarseSize, ["coarse_diffusivity"] = c.CoarseDiffusivity }
                    : null,
            }).ToArray()),
        };
        if (structure.Provenance is { } p)
        {
            json["theta"] = new JsonArray(p.Parameters.ToVector().Select(v => (JsonNode)v).ToArray());
            json["seed"] = p.Seed.ToString(CultureInfo.InvariantCulture);
        }
        return json;
    }
}
