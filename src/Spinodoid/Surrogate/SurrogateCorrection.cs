using System.Text.Json;
using System.Text.Json.Nodes;
using Spinodoid.Runtime;

namespace Spinodoid.Surrogate;

/// <summary>What a <see cref="SurrogateCorrection"/> is fitted from, for one structure.</summary>
/// <param name="Cnn">The network's η_x, η_y, η_z.</param>
/// <param name="Coarse">The <see cref="CoarseTransport"/> values of the same input.</param>
/// <param name="Porosity">Pore fraction of the input.</param>
/// <param name="Label">The solver's η_x, η_y, η_z (for fitting; ignored when applying).</param>
public sealed record CorrectionSample(double[] Cnn, double[] Coarse, double Porosity, double[] Label);

/// <summary>
/// The CNN's prediction corrected by the η of its own input on two coarse grids (<see cref="CoarseTransport"/>): per
/// direction, logit η is a polynomial of degree <see cref="Degree"/> in v = (ℓ_cnn, ℓ_half, ℓ_quarter, ε) — the logits
/// of the network's η and of the coarse η at N/2 and N/4 along that direction, and the porosity — standardised by
/// <see cref="Center"/> and <see cref="Scale"/>. One polynomial serves all three directions, so the corrected prediction
/// permutes with the axes as the labels do. Fitted by least squares on logit labels. Where v leaves the box the fit
/// saw (<see cref="Lower"/>…<see cref="Upper"/>, widened by <see cref="RangeMargin"/>), or a coarse grid has (nearly)
/// cut the direction off, that direction keeps the network's value: a polynomial is not trusted far outside its data.
/// </summary>
/// <param name="Degree">Total degree of the polynomial (1 = linear).</param>
/// <param name="Center">Mean of each of the four variables over the fitted structures.</param>
/// <param name="Scale">Standard deviation of each variable over the fitted structures.</param>
/// <param name="Lower">Smallest value of each variable the fit saw.</param>
/// <param name="Upper">Largest value of each variable the fit saw.</param>
/// <param name="Weights">One weight per monomial, in the order of <see cref="Monomials"/>.</param>
/// <param name="FittedOn">How many structures the weights were fitted on.</param>
/// <param name="NetworkDigest">The <see cref="SurrogateModel.WeightsDigest"/> of the network it corrects.</param>
public sealed record SurrogateCorrection(
    int Degree, double[] Center, double[] Scale, double[] Lower, double[] Upper, double[] Weights, int FittedOn, string? NetworkDigest = null)
{
    /// <summary>File of a model folder that holds the correction; a folder without it predicts with the network alone.</summary>
    public const string FileName = "correction.json";

    /// <summary>The variables per direction: ℓ_cnn, ℓ_half, ℓ_quarter, ε.</summary>
    public const int VariableCount = 4;

    /// <summary>The largest degree a fit accepts.</summary>
    public const int MaximumDegree = 6;

    /// <summary>
    /// The default degree, chosen on the bundled model's validation split (fitted on its training split): MAPE 1.04 %
    /// at degree 1, 0.75 % at 2, 0.60 % at 3, 0.51 % at 4, 0.45 % at 5 (`scripts/analysis/correction-features.py`).
    /// </summary>
    public const int DefaultDegree = 4;

    /// <summary>
    /// How far beyond the fitted range of each variable, as a fraction of that range, the polynomial is still trusted: a
    /// structure at the edge of the prior (ε = 0.3001 where the training split's lowest is 0.3002) is corrected, one
    /// far outside it is not.
    /// </summary>
    public const double RangeMargin = 0.05;

    /// <summary>Below this coarse η the coarse grids have (nearly) cut the direction off; it keeps the network's value.</summary>
    public const double MinimumCoarseDiffusivity = 1e-3;

    private static double Logit(double eta) => SurrogateScaling.Logit(Math.Clamp(eta, 1e-6, 1 - 1e-6));

    /// <summary>
    /// The monomials of total degree 0…<paramref name="degree"/> in the four variables, each as the indices of its
    /// factors (the constant is empty), by degree and then in lexicographic order of the factors.
    /// </summary>
    public static IReadOnlyList<int[]> Monomials(int degree) => MonomialsByDegree[degree];

    private static readonly IReadOnlyList<int[]>[] MonomialsByDegree = Enumerable.Range(0, MaximumDegree + 1).Select(EnumerateMonomials).ToArray();

    private static IReadOnlyList<int[]> EnumerateMonomials(int degree)
    {
        var result = new List<int[]> { Array.Empty<int>() };
        var current = new List<int[]> { Array.Empty<int>() };
        for (int d = 1; d <= degree; d++)
        {
            current = current.SelectMany(m => Enumerable.Range(m.Length == 0 ? 0 : m[^1], VariableCount - (m.Length == 0 ? 0 : m[^1])).Select(v => (int[])[.. m, v])).ToList();
            result.AddRange(current);
        }
        return result;
    }

    /// <summary>The four variables of direction <paramref name="d"/> (0 = x) of one structure.</summary>
    private static double[] Variables(double[] cnn, double[] coarse, double porosity, int d) =>
        [Logit(cnn[d]), Logit(coarse[d]), Logit(coarse[3 + d]), porosity];

    private static bool Conducts(double[] coarse, int d) => coarse[d] >= MinimumCoarseDiffusivity && coarse[3 + d] >= MinimumCoarseDiffusivity;

    private static double[] Features(double[] v, double[] center, double[] scale, IReadOnlyList<int[]> monomials)
    {
        Span<double> z = stackalloc double[VariableCount];
        for (int k = 0; k < VariableCount; k++) z[k] = (v[k] - center[k]) / scale[k];
        var f = new double[monomials.Count];
        for (int m = 0; m < f.Length; m++)
        {
            double product = 1;
            foreach (int k in monomials[m]) product *= z[k];
            f[m] = product;
        }
        return f;
    }

    /// <summary>The corrected η_x, η_y, η_z.</summary>
    public double[] Apply(double[] cnn, double[] coarse, double porosity)
    {
        var monomials = Monomials(Degree);
        var result = new double[3];
        for (int d = 0; d < 3; d++)
        {
            var v = Variables(cnn, coarse, porosity, d);
            bool inside = Conducts(coarse, d) && Enumerable.Range(0, VariableCount).All(k =>
                v[k] >= Lower[k] - RangeMargin * (Upper[k] - Lower[k]) && v[k] <= Upper[k] + RangeMargin * (Upper[k] - Lower[k]));
            result[d] = inside ? SurrogateScaling.InverseLogit(DenseLinearAlgebra.Dot(Weights, Features(v, Center, Scale, monomials))) : cnn[d];
        }
        return result;
    }

    /// <summary>Least-squares weights on logit labels, pooled over the three directions.</summary>
    /// <exception cref="ArgumentException">A degree outside 1…<see cref="MaximumDegree"/>, fewer usable structures than
    /// twice the weights, or a singular system.</exception>
    public static SurrogateCorrection Fit(IReadOnlyList<CorrectionSample> samples, int degree = DefaultDegree, string? networkDigest = null)
    {
        if (degree is < 1 or > MaximumDegree) throw new ArgumentException($"correction degree {degree} is outside 1–{MaximumDegree}");
        var monomials = Monomials(degree);
        var rows = new List<(double[] V, double Y)>();
        int used = 0;
        foreach (var s in samples)
        {
            int before = rows.Count;
            for (int d = 0; d < 3; d++)
                if (Conducts(s.Coarse, d) && s.Label[d] > 0 && s.Label[d] < 1)
                    rows.Add((Variables(s.Cnn, s.Coarse, s.Porosity, d), SurrogateScaling.Logit(s.Label[d])));
            if (rows.Count > before) used++;
        }
        if (used < 2 * monomials.Count)
            throw new ArgumentException($"a degree-{degree} correction has {monomials.Count} weights and needs at least {2 * monomials.Count} labelled structures with conducting coarse grids; got {used}");
        var center = new double[VariableCount];
        var scale = new double[VariableCount];
        var lower = Enumerable.Repeat(double.PositiveInfinity, VariableCount).ToArray();
        var upper = Enumerable.Repeat(double.NegativeInfinity, VariableCount).ToArray();
        for (int k = 0; k < VariableCount; k++)
        {
            center[k] = rows.Average(r => r.V[k]);
            scale[k] = Math.Sqrt(rows.Average(r => (r.V[k] - center[k]) * (r.V[k] - center[k])));
            if (!(scale[k] > 0)) throw new ArgumentException("the correction's structures do not vary enough to fit it (a variable is constant)");
            lower[k] = rows.Min(r => r.V[k]);
            upper[k] = rows.Max(r => r.V[k]);
        }
        int n = monomials.Count;
        var normal = new double[n, n];
        var rhs = new double[n];
        foreach (var (v, y) in rows)
        {
            var f = Features(v, center, scale, monomials);
            for (int i = 0; i < n; i++)
            {
                rhs[i] += f[i] * y;
                for (int j = 0; j < n; j++) normal[i, j] += f[i] * f[j];
            }
        }
        var weights = DenseLinearAlgebra.Solve(normal, rhs)
            ?? throw new ArgumentException("the correction's least-squares system is singular: the structures do not vary enough");
        return new SurrogateCorrection(degree, center, scale, lower, upper, weights, used, networkDigest);
    }

    private static JsonArray Json(double[] values) => new(values.Select(w => (JsonNode)w).ToArray());

    /// <summary>Writes the correction into a model folder (atomically).</summary>
    public void Save(string modelDirectory) =>
        AtomicFile.WriteText(Path.Combine(modelDirectory, FileName), new JsonObject(ProgramInfo.Header())
        {
            ["kind"] = "spinodoid surrogate correction",
            ["variables"] = "logit cnn eta, logit coarse eta at N/2, logit coarse eta at N/4, porosity (per direction)",
            ["coarse_tolerance"] = CoarseTransport.Tolerance,
            ["degree"] = Degree, ["center"] = Json(Center), ["scale"] = Json(Scale), ["lower"] = Json(Lower), ["upper"] = Json(Upper),
            ["weights"] = Json(Weights), ["fitted_on"] = FittedOn, ["network_weights_digest"] = NetworkDigest,
        }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");

    /// <summary>The correction of a model folder, or null when it has none.</summary>
    /// <param name="modelDirectory">The model folder.</param>
    /// <param name="networkDigest">The folder's network weights digest: a correction fitted to other weights is refused.</param>
    /// <exception cref="InvalidDataException">The file is unreadable, inconsistent, or belongs to other weights.</exception>
    public static SurrogateCorrection? Load(string modelDirectory, string? networkDigest = null)
    {
        string path = Path.Combine(modelDirectory, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            var node = JsonNode.Parse(File.ReadAllText(path))!;
            double[] Values(string name) => node[name]!.AsArray().Select(w => w!.GetValue<double>()).ToArray();
            int degree = node["degree"]!.GetValue<int>();
            if (degree is < 1 or > MaximumDegree) throw new InvalidDataException($"'{path}' has degree {degree}; allowed 1–{MaximumDegree}");
            var correction = new SurrogateCorrection(degree, Values("center"), Values("scale"), Values("lower"), Values("upper"), Values("weights"),
                node["fitted_on"]?.GetValue<int>() ?? 0, node["network_weights_digest"]?.GetValue<string>());
            if (correction.Weights.Length != Monomials(degree).Count || new[] { correction.Center, correction.Scale, correction.Lower, correction.Upper }.Any(a => a.Length != VariableCount)
                || correction.Weights.Concat(correction.Center).Concat(correction.Scale).Any(w => !double.IsFinite(w)))
                throw new InvalidDataException($"'{path}' is inconsistent: a degree-{degree} correction has {Monomials(degree).Count} finite weights and {VariableCount} values per range");
            if (networkDigest is not null && correction.NetworkDigest is { } digest && digest != networkDigest)
                throw new InvalidDataException($"'{path}' was fitted to the network with weights sha256:{digest}, but the folder's network is sha256:{networkDigest}; " +
                                               "fit it again (spinodoid correct) or delete it");
            return correction;
        }
        catch (Exception e) when (e is JsonException or NullReferenceException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"'{path}' is not a readable correction: {e.Message}", e);
        }
    }
}
