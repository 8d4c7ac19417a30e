using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Spinodoid.Surrogate;

/// <summary>The CNN of <see cref="SurrogateArchitecture"/>: input (batch, 1, D, D, D) scaled to [−½, ½]; output logit(η).</summary>
public sealed class DiffusivityNetwork : nn.Module<Tensor, Tensor>
{
    private readonly Sequential _features;
    private readonly Sequential _head;

    /// <summary>
    /// Builds the network. With a <paramref name="seed"/> the initial weights are a function of it alone; without, they
    /// come from torch's global random state. Either way construction holds <see cref="InitialisationGate"/>, so that
    /// networks built on other threads cannot draw from the global generator between seeding and initialisation
    /// (libtorch's initialisers take no generator of their own).
    /// </summary>
    public DiffusivityNetwork(SurrogateArchitecture architecture, ulong? seed = null) : base(architecture.Name)
    {
        architecture.Validated();
        Architecture = architecture;
        lock (InitialisationGate)
        {
            if (seed is ulong value) torch.manual_seed((long)(value & 0x7FFFFFFFFFFFFFFF));
            var features = new List<(string, nn.Module<Tensor, Tensor>)>();
            for (int p = 0; p < architecture.InputPooling; p++) features.Add(($"input_pool{p}", nn.AvgPool3d(2)));
            int channels = 1;
            long padding = architecture.Padding == ConvolutionPadding.Same ? 1 : 0;
            for (int b = 0; b < architecture.Widths.Length; b++)
            {
                int width = architecture.Widths[b];
                features.Add(($"conv{b}a", nn.Conv3d(channels, width, 3, stride: b == 0 ? architecture.InputStride : 1, padding: padding)));
                features.Add(($"elu{b}a", new Elu()));
                features.Add(($"conv{b}b", nn.Conv3d(width, width, 3, padding: padding)));
                features.Add(($"elu{b}b", new Elu()));
                features.Add(($"pool{b}", nn.AvgPool3d(2)));
                channels = width;
            }
            if (architecture.GlobalAveraging) features.Add(("global_average", nn.AdaptiveAvgPool3d(1)));
            features.Add(("flatten", nn.Flatten()));
            _features = nn.Sequential(features);

            var head = new List<(string, nn.Module<Tensor, Tensor>)>();
            long inputs = (architecture.Descriptors ? DescriptorCount : 0) + (architecture.GlobalAveraging ? channels : (long)channels * architecture.FinalSize * architecture.FinalSize * architecture.FinalSize);
            for (int d = 0; d < architecture.Dense.Length; d++)
            {
                head.Add(($"dense{d}", nn.Linear(inputs, architecture.Dense[d])));
                head.Add(($"elu_dense{d}", new Elu()));
                inputs = architecture.Dense[d];
            }
            head.Add(("output", nn.Linear(inputs, architecture.Outputs)));
            _head = nn.Sequential(head);
        }
        RegisterComponents();
    }

    /// <summary>Held while a network is seeded and initialised; hold it too around any other use of torch's global generator.</summary>
    public static object InitialisationGate { get; } = new();

    /// <summary>The architecture this network was built from.</summary>
    public SurrogateArchitecture Architecture { get; }

    /// <summary>Number of trainable weights and biases.</summary>
    public long WeightCount => parameters().Sum(p => p.numel());

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var features = _features.forward(input);
        return _head.forward(Architecture.Descriptors ? cat([features, StructureDescriptors(input)], 1) : features);
    }

    private const int DescriptorCount = 6;

    /// <summary>
    /// Fixed (not learned) descriptors of each input, in the output's axis order: porosity ε, ε², and with g_i the
    /// mean |difference| of the solid fraction between neighbouring cells along axis i (periodic; an interface
    /// density, larger for shorter correlation lengths along i) and ḡ their mean, log(g_x/ḡ), log(g_y/ḡ),
    /// log(g_z/ḡ) and log ḡ. They move with the input under axis permutations, as the labels do.
    /// </summary>
    private static Tensor StructureDescriptors(Tensor input)
    {
        var solid = input + TorchScalars.Half; // (B, 1, D, H, W), solid fraction per cell
        var porosity = TorchScalars.One - solid.mean([1, 2, 3, 4]);
        // Tensor dims: W = x (4), H = y (3), D = z (2).
        var g = stack(new long[] { 4, 3, 2 }.Select(d => (solid - solid.roll(1, d)).abs().mean([1, 2, 3, 4]).clamp_min(TorchScalars.DescriptorFloor)).ToArray(), 1);
        var mean = g.mean([1], keepdim: true);
        return cat([porosity.unsqueeze(1), porosity.square().unsqueeze(1), (g / mean).log(), mean.log()], 1);
    }
}

/// <summary>
/// ELU (α = 1), as <c>nn.ELU()</c> computes it, with Scalars that stay alive: TorchSharp's ELU converts α, scale and
/// input scale to temporary Scalars that the GC may finalise (free) while libtorch still reads them.
/// </summary>
internal sealed class Elu() : nn.Module<Tensor, Tensor>("ELU")
{
    public override Tensor forward(Tensor input) => input.elu(TorchScalars.One, TorchScalars.One, TorchScalars.One);
}

/// <summary>
/// Constant Scalars for libtorch calls, held for the life of the process. An implicitly converted Scalar (a double
/// where TorchSharp wants a Scalar) is garbage the moment its handle is read, and its finaliser frees the native
/// value, possibly while the native call is still reading it: under allocation load (structures generated in
/// parallel) this crashed inference with "Unknown scalar type" in <c>THSTensor_mul_scalar_</c>.
/// </summary>
internal static class TorchScalars
{
    public static readonly Scalar Half = 0.5.ToScalar();
    public static readonly Scalar One = 1.0.ToScalar();
    public static readonly Scalar DescriptorFloor = 1e-6.ToScalar();
    public static readonly Scalar CholeskyFloor = 1e-4.ToScalar();
    public static readonly Scalar ResidualFloor = 1e-12.ToScalar();
}

/// <summary>The transforms between solver and network quantities (Methods, eq. 13–15).</summary>
public static class SurrogateScaling
{
    /// <summary>logit(η) = log(η / (1 − η)), the network's target.</summary>
    public static double Logit(double eta)
    {
        if (!(eta > 0 && eta < 1)) throw new ArgumentOutOfRangeException(nameof(eta), $"η = {eta} must be in (0, 1) for the logit");
        return Math.Log(eta / (1 - eta));
    }

    /// <summary>η = 1 / (1 + e^(−y)), the inverse of <see cref="Logit"/>.</summary>
    public static double InverseLogit(double y) => 1.0 / (1.0 + Math.Exp(-y));

    /// <summary>Solid counts 0…8 rescaled to [−½, ½] (the paper's input normalisation).</summary>
    public static float ScaleInput(byte solidCount) => solidCount / 8f - 0.5f;
}
