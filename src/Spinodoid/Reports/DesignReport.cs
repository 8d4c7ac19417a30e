using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spinodoid.Design;
using Spinodoid.Design.Abc;
using Spinodoid.Microstructure;
using Spinodoid.Runtime;

namespace Spinodoid.Reports;

/// <summary>
/// The outputs of an inverse-design run: posterior.csv, summary.json, posterior.png (marginal posteriors, the
/// paper's Figures 6–7), validation files when a validation ran, and one self-contained report.html.
/// </summary>
public static class DesignReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly string[] DirectionLabels = ["η_x", "η_y", "η_z"];

    /// <summary>Writes every output of a design (<see cref="Write"/>): the pipeline's outputs for the CLI.</summary>
    public static IDesignOutputs Files { get; } = new FileOutputs();

    private sealed class FileOutputs : IDesignOutputs
    {
        public void Write(DesignOutcome outcome) => DesignReport.Write(outcome);
    }

    /// <summary>The summary of a run as JSON (inputs, seed, version, status, posterior mean and 95 % intervals).</summary>
    public static JsonObject Summary(DesignOutcome outcome)
    {
        var (request, result, refinement) = (outcome.Request, outcome.Abc, outcome.Refinement);
        var validation = refinement?.Rounds[0].Validation;
        var posterior = result.Posterior;
        var json = new JsonObject(ProgramInfo.Header())
        {
            ["target"] = new JsonArray(request.Target.Components.Select(c => c is double v ? JsonValue.Create(v) : null).ToArray<JsonNode?>()),
            ["mode"] = request.Mode.ToString().ToLowerInvariant(), ["kernel"] = request.Kernel().Name,
            ["start"] = request.StartFromEmulator ? "emulator posterior (first generation: multivariate kernel at the final tolerance)" : "prior",
            ["tolerance_schedule"] = request.Schedule() is FixedToleranceSchedule f ? string.Join(",", f.Tolerances.Select(t => t.ToString("G4", Invariant))) : string.Create(Invariant, $"quantile {request.Quantile} → {request.FinalTolerance}"),
            ["final_tolerance"] = request.FinalTolerance, ["population_size"] = request.Population, ["seed"] = request.Seed,
            ["porosity_range"] = new JsonArray(request.PorosityMin, request.PorosityMax), ["simulator"] = outcome.Simulator,
            ["status"] = result.ReachedFinalTolerance ? "converged" : "stopped", ["stop_reason"] = result.StopReason,
            ["simulations"] = result.TotalSimulations, ["seconds_this_invocation"] = Math.Round(result.Elapsed.TotalSeconds, 2),
            ["seconds_all_generations"] = Math.Round(result.Generations.Sum(g => g.Seconds), 2),
            ["generations"] = result.Generations.Count, ["closest_distance"] = double.IsFinite(result.ClosestDistance) ? result.ClosestDistance : null,
        };
        if (posterior is not null)
        {
            var mean = posterior.Mean();
            // Generation 0 (prior draws) has tolerance ∞, which JSON cannot hold: null.
            json["posterior_tolerance"] = double.IsFinite(posterior.Tolerance) ? posterior.Tolerance : null;
            json["effective_sample_size"] = Math.Round(posterior.EffectiveSampleSize, 1);
            json["simulations_per_effective_sample"] = Math.Round(result.TotalSimulations / posterior.EffectiveSampleSize, 2);
            json["posterior_mean"] = Named(mean);
            json["credible_interval_95"] = new JsonObject(Enumerable.Range(0, 4).Select(i => new KeyValuePair<string, JsonNode?>(
                Names[i], new JsonArray(posterior.Quantile(i, 0.025), posterior.Quantile(i, 0.975)))));
            json["posterior_predicted_eta_mean"] = new JsonArray(Enumerable.Range(0, 3)
                .Select(d => (JsonNode?)JsonValue.Create(posterior.Particles.Sum(p => p.Weight * p.Summary[d]))).ToArray());
            json["posterior_mean_theta"] = string.Join(",", mean.Select(v => v.ToString("G5", Invariant)));
        }
        if (validation is not null) json["validation"] = ValidationJson(validation, request.Target);
        if (outcome.Reachable is { } reachable) json["reachability"] = ReachabilityJson(reachable, request.Target, EmulatorPosterior.UnreachableLimit(request.FinalTolerance));
        if (outcome.EmulatorSpreadAtDesign is { } spread)
            json["emulator_member_spread_at_design"] = new JsonObject
            {
                ["meaning"] = "standard deviation of logit η̄ between the emulator's members at the design θ (about the relative uncertainty of the emulated mean; the seed scatter not included)",
                ["logit_sd"] = new JsonArray(spread.Select(v => (JsonNode?)Math.Round(v, 6)).ToArray()),
            };
        if (refinement is { Rounds.Count: > 1 } || refinement?.Jacobian is not null || refinement?.Projection is not null) json["refinement"] = RefinementJson(refinement);
        return json;
    }

    /// <summary>Whether the target is among the emulated η of the prior's draws, and the nearest of them.</summary>
    public static JsonObject ReachabilityJson(ReachableSet reachable, DiffusivityTarget target, double limit = EmulatorPosterior.UnreachableDistance)
    {
        var (theta, eta, distance) = reachable.Nearest(target);
        return new JsonObject
        {
            ["source"] = "emulator", ["prior_draws"] = reachable.Theta.Count,
            ["reachable"] = distance <= limit, ["limit"] = limit,
            ["nearest_distance"] = distance, ["nearest_eta"] = new JsonArray(eta.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()),
            ["nearest_theta"] = Named(theta),
        };
    }

    /// <summary>
    /// The design θ of a finished run folder, from its summary.json: the refined design where refinement ran,
    /// else the posterior mean; with the grid size it was validated at (null when no validation ran).
    /// </summary>
    public static (SpinodoidParameters Theta, int? Size, string Source) ReadDesign(string directory)
    {
        string path = Path.Combine(directory, "summary.json");
        if (!File.Exists(path)) throw new ArgumentException($"no design in '{directory}': it has no summary.json (is it a finished `spinodoid design` run folder?)");
        var json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                   ?? throw new ArgumentException($"{path} is not a JSON object");
        int? size = json["validation"]?["size"]?.GetValue<int>();
        if (json["refinement"]?["design_theta"]?.GetValue<string>() is { } refined)
            return (SpinodoidParameters.Parse(refined), size, "refined design θ");
        if (json["posterior_mean_theta"]?.GetValue<string>() is { } mean)
            return (SpinodoidParameters.Parse(mean), size, "posterior mean θ");
        throw new ArgumentException($"{path} holds no design θ (the run stopped before it had a posterior)");
    }

    /// <summary>The solver-calibrated refinement as JSON: every round's θ and validation, the Jacobian, and the design θ (the best round).</summary>
    public static JsonObject RefinementJson(RefinementResult refinement)
    {
        var best = refinement.Best;
        var json = new JsonObject
        {
            ["method"] = "Δθ = Σ Jᵀ (J Σ Jᵀ)⁻¹ (η* − mean solver η); Σ the posterior covariance, J the surrogate Jacobian at the posterior mean",
            ["jacobian_of"] = refinement.JacobianSource,
            ["projection"] = refinement.Projection is { } projection ? new JsonObject
            {
                ["method"] = "Gauss–Newton with Kalman steps on the emulator's η̄, from the posterior mean; round 0 validates where it ends",
                ["steps"] = projection.Steps,
                ["mean_length_scale"] = projection.MeanLengthScaleFreed ? "moved (the shape alone could not meet the target)" : "held",
                ["posterior_mean_theta"] = string.Join(",", projection.PosteriorMean.Select(v => v.ToString("G6", Invariant))),
                ["emulator_eta_at_posterior_mean"] = new JsonArray(projection.PosteriorMeanEta.Select(v => (JsonNode?)v).ToArray()),
                ["theta"] = string.Join(",", projection.Theta.Select(v => v.ToString("G6", Invariant))),
                ["emulator_eta"] = new JsonArray(projection.Eta.Select(v => (JsonNode?)v).ToArray()),
            } : null,
            ["stop_reason"] = refinement.StopReason,
            ["seconds"] = Math.Round(refinement.Seconds, 2),
            ["design_round"] = best.Round,
            ["design_theta"] = string.Join(",", best.Theta.ToVector().Select(v => v.ToString("G6", Invariant))),
            ["design_solver_relative_error"] = new JsonArray(best.Validation.RelativeError(refinement.Target).Select(v => v is double e ? (JsonNode?)e : null).ToArray()),
            ["anisotropy_max"] = refinement.AnisotropyMax ?? SpinodoidPrior.Paper.BetaMax,
            ["design_anisotropy"] = best.Theta.LengthScales.Anisotropy,
            ["design_beyond_paper_prior"] = refinement.BeyondPaperPriorNote,
            ["rounds"] = new JsonArray(refinement.Rounds.Select(r =>
            {
                var round = ValidationJson(r.Validation, refinement.Target);
                round["round"] = r.Round;
                if (r.Step is not null)
                {
                    round["step"] = new JsonArray(r.Step.Select(v => (JsonNode?)v).ToArray());
                    round["step_scale"] = r.StepScale;
                    round["active_bounds"] = r.ActiveBounds;
                }
                return (JsonNode?)round;
            }).ToArray()),
        };
        if (refinement.Jacobian is { } j)
            json["jacobian"] = new JsonArray(Enumerable.Range(0, j.GetLength(0))
                .Select(d => (JsonNode?)new JsonArray(Enumerable.Range(0, j.GetLength(1)).Select(k => (JsonNode?)j[d, k]).ToArray())).ToArray());
        return json;
    }

    private static readonly IReadOnlyList<string> Names = SpinodoidParameters.Names;

    private static JsonObject Named(double[] theta) =>
        new(Enumerable.Range(0, 4).Select(i => new KeyValuePair<string, JsonNode?>(Names[i], theta[i])));

    /// <summary>Validation results as JSON: means and standard deviations of solver (and CNN) η.</summary>
    public static JsonObject ValidationJson(ValidationSummary validation, DiffusivityTarget? target = null)
    {
        var json = new JsonObject
        {
            ["theta"] = string.Join(",", validation.Theta.ToVector().Select(v => v.ToString("G6", Invariant))),
            ["size"] = validation.Size, ["count"] = validation.Samples.Count,
            ["seeds"] = new JsonArray(validation.Samples.Select(s => (JsonNode?)s.Seed).ToArray()),
            ["discretization"] = validation.Discretization.ToString().ToLowerInvariant(),
            ["solver_tolerance"] = validation.SolverTolerance,
            ["extrapolated_to_continuum"] = validation.ExtrapolatedToContinuum,
            ["solver_mean"] = new JsonArray(validation.SolverMean.Select(v => (JsonNode?)v).ToArray()),
            ["solver_std"] = new JsonArray(validation.SolverStd.Select(v => (JsonNode?)v).ToArray()),
        };
        if (validation.SurrogateMean is { } m)
        {
            json["cnn_mean"] = new JsonArray(m.Select(v => (JsonNode?)v).ToArray());
            json["cnn_std"] = new JsonArray(validation.SurrogateStd!.Select(v => (JsonNode?)v).ToArray());
        }
        if (target is not null)
            json["solver_relative_error"] = new JsonArray(validation.RelativeError(target).Select(v => v is double e ? (JsonNode?)e : null).ToArray());
        return json;
    }

    /// <summary>Writes posterior.csv, summary.json, posterior.png and report.html into the run folder (which already holds generations.csv).</summary>
    public static void Write(DesignOutcome outcome)
    {
        var (directory, request, result, refinement) = (outcome.Directory, outcome.Request, outcome.Abc, outcome.Refinement);
        var validation = refinement?.Rounds[0].Validation;
        Directory.CreateDirectory(directory);
        if (result.Posterior is { } posterior)
        {
            AtomicFile.WriteText(Path.Combine(directory, "posterior.csv"), outcome.Store.ParticleTable(posterior));
            WritePosteriorFigure(posterior, Path.Combine(directory, "posterior.png"), refinement is { MovedFromPosteriorMean: true } r ? r.Best.Theta.ToVector() : null);
        }
        var summary = Summary(outcome);
        AtomicFile.WriteText(Path.Combine(directory, "summary.json"), summary.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        if (validation is not null) WriteValidation(validation, Path.Combine(directory, "validation"), request.Target);
        foreach (var round in refinement?.Rounds.Skip(1) ?? [])
            WriteValidation(round.Validation, Path.Combine(directory, string.Create(Invariant, $"refinement-{round.Round}")), request.Target);
        if (result.Posterior is { } last)
            WritePairsFigure(last, Path.Combine(directory, "posterior-pairs.png"), refinement is { MovedFromPosteriorMean: true } r ? r.Best.Theta.ToVector() : null);
        WriteConvergenceFigure(result.Generations, Path.Combine(directory, "convergence.png"));
        if (outcome.Reachable is { } reachable)
            ReachableFigures.WritePng(reachable, Path.Combine(directory, "reachable.png"),
                [.. ReachableFigures.PaperTargets, .. TargetMark(request.Target)]);
        var design = DesignStructure(outcome);
        string? view = null;
        if (design is { } d)
        {
            var structure = SpinodoidGenerator.Generate(d.Theta, d.Seed, d.Size);
            SlicePreview.WritePng(structure, Path.Combine(directory, "structure.png"));
            int resolution = Math.Min(d.Size, ViewResolution);
            view = StructureView.Html(Geometry.StructureSurface.Spinodoid(d.Theta, d.Seed, resolution, Geometry.Tiling.None), (1, 1, 1));
        }
        AtomicFile.WriteText(Path.Combine(directory, "report.html"), Html(directory, request, result, summary, refinement, design, view, outcome.Reachable));
    }

    /// <summary>The target as a mark on the reachable-set panels (none when a direction is free: it has no point there).</summary>
    private static IEnumerable<(string Label, double[] Eta)> TargetMark(DiffusivityTarget target) =>
        target.Components.All(c => c is not null) ? [("target " + target, target.Components.Select(c => c!.Value).ToArray())] : [];

    /// <summary>Surface samples per side of the report's 3D view: enough to read the structure, a few MB of page.</summary>
    public const int ViewResolution = 64;

    /// <summary>The structure a design stands for: its θ (refined, else the posterior mean), a validation seed, the validation N.</summary>
    private static (SpinodoidParameters Theta, ulong Seed, int Size, string Source)? DesignStructure(DesignOutcome outcome)
    {
        var validation = outcome.Refinement?.Rounds[0].Validation;
        int size = validation?.Size ?? 128;
        ulong seed = validation is { Samples.Count: > 0 } v ? v.Samples[0].Seed : outcome.Request.Seed;
        if (outcome.Refinement is { } refinement) return (refinement.Best.Theta, seed, size, refinement.MovedFromPosteriorMean ? "refined design" : "posterior mean");
        if (outcome.Abc.Posterior is { } posterior) return (SpinodoidParameters.FromVector(posterior.Mean()), seed, size, "posterior mean");
        return null;
    }

    /// <summary>
    /// Pairwise posterior (a corner plot): marginal densities on the diagonal, particles of every pair of parameters
    /// below it (point size by weight); the mean red, a refined design green.
    /// </summary>
    public static void WritePairsFigure(Population posterior, string path, double[]? design = null)
    {
        var mean = posterior.Mean();
        double maxWeight = posterior.Particles.Max(p => p.Weight);
        var cells = new ScottPlot.Plot?[16];
        for (int row = 0; row < 4; row++)
            for (int column = 0; column <= row; column++)
            {
                var plot = new ScottPlot.Plot();
                if (row == column)
                {
                    var values = posterior.Particles.Select(p => p.Theta[row]).ToArray();
                    double lo = values.Min(), hi = values.Max();
                    if (!(hi > lo)) { lo -= 1e-3; hi += 1e-3; }
                    const int bins = 20;
                    double width = (hi - lo) / bins;
                    var density = new double[bins];
                    foreach (var p in posterior.Particles) density[Math.Min(bins - 1, (int)((p.Theta[row] - lo) / width))] += p.Weight / width;
                    var bars = plot.Add.Bars(Enumerable.Range(0, bins).Select(b => lo + (b + 0.5) * width).ToArray(), density);
                    foreach (var bar in bars.Bars) bar.Size = width;
                    plot.Add.VerticalLine(mean[row]).LineColor = ScottPlot.Colors.Red;
                    if (design is not null)
                    {
                        var marker = plot.Add.VerticalLine(design[row]);
                        marker.LineColor = ScottPlot.Colors.Green;
                        marker.LinePattern = ScottPlot.LinePattern.Dashed;
                    }
                }
                else
                {
                    var xs = posterior.Particles.Select(p => p.Theta[column]).ToArray();
                    var ys = posterior.Particles.Select(p => p.Theta[row]).ToArray();
                    var points = plot.Add.ScatterPoints(xs, ys);
                    points.MarkerSize = 4;
                    points.Color = ScottPlot.Colors.SteelBlue.WithAlpha(0.5);
                    var centre = plot.Add.Marker(mean[column], mean[row]);
                    centre.Color = ScottPlot.Colors.Red;
                    centre.Size = 10;
                    if (design is not null)
                    {
                        var marker = plot.Add.Marker(design[column], design[row]);
                        marker.Color = ScottPlot.Colors.Green;
                        marker.Shape = ScottPlot.MarkerShape.OpenDiamond;
                        marker.Size = 12;
                    }
                    plot.YLabel(SpinodoidParameters.Symbols[row]);
                }
                plot.XLabel(SpinodoidParameters.Symbols[column]);
                cells[4 * row + column] = plot;
            }
        PlotImages.WriteGrid(path, 300, 260, 4, cells);
    }

    /// <summary>Convergence at a glance: the tolerance τ and the accepted fraction of simulations per generation.</summary>
    public static void WriteConvergenceFigure(IReadOnlyList<Population> generations, string path)
    {
        var tolerance = new ScottPlot.Plot();
        var finite = generations.Where(g => double.IsFinite(g.Tolerance)).ToArray();
        if (finite.Length > 0)
        {
            var line = tolerance.Add.Scatter(finite.Select(g => (double)g.Generation).ToArray(), finite.Select(g => 100 * g.Tolerance).ToArray());
            line.MarkerSize = 7;
        }
        tolerance.Title("tolerance τ per generation");
        tolerance.XLabel("generation");
        tolerance.YLabel("τ (mean |relative error|, %)");
        var acceptance = new ScottPlot.Plot();
        if (generations.Count > 0)
        {
            var line = acceptance.Add.Scatter(generations.Select(g => (double)g.Generation).ToArray(), generations.Select(g => 100 * g.AcceptanceRate).ToArray());
            line.MarkerSize = 7;
            line.Color = ScottPlot.Colors.DarkOrange;
        }
        acceptance.Title("accepted fraction of simulations");
        acceptance.XLabel("generation");
        acceptance.YLabel("accepted (%)");
        PlotImages.WriteRow(path, 460, 340, tolerance, acceptance);
    }

    /// <summary>
    /// The run's settings and headline results as an HTML table (every string escaped): the scalar and list entries of
    /// summary.json; nested results have their own sections.
    /// </summary>
    internal static string SettingsTable(JsonObject summary)
    {
        var html = new StringBuilder("<table class=\"settings\">");
        foreach (var (key, value) in summary)
        {
            string? text = value switch
            {
                null => "—",
                JsonValue v => v.ToString(),
                JsonArray a when a.All(e => e is null or JsonValue) => string.Join(", ", a.Select(e => e?.ToString() ?? "free")),
                _ => null,
            };
            if (text is null) continue;
            html.Append("<tr><th style=\"text-align:left\">").Append(WebUtility.HtmlEncode(key)).Append("</th><td style=\"text-align:left\">")
                .Append(WebUtility.HtmlEncode(text)).Append("</td></tr>");
        }
        return html.Append("</table>").ToString();
    }

    /// <summary>
    /// Marginal posteriors of a_x, a_y, a_z and ε (weighted histograms, mean marked red): the paper's Figures 6–7.
    /// A refined <paramref name="design"/> θ, when given, is marked green (dashed).
    /// </summary>
    public static void WritePosteriorFigure(Population posterior, string path, double[]? design = null)
    {
        var plots = new ScottPlot.Plot[4];
        var mean = posterior.Mean();
        for (int i = 0; i < 4; i++)
        {
            var plot = new ScottPlot.Plot();
            var values = posterior.Particles.Select(p => p.Theta[i]).ToArray();
            double lo = values.Min(), hi = values.Max();
            if (!(hi > lo)) { lo -= 1e-3; hi += 1e-3; }
            const int bins = 24;
            double width = (hi - lo) / bins;
            var density = new double[bins];
            foreach (var p in posterior.Particles)
                density[Math.Min(bins - 1, (int)((p.Theta[i] - lo) / width))] += p.Weight / width;
            var bars = plot.Add.Bars(Enumerable.Range(0, bins).Select(b => lo + (b + 0.5) * width).ToArray(), density);
            foreach (var bar in bars.Bars) bar.Size = width;
            var line = plot.Add.VerticalLine(mean[i]);
            line.LineColor = ScottPlot.Colors.Red;
            string title = string.Create(Invariant, $"{SpinodoidParameters.Symbols[i]}: mean {mean[i]:0.0000}");
            if (design is not null)
            {
                var marker = plot.Add.VerticalLine(design[i]);
                marker.LineColor = ScottPlot.Colors.Green;
                marker.LinePattern = ScottPlot.LinePattern.Dashed;
                title += string.Create(Invariant, $", design {design[i]:0.0000}");
            }
            plot.Title(title);
            plot.XLabel(SpinodoidParameters.Symbols[i]);
            plot.YLabel("posterior density");
            plots[i] = plot;
        }
        PlotImages.WriteRow(path, 380, 340, plots);
    }

    /// <summary>
    /// validation.csv, validation.json (with the program version and every seed, so the run can be repeated) and
    /// validation.png (CNN against solver η per structure and direction: Figures 8–9).
    /// </summary>
    public static void WriteValidation(ValidationSummary validation, string pathWithoutExtension, DiffusivityTarget? target = null)
    {
        var text = new StringBuilder("seed,solver_eta_x,solver_eta_y,solver_eta_z,cnn_eta_x,cnn_eta_y,cnn_eta_z\n");
        foreach (var s in validation.Samples)
            text.AppendLine(string.Join(",", new[] { s.Seed.ToString(Invariant) }.Concat(s.Solver.Select(v => v.ToString("R", Invariant)))
                .Concat(s.Surrogate?.Select(v => v.ToString("R", Invariant)) ?? ["", "", ""])));
        AtomicFile.WriteText(pathWithoutExtension + ".csv", text.ToString());
        var json = ValidationJson(validation, target);
        int position = 0;
        foreach (var (key, value) in ProgramInfo.Header()) json.Insert(position++, key, value);
        AtomicFile.WriteText(pathWithoutExtension + ".json", json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        var plots = new ScottPlot.Plot[3];
        for (int d = 0; d < 3; d++)
        {
            var plot = new ScottPlot.Plot();
            var solver = validation.Samples.Select(s => s.Solver[d]).ToArray();
            double lo = solver.Min(), hi = solver.Max();
            if (validation.SurrogateMean is not null)
            {
                var cnn = validation.Samples.Select(s => s.Surrogate![d]).ToArray();
                lo = Math.Min(lo, cnn.Min()); hi = Math.Max(hi, cnn.Max());
                var points = plot.Add.ScatterPoints(solver, cnn);
                points.MarkerSize = 5;
                plot.YLabel(string.Create(Invariant, $"{DirectionLabels[d]} (CNN)"));
            }
            else
            {
                var points = plot.Add.ScatterPoints(solver, validation.Samples.Select(s => (double)s.Seed).ToArray());
                points.MarkerSize = 5;
                plot.YLabel("seed");
            }
            double pad = 0.05 * Math.Max(hi - lo, 0.01);
            var diagonal = plot.Add.Line(lo - pad, lo - pad, hi + pad, hi + pad);
            diagonal.LineColor = ScottPlot.Colors.Gray;
            if (target?.Components[d] is double t)
            {
                var line = plot.Add.VerticalLine(t);
                line.LineColor = ScottPlot.Colors.Red;
            }
            plot.XLabel(string.Create(Invariant, $"{DirectionLabels[d]} (solver, N = {validation.Size})"));
            plot.Title(string.Create(Invariant, $"{DirectionLabels[d]}: solver {validation.SolverMean[d]:0.000} ± {validation.SolverStd[d]:0.000}") +
                       (validation.SurrogateMean is { } m ? string.Create(Invariant, $", CNN {m[d]:0.000}") : ""));
            plots[d] = plot;
        }
        PlotImages.WriteRow(pathWithoutExtension + ".png", 420, 400, plots);
    }

    /// <summary>The folder of row <paramref name="row"/> of a batch design.</summary>
    public static string BatchRowFolder(string batchDirectory, int row) => Path.Combine(batchDirectory, string.Create(Invariant, $"row-{row:000}"));

    /// <summary>
    /// Whether <paramref name="directory"/> holds a finished design of exactly <paramref name="target"/>: its report
    /// written (the last output), and not stopped by a simulation or wall-time budget (such a run resumes, as a single
    /// design does).
    /// </summary>
    public static bool IsFinishedDesign(string directory, DiffusivityTarget target)
    {
        string path = Path.Combine(directory, "summary.json"), report = Path.Combine(directory, "report.html");
        if (!File.Exists(path) || !File.Exists(report) || File.GetLastWriteTimeUtc(report) < File.GetLastWriteTimeUtc(path)) return false;
        var summary = JsonNode.Parse(File.ReadAllText(path)) as JsonObject;
        // The budget stops (MaxSimulations, MaxWallTime) resume; convergence ("reached the final tolerance") and stalls do not.
        if (summary?["stop_reason"]?.GetValue<string>() is { } reason &&
            (reason.StartsWith("reached the limit of", StringComparison.Ordinal) || reason.StartsWith("reached the wall-time limit", StringComparison.Ordinal))) return false;
        var stored = summary?["target"] as JsonArray;
        if (stored is null || stored.Count != 3) return false;
        var values = stored.Select(v => v is null ? (double?)null : v.GetValue<double>()).ToArray();
        return new DiffusivityTarget(values[0], values[1], values[2]).RoundTrip() == target.RoundTrip();
    }

    /// <summary>
    /// The results of a batch design as one table (designs.csv): per target row its status, simulator calls, the
    /// design θ (refined, else the posterior mean), the η predicted for the posterior and the solver-validated η of
    /// the design with its error against the target. Rows not finished yet are listed as pending. Built from each
    /// row's summary.json, so a resumed batch writes the same table as an uninterrupted one.
    /// </summary>
    public static string BatchTable(string batchDirectory, IReadOnlyList<DiffusivityTarget> targets)
    {
        var text = new StringBuilder("row,target_x,target_y,target_z,status,simulations,a_x,a_y,a_z,porosity," +
                                     "predicted_eta_x,predicted_eta_y,predicted_eta_z,validated_eta_x,validated_eta_y,validated_eta_z," +
                                     "error_x,error_y,error_z,folder\n");
        static string F(double? v) => v is double d ? d.ToString("R", Invariant) : "";
        for (int row = 0; row < targets.Count; row++)
        {
            var target = targets[row];
            string folder = BatchRowFolder(batchDirectory, row);
            text.Append(Invariant, $"{row},").Append(string.Join(",", target.Components.Select(c => c is double v ? v.ToString("R", Invariant) : "-"))).Append(',');
            if (!IsFinishedDesign(folder, target))
            {
                text.Append("pending,,,,,,,,,,,,,,,").Append(Path.GetFileName(folder)).Append('\n');
                continue;
            }
            var json = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")))!;
            string status = json["status"]?.GetValue<string>() ?? "";
            double?[] theta = [null, null, null, null];
            if ((json["refinement"]?["design_theta"]?.GetValue<string>() ?? json["posterior_mean_theta"]?.GetValue<string>()) is { } t)
                theta = SpinodoidParameters.Parse(t).ToVector().Select(v => (double?)v).ToArray();
            double?[] Triple(JsonNode? node) => node is JsonArray a && a.Count == 3 ? a.Select(v => v?.GetValue<double>()).ToArray() : [null, null, null];
            var predicted = Triple(json["posterior_predicted_eta_mean"]);
            // The design's validation: the best refinement round, else the posterior mean's validation.
            JsonNode? validation = json["validation"];
            if (json["refinement"] is JsonObject refinement && refinement["rounds"] is JsonArray rounds &&
                refinement["design_round"]?.GetValue<int>() is int best)
                validation = rounds.FirstOrDefault(r => r?["round"]?.GetValue<int>() == best) ?? validation;
            var validated = Triple(validation?["solver_mean"]);
            var error = Triple(validation?["solver_relative_error"]);
            text.Append(status).Append(',').Append(json["simulations"]?.GetValue<long>().ToString(Invariant) ?? "").Append(',')
                .Append(string.Join(",", theta.Concat(predicted).Concat(validated).Concat(error).Select(F))).Append(',')
                .Append(Path.GetFileName(folder)).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>Reads back a validation written by <see cref="WriteValidation"/> (PREFIX.json and PREFIX.csv).</summary>
    public static ValidationSummary ReadValidation(string pathWithoutExtension)
    {
        string jsonPath = pathWithoutExtension + ".json", csvPath = pathWithoutExtension + ".csv";
        if (!File.Exists(jsonPath) || !File.Exists(csvPath))
            throw new ArgumentException($"no validation at '{pathWithoutExtension}': it needs {Path.GetFileName(jsonPath)} and {Path.GetFileName(csvPath)}");
        var json = JsonNode.Parse(File.ReadAllText(jsonPath)) as JsonObject ?? throw new InvalidDataException($"{jsonPath} is not a JSON object");
        var theta = SpinodoidParameters.Parse(json["theta"]?.GetValue<string>() ?? throw new InvalidDataException($"{jsonPath} has no theta"));
        int size = json["size"]?.GetValue<int>() ?? throw new InvalidDataException($"{jsonPath} has no size");
        var discretization = Enum.Parse<Transport.Discretization>(json["discretization"]?.GetValue<string>() ?? "voxel", ignoreCase: true);
        var lines = File.ReadAllLines(csvPath);
        if (lines.Length < 2 || !lines[0].StartsWith("seed,solver_eta_x", StringComparison.Ordinal))
            throw new InvalidDataException($"{csvPath} is not a validation table (header seed,solver_eta_x,… and at least one row)");
        var samples = new List<ValidationSample>();
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var cells = line.Split(',');
            if (cells.Length != 7) throw new InvalidDataException($"{csvPath}: row '{line}' has {cells.Length} cells, not 7");
            double Cell(int i) => double.Parse(cells[i], Invariant);
            samples.Add(new ValidationSample(ulong.Parse(cells[0], Invariant), [Cell(1), Cell(2), Cell(3)],
                cells[4].Length == 0 ? null : [Cell(4), Cell(5), Cell(6)]));
        }
        return new ValidationSummary(theta, size, samples) { Discretization = discretization, SolverTolerance = json["solver_tolerance"]?.GetValue<double>(),
            ExtrapolatedToContinuum = json["extrapolated_to_continuum"]?.GetValue<bool>() ?? false };
    }

    private static string PorosityNote(DesignRequest request) =>
        request.PorosityMin is null && request.PorosityMax is null ? "" : string.Create(Invariant, $" with porosity {request.PorosityMin ?? SpinodoidPrior.Paper.PorosityMin:0.###}–{request.PorosityMax ?? SpinodoidPrior.Paper.PorosityMax:0.###}");

    private static string StepNote(RefinementRound round) => round.Step is null ? "" : string.Join(", ", new[]
    {
        round.StepScale < 1 ? string.Create(Invariant, $"{round.StepScale:0.###} of the correction (prior's support)") : "full correction",
        round.ActiveBounds > 0 ? string.Create(Invariant, $"{round.ActiveBounds} support bound{(round.ActiveBounds > 1 ? "s" : "")} held") : "",
    }.Where(t => t.Length > 0));

    private static string Html(string directory, DesignRequest request, AbcResult result, JsonObject summary, RefinementResult? refinement,
        (SpinodoidParameters Theta, ulong Seed, int Size, string Source)? design, string? view, ReachableSet? reachable)
    {
        var validation = refinement?.Rounds[0].Validation;
        static string Img(string path) => File.Exists(path) ? $"<img alt=\"{WebUtility.HtmlEncode(Path.GetFileName(path))}\" src=\"data:image/png;base64,{Convert.ToBase64String(File.ReadAllBytes(path))}\">" : "";
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>spinodoid design ").Append(WebUtility.HtmlEncode(request.Target.ToString()))
            .Append("</title><style>body{font-family:sans-serif;max-width:1600px;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}img{max-width:100%}</style></head><body>");
        html.Append("<h1>Inverse design: target η = (").Append(WebUtility.HtmlEncode(request.Target.ToString())).Append(")</h1>");
        html.Append("<p>").Append(WebUtility.HtmlEncode(result.ReachedFinalTolerance ? "Converged: " : "Stopped early: ")).Append(WebUtility.HtmlEncode(result.StopReason))
            .Append(Invariant, $". {result.TotalSimulations} simulator calls, {result.Generations.Count} generations.</p>");
        if (reachable is not null)
        {
            var (nearTheta, nearEta, distance) = reachable.Nearest(request.Target);
            double limit = EmulatorPosterior.UnreachableLimit(request.FinalTolerance);
            bool inside = distance <= limit;
            html.Append("<h2>Can this target be reached?</h2><p>").Append(WebUtility.HtmlEncode(string.Create(Invariant,
                $"{(inside ? "Yes" : "No")}: of {reachable.Theta.Count:N0} structures' parameters drawn from the prior{PorosityNote(request)}, the emulator's mean η nearest to the target is " +
                $"({string.Join(", ", nearEta.Select(v => v.ToString("0.000", Invariant)))}), {100 * distance:0.##} % from it (reachable means within {100 * limit:0.#} %, the rule `--method emulator` refuses by), " +
                $"at θ = ({string.Join(", ", nearTheta.Select(v => v.ToString("0.0000", Invariant)))}). " +
                $"The pictures show every η the prior's structures can have: the anisotropy by porosity, then the η_x–η_y plane in four porosity bands; " +
                $"the target (when all three directions are given) and the paper's two targets are the crosses. `spinodoid reachable` draws more.")))
                .Append("</p>").Append(Img(Path.Combine(directory, "reachable.png")));
        }
        if (result.Posterior is { } posterior)
        {
            var mean = posterior.Mean();
            html.Append("<h2>Posterior</h2><table><tr><th>parameter</th><th>mean</th><th>2.5 %</th><th>97.5 %</th></tr>");
            for (int i = 0; i < 4; i++)
                html.Append(Invariant, $"<tr><td>{SpinodoidParameters.Symbols[i]}</td><td>{mean[i]:0.00000}</td><td>{posterior.Quantile(i, 0.025):0.00000}</td><td>{posterior.Quantile(i, 0.975):0.00000}</td></tr>");
            html.Append("</table>").Append(Img(Path.Combine(directory, "posterior.png")));
            html.Append("<h3>Pairs of parameters</h3>").Append(Img(Path.Combine(directory, "posterior-pairs.png")));
        }
        if (design is { } d)
        {
            html.Append("<h2>The designed structure</h2><p>").Append(WebUtility.HtmlEncode(string.Create(Invariant,
                $"The {d.Source} θ = {d.Theta}, seed {d.Seed}, N = {d.Size}: its three orthogonal mid-slices, and the solid's surface (drag to rotate, scroll to zoom; sampled at {Math.Min(d.Size, ViewResolution)} points per side). " +
                $"For a printer, this very structure: spinodoid export --design <this folder> --seed {d.Seed} --size {d.Size} --voxel-size 10um --out design.stl"))).Append("</p>");
            html.Append(Img(Path.Combine(directory, "structure.png")));
            if (view is not null) html.Append("<div>").Append(view).Append("</div>");
        }
        html.Append("<h2>Generations</h2>").Append(Img(Path.Combine(directory, "convergence.png"))).Append("<table><tr><th>generation</th><th>tolerance</th><th>simulations</th><th>acceptance</th><th>ESS</th><th>seconds</th></tr>");
        foreach (var g in result.Generations)
            html.Append(Invariant, $"<tr><td>{g.Generation}</td><td>{(double.IsInfinity(g.Tolerance) ? "∞" : (100 * g.Tolerance).ToString("0.###", Invariant) + " %")}</td><td>{g.Simulations}</td><td>{g.AcceptanceRate:P2}</td><td>{g.EffectiveSampleSize:0}</td><td>{g.Seconds:0.0}</td></tr>");
        html.Append("</table>");
        if (validation is not null)
        {
            html.Append(Invariant, $"<h2>Validation with the solver ({validation.Samples.Count} structures, N = {validation.Size})</h2><table><tr><th></th><th>η_x</th><th>η_y</th><th>η_z</th></tr>");
            html.Append("<tr><td>target</td>").Append(string.Concat(request.Target.Components.Select(c => string.Create(Invariant, $"<td>{(c is double v ? v.ToString("0.000", Invariant) : "free")}</td>")))).Append("</tr>");
            html.Append("<tr><td>solver mean ± sd</td>").Append(string.Concat(Enumerable.Range(0, 3).Select(d => string.Create(Invariant, $"<td>{validation.SolverMean[d]:0.000} ± {validation.SolverStd[d]:0.000}</td>")))).Append("</tr>");
            if (validation.SurrogateMean is { } m)
                html.Append("<tr><td>CNN mean</td>").Append(string.Concat(m.Select(v => string.Create(Invariant, $"<td>{v:0.000}</td>")))).Append("</tr>");
            html.Append("</table>").Append(Img(Path.Combine(directory, "validation.png")));
        }
        if (refinement is { Rounds.Count: > 1 })
        {
            html.Append("<h2>Refinement against the solver</h2><p>").Append(WebUtility.HtmlEncode(
                "The CNN's small systematic error is removed by moving θ along Δθ = Σ Jᵀ (J Σ Jᵀ)⁻¹ (η* − mean solver η) and validating again. " +
                refinement.StopReason + ".")).Append("</p>");
            html.Append("<table><tr><th>round</th><th>θ = a_x, a_y, a_z, ε</th><th>solver η_x</th><th>η_y</th><th>η_z</th><th>error η_x</th><th>η_y</th><th>η_z</th><th>step</th></tr>");
            var best = refinement.Best;
            foreach (var round in refinement.Rounds)
            {
                string style = round == best ? " style=\"font-weight:bold\"" : "";
                html.Append(Invariant, $"<tr{style}><td>{round.Round}{(round == best ? " (design)" : "")}</td><td>{WebUtility.HtmlEncode(round.Theta.ToString())}</td>")
                    .Append(string.Concat(round.Validation.SolverMean.Select(v => string.Create(Invariant, $"<td>{v:0.0000}</td>"))))
                    .Append(string.Concat(round.Validation.RelativeError(request.Target).Select(e => string.Create(Invariant, $"<td>{(e is double v ? (100 * v).ToString("+0.00;-0.00", Invariant) + " %" : "free")}</td>"))))
                    .Append(Invariant, $"<td>{StepNote(round)}</td></tr>");
            }
            html.Append("</table>");
            foreach (var round in refinement.Rounds.Skip(1))
                html.Append(Invariant, $"<h3>Round {round.Round}</h3>").Append(Img(Path.Combine(directory, string.Create(Invariant, $"refinement-{round.Round}.png"))));
        }
        if (refinement?.BeyondPaperPriorNote is { } beyond)
            html.Append("<p><strong>").Append(WebUtility.HtmlEncode(char.ToUpperInvariant(beyond[0]) + beyond[1..] + ".")).Append("</strong></p>");
        html.Append("<h2>Settings</h2>").Append(SettingsTable(summary))
            .Append("<p>Everything, with the validation and refinement details: <a href=\"summary.json\">summary.json</a>, <a href=\"posterior.csv\">posterior.csv</a>, <a href=\"generations.csv\">generations.csv</a>.</p></body></html>");
        return html.ToString();
    }
}
