using System.Text.Json;
using System.Text.Json.Nodes;
using Spinodoid.IO;
using Spinodoid.Microstructure;
using Spinodoid.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Spinodoid.Surrogate;

/// <summary>
/// A trained surrogate: the network and what it expects. Inference is batched and thread-safe (one forward
/// pass at a time under a lock; batch many structures per call for throughput).
/// </summary>
public sealed class SurrogateModel : IDisposable
{
    /// <summary>Weights file inside a model folder.</summary>
    public const string WeightsName = "model.bin";

    /// <summary>Description file inside a model folder.</summary>
    public const string CardName = "model.json";

    private readonly object _gate = new();

    /// <summary>Wraps a network.</summary>
    public SurrogateModel(DiffusivityNetwork network, int structureSize)
    {
        Network = network;
        StructureSize = structureSize;
    }

    /// <summary>The network.</summary>
    public DiffusivityNetwork Network { get; }

    /// <summary>Grid side N of the structures it was trained on (input side N/2).</summary>
    public int StructureSize { get; }

    /// <summary>
    /// Elements of the cube's symmetry group each prediction is averaged over (in logit space): 1 (none), 6 (the axis
    /// permutations, outputs permuted back) or 48 (permutations × flips). Exact for the labels, so an average only
    /// removes the network's lack of symmetry; it costs that many forward passes. Saved with the model's card.
    /// </summary>
    public int SymmetryAveraging
    {
        get => _symmetry;
        set
        {
            if (value is not (1 or 6 or 48)) throw new ArgumentException($"symmetry averaging {value} must be 1, 6 or 48 (group elements)");
            if (value > 1 && Network.Architecture.Outputs != 3)
                throw new ArgumentException($"symmetry averaging needs the joint (3-output) network; '{Network.Architecture.Name}' has {Network.Architecture.Outputs}");
            _symmetry = value;
        }
    }

    private int _symmetry = 1;

    /// <summary>
    /// The correction of the network's prediction by the η of its input on coarse grids (<see cref="SurrogateCorrection"/>),
    /// applied by <see cref="Predict(IReadOnlyList{byte[]})"/> when set; loaded from the model folder's
    /// <see cref="SurrogateCorrection.FileName"/> when it has one. It costs two coarse solves per structure.
    /// </summary>
    public SurrogateCorrection? Correction { get; set; }

    /// <summary>SHA-256 of the weights file this model was loaded from or saved to (hex, 16 digits); null before either.</summary>
    public string? WeightsDigest { get; private set; }

