using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Spinodoid.Surrogate;

/// <summary>The CNN of <see cref="SurrogateArchitecture"/>: input (batch, 1, D, D, D) scaled to [−½, ½]; output logit(η).</summary>
public sealed class DiffusivityNetwork : nn.Module<Tensor, Tensor>
{
    private readonly Sequential _features;
    private readonly Sequential _head;

    /// <summary>Builds the network (weights initialised from torch's current random state).</summary>
    public DiffusivityNetwork(SurrogateArchitecture architecture) : base(architecture.Name)
    {
        architecture.Validated();
        Architecture = architecture;
        var features = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (int p = 0; p < architecture.InputPooling; p++) features.Add(($"input_pool{p}", nn.AvgPool3d(2)));
        int channels = 1;
        long padding = architecture.Padding == ConvolutionPadding.Same ? 1 : 0;
        for (int b = 0; b < architecture.Widths.Length; b++)
        {
            int width = architecture.Widths[b];
            features.Add(($"conv{b}a", nn.Conv3d(channels, width, 3, stride: b == 0 ? architecture.InputStride : 1, padding: padding)));
            features.Add(($"elu{b}a", nn.ELU()));
            features.Add(($"conv{b}b", nn.Conv3d(width, width, 3, padding: padding)));
            features.Add(($"elu{b}b", nn.ELU()));
            features.Add(($"pool{b}", nn.AvgPool3d(2)));
            channels = width;
        }
        if (architecture.GlobalAveraging) features.Add(("global_average", nn.AdaptiveAvgPool3d(1)));
        features.Add(("flatten", nn.Flatten()));
        _features = nn.Sequential(features);

        var head = new List<(string, nn.Module<Tensor, Tensor>)>();
        long inputs = architecture.GlobalAveraging ? channels : (long)channels * architecture.FinalSize * architecture.FinalSize * architecture.FinalSize;
        for (int d = 0; d < architecture.Dense.Length; d++)
        {
            head.Add(($"dense{d}", nn.Linear(inputs, architecture.Dense[d])));
            head.Add(($"elu_dense{d}", nn.ELU()));
            inputs = architecture.Dense[d];
        }
        head.Add(("output", nn.Linear(inputs, architecture.Outputs)));
        _head = nn.Sequential(head);
        RegisterComponents();
    }

    /// <summary>The architecture this network was built from.</summary>
    public SurrogateArchitecture Architecture { get; }

    /// <summary>Number of trainable weights and biases.</summary>
    public long WeightCount => parameters().Sum(p => p.numel());

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => _head.forward(_features.forward(input));
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
