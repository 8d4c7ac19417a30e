namespace Spinodoid.Surrogate;

/// <summary>How convolutions treat the border: the paper's unpadded ("valid") or size-keeping ("same").</summary>
public enum ConvolutionPadding
{
    /// <summary>No padding: each 3×3×3 convolution trims one voxel per side (the paper's).</summary>
    Valid,
    /// <summary>Zero padding of one voxel: sizes are kept until pooling.</summary>
    Same,
}

/// <summary>
/// A CNN for η from a 2×2×2-downsampled structure (paper Figure 4 and Methods): blocks of two 3×3×3
/// convolutions with ELU followed by 2×2×2 average pooling, then fully connected layers with ELU, and a
/// linear output of logit(η) — one value (η along the first axis; other axes by permuting the input) or three
/// (η_x, η_y, η_z jointly, as the paper's Discussion suggests).
/// </summary>
/// <param name="Name">Architecture name.</param>
/// <param name="InputSize">Side of the (downsampled) input, e.g. 96 for N = 192.</param>
/// <param name="Widths">Filters of the convolution blocks.</param>
/// <param name="Dense">Widths of the fully connected layers.</param>
/// <param name="Outputs">1 (single direction) or 3 (joint).</param>
/// <param name="Padding">Convolution padding.</param>
/// <param name="InputPooling">Extra 2×2×2 average pooling steps applied to the input first (0 = none).</param>
/// <param name="InputStride">Stride of the very first convolution (1, or 2 to halve the input with learned filters).</param>
/// <param name="GlobalAveraging">Average the last feature maps over space before the dense layers (one value per
/// channel) instead of flattening them (the paper's).</param>
/// <param name="Descriptors">Also feed the dense layers fixed structure descriptors computed from the input:
/// porosity and the interface density along x, y and z (see <see cref="DiffusivityNetwork"/>).</param>
public sealed record SurrogateArchitecture(
    string Name, int InputSize, int[] Widths, int[] Dense, int Outputs,
    ConvolutionPadding Padding = ConvolutionPadding.Valid, int InputPooling = 0, int InputStride = 1, bool GlobalAveraging = false,
    bool Descriptors = false)
{
    /// <summary>The paper's network: 96³ input, widths 32/48/64, dense 256/192/128/64, one output (≈ 8.8 M weights).</summary>
    public static SurrogateArchitecture Paper { get; } =
        new("paper", 96, [32, 48, 64], [256, 192, 128, 64], 1);

    /// <summary>The paper's network with three outputs (one pass per structure instead of three).</summary>
    public static SurrogateArchitecture PaperJoint { get; } = Paper with { Name = "paper-joint", Outputs = 3 };

    /// <summary>
    /// The compact default for CPU training on the compact dataset (N = 128, input 64³): the first convolution
    /// has stride 2 (64³ → 32³ with learned filters, which keep the orientation that averaging would blur),
    /// widths 16/24/32 with padding, global averaging of the last feature maps (the structures are statistically
    /// homogeneous, so position carries no information: flattening 4³×32 features left the network at the
    /// porosity-only error for 5 epochs), plus the porosity and directional interface densities of the input
    /// (a linear model on those alone reaches 4.5 % validation MAPE; the convolutions learn the rest),
    /// dense 128/64, three outputs.
    /// </summary>
    public static SurrogateArchitecture Compact { get; } =
        new("compact", 64, [16, 24, 32], [128, 64], 3, ConvolutionPadding.Same, InputStride: 2, GlobalAveraging: true, Descriptors: true);

    /// <summary>A built-in architecture by name.</summary>
    public static SurrogateArchitecture ByName(string name) => name.ToLowerInvariant() switch
    {
        "paper" => Paper,
        "paper-joint" => PaperJoint,
        "compact" => Compact,
        _ => throw new ArgumentException($"unknown network '{name}'; allowed: paper, paper-joint, compact"),
    };

    /// <summary>The side of the feature maps after the convolution blocks.</summary>
    public int FinalSize
    {
        get
        {
            int size = InputSize >> InputPooling, pad = Padding == ConvolutionPadding.Same ? 1 : 0;
            for (int b = 0; b < Widths.Length; b++)
            {
                int stride = b == 0 ? InputStride : 1;
                size = (size + 2 * pad - 3) / stride + 1;
                size = size + 2 * pad - 2;
                size /= 2;
            }
            return size;
        }
    }

    /// <summary>Throws when the input is too small for the blocks or a setting is out of range.</summary>
    public SurrogateArchitecture Validated()
    {
        if (Descriptors && Outputs != 3) throw new ArgumentException("structure descriptors need the joint (3-output) network");
        if (InputStride is not (1 or 2)) throw new ArgumentException($"input stride {InputStride} must be 1 or 2");
        if (Outputs is not (1 or 3)) throw new ArgumentException($"outputs {Outputs} must be 1 or 3");
        if (Widths.Length == 0 || Widths.Any(w => w < 1) || Dense.Any(d => d < 1)) throw new ArgumentException("widths must be positive");
        // oneDNN (libtorch 2.10, CPU) stores channels in blocks of 8 and computes wrong, sometimes NaN, gradients
        // when a block is only partly filled (measured: widths 4/6 diverged in 2 of 20 tiny runs, 8/8 in 0 of 40).
        if (Widths.Any(w => w % 8 != 0))
            throw new ArgumentException($"convolution widths {string.Join("/", Widths)} must be multiples of 8 (libtorch's CPU convolutions give wrong gradients otherwise)");
        if (FinalSize < 1)
            throw new ArgumentException($"input {InputSize}³ is too small for {Widths.Length} blocks ({Padding} padding, {InputPooling} input pooling)");
        return this;
    }
}