    private static string Digest(string weightsPath)
    {
        using var stream = File.OpenRead(weightsPath);
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(stream))[..16].ToLowerInvariant();
    }

    /// <summary>
    /// Saves weights and description atomically into <paramref name="directory"/>, with the <see cref="Correction"/> when
    /// it belongs to these weights (a correction file left from other weights is removed).
    /// </summary>
    public void Save(string directory, JsonObject? training = null)
    {
        Directory.CreateDirectory(directory);
        string weights = Path.Combine(directory, WeightsName);
        AtomicFile.WriteFile(weights, temporary => { Network.save(temporary); WeightsDigest = Digest(temporary); });
        // This model's correction goes with its weights; one fitted to the weights this save replaced no longer applies.
        if (Correction is { } correction && (correction.NetworkDigest ?? WeightsDigest) == WeightsDigest)
            (correction with { NetworkDigest = WeightsDigest }).Save(directory);
        else File.Delete(Path.Combine(directory, SurrogateCorrection.FileName));
        var a = Network.Architecture;
        var card = new JsonObject(ProgramInfo.Header())
        {
            ["kind"] = "spinodoid surrogate",
            ["architecture"] = new JsonObject
            {
                ["name"] = a.Name, ["input_size"] = a.InputSize, ["widths"] = new JsonArray(a.Widths.Select(w => (JsonNode)w).ToArray()),
                ["dense"] = new JsonArray(a.Dense.Select(w => (JsonNode)w).ToArray()), ["outputs"] = a.Outputs,
                ["padding"] = a.Padding.ToString(), ["input_pooling"] = a.InputPooling, ["input_stride"] = a.InputStride, ["global_averaging"] = a.GlobalAveraging, ["descriptors"] = a.Descriptors,
            },
            ["structure_size"] = StructureSize,
            ["symmetry_averaging"] = SymmetryAveraging,
            ["weights"] = Network.WeightCount,
            ["training"] = training,
        };
        AtomicFile.WriteText(Path.Combine(directory, CardName), card.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>Loads a model folder written by <see cref="Save"/>.</summary>
    public static SurrogateModel Load(string directory)
    {
        string cardPath = Path.Combine(directory, CardName), weights = Path.Combine(directory, WeightsName);
        if (!File.Exists(cardPath) || !File.Exists(weights))
            throw new InvalidDataException($"'{directory}' is not a spinodoid model folder (needs {CardName} and {WeightsName})");
        TorchRuntime.EnsureInitialised();
        try
        {
            var card = JsonNode.Parse(File.ReadAllText(cardPath))!;
            if (card["kind"]?.GetValue<string>() != "spinodoid surrogate") throw new InvalidDataException($"'{cardPath}' is not a spinodoid model card");
            var a = card["architecture"]!;
            var architecture = new SurrogateArchitecture(a["name"]!.GetValue<string>(), a["input_size"]!.GetValue<int>(),
                a["widths"]!.AsArray().Select(w => w!.GetValue<int>()).ToArray(), a["dense"]!.AsArray().Select(w => w!.GetValue<int>()).ToArray(),
                a["outputs"]!.GetValue<int>(), Enum.Parse<ConvolutionPadding>(a["padding"]!.GetValue<string>()), a["input_pooling"]!.GetValue<int>(),
                a["input_stride"]?.GetValue<int>() ?? 1, a["global_averaging"]?.GetValue<bool>() ?? false,
                a["descriptors"]?.GetValue<bool>() ?? false);
            var network = new DiffusivityNetwork(architecture);
            network.load(weights);
            string digest = Digest(weights);
            network.eval();
            return new SurrogateModel(network, card["structure_size"]!.GetValue<int>())
            {
                WeightsDigest = digest, SymmetryAveraging = card["symmetry_averaging"]?.GetValue<int>() ?? 1,
                Correction = SurrogateCorrection.Load(directory, digest),
            };
        }
        catch (Exception e) when (e is JsonException or NullReferenceException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new InvalidDataException($"'{directory}' holds an unreadable model: {e.Message}", e);
        }
    }

    /// <summary>
    /// Largest first-block activation per forward pass. glibc serves blocks above 32 MiB (our mmap threshold, see
    /// TorchRuntime) with fresh pages that fault in on every pass: measured with the compact network, batches of
    /// 32 cost 60 ms per structure, chunks of 8 (16 MiB) 8.5 ms.
    /// </summary>
    private const long ChunkActivationBytes = 16L << 20;

    /// <summary>
    /// η_x, η_y, η_z of structures given as solid counts (side N/2, layout z, y, x with x fastest): the network's,
    /// corrected by <see cref="Correction"/> when the model has one.
    /// </summary>
    public (double X, double Y, double Z)[] Predict(IReadOnlyList<byte[]> solidCounts)
    {
        var network = PredictNetwork(solidCounts);
        if (Correction is not { } correction) return network;
        var coarse = CoarseTransport.Solve(solidCounts, Network.Architecture.InputSize);
        var result = new (double, double, double)[solidCounts.Count];
        for (int s = 0; s < result.Length; s++)
        {
            var corrected = correction.Apply([network[s].X, network[s].Y, network[s].Z], coarse[s], CountsPorosity(solidCounts[s]));
            result[s] = (corrected[0], corrected[1], corrected[2]);
        }
        return result;
    }

    /// <summary>Pore fraction of an input of solid counts 0…8.</summary>
    public static double CountsPorosity(byte[] solidCounts) => 1 - VoxelStructure.SumBytes(solidCounts) / (8.0 * solidCounts.Length);

    /// <summary>η_x, η_y, η_z from the network alone, without <see cref="Correction"/> (what a correction is fitted to).</summary>
    public (double X, double Y, double Z)[] PredictNetwork(IReadOnlyList<byte[]> solidCounts)
    {
        var a = Network.Architecture;
        int side = a.InputSize, volume = side * side * side;
        for (int s = 0; s < solidCounts.Count; s++)
            if (solidCounts[s].Length != volume)
                throw new ArgumentException($"input {s} has {solidCounts[s].Length} voxels; this model needs {side}³ (structures of N = {StructureSize})");
        long firstMap = (long)a.Widths[0] * (long)Math.Pow((side >> a.InputPooling) / a.InputStride, 3) * sizeof(float);
        int chunk = (int)Math.Clamp(ChunkActivationBytes / Math.Max(1, firstMap), 1, 64);
        var result = new (double, double, double)[solidCounts.Count];
        for (int start = 0; start < solidCounts.Count; start += chunk)
            PredictChunk(solidCounts, start, Math.Min(chunk, solidCounts.Count - start), result);
        return result;
    }

    private void PredictChunk(IReadOnlyList<byte[]> solidCounts, int start, int count, (double, double, double)[] result)
    {
        int side = Network.Architecture.InputSize, volume = side * side * side;
        var input = new float[(long)count * volume];
        for (int s = 0; s < count; s++)
        {
            var counts = solidCounts[start + s];
            for (int i = 0; i < volume; i++) input[(long)s * volume + i] = SurrogateScaling.ScaleInput(counts[i]);
        }
        lock (_gate)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            Network.eval();
            var batch = TorchRuntime.CopyToTensor(input, [count, 1, side, side, side]);
            float[] x, y, z;
            if (Network.Architecture.Outputs == 3)
            {
                x = new float[count]; y = new float[count]; z = new float[count];
                foreach (var (permutation, flips) in Augmentation.CubeSymmetries(SymmetryAveraging))
                {
                    // Each pass's activations are freed before the next (the chunk size bounds one pass, not 48).
                    using var pass = NewDisposeScope();
                    var output = Network.forward(Augmentation.Transform(batch, permutation, flips).contiguous()).data<float>().ToArray();
                    // Output k is the η along the original axis permutation[k].
                    for (int s = 0; s < count; s++)
                        for (int k = 0; k < 3; k++)
                        {
                            float value = output[3 * s + k] / SymmetryAveraging;
                            switch (permutation[k]) { case 0: x[s] += value; break; case 1: y[s] += value; break; default: z[s] += value; break; }
                        }
                }
            }
            else
            {
                x = Network.forward(Augmentation.TransportAlongFirstDim(batch, Axis.X).contiguous()).data<float>().ToArray();
                y = Network.forward(Augmentation.TransportAlongFirstDim(batch, Axis.Y).contiguous()).data<float>().ToArray();
                z = Network.forward(batch).data<float>().ToArray();
            }
            for (int s = 0; s < count; s++)
                result[start + s] = (SurrogateScaling.InverseLogit(x[s]), SurrogateScaling.InverseLogit(y[s]), SurrogateScaling.InverseLogit(z[s]));
        }
    }

    /// <summary>η_x, η_y, η_z of one structure of side <see cref="StructureSize"/>.</summary>
    public (double X, double Y, double Z) Predict(VoxelStructure structure)
    {
        if (structure.Shape != GridShape.Cube(StructureSize))
            throw new ArgumentException($"the structure is {structure.Shape}; this model was trained on {StructureSize}³ structures");
        return Predict([Downsampling.SolidCounts2x(structure)])[0];
    }

    /// <inheritdoc />
    public void Dispose() => Network.Dispose();
}
