using Spinodoid.Runtime;
using Spinodoid.Surrogate;
using TorchSharp;

namespace Spinodoid.Tests.Surrogate;

public class NetworkTests
{
    [Fact]
    public void PaperNetworkHasAbout8Point8MillionWeights()
    {
        TorchRuntime.EnsureInitialised();
        using var network = new DiffusivityNetwork(SurrogateArchitecture.Paper);
        // Convolutions 325,728 + 288 biases; dense 64·8³·256 + 256 + 256·192 + 192 + 192·128 + 128 + 128·64 + 64 + 64 + 1.
        long expected = 326_016 + 8_388_864 + 49_344 + 24_704 + 8_256 + 65;
        Assert.Equal(expected, network.WeightCount);
        Assert.InRange(network.WeightCount, 8.7e6, 8.9e6);
        Assert.Equal(8, SurrogateArchitecture.Paper.FinalSize);
    }

    [Theory]
    [InlineData("paper", 1)]
    [InlineData("paper-joint", 3)]
    [InlineData("compact", 3)]
    public void OutputHasOneValuePerDirectionAndSample(string name, int outputs)
    {
        TorchRuntime.EnsureInitialised();
        var architecture = SurrogateArchitecture.ByName(name);
        using var network = new DiffusivityNetwork(architecture);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        int d = architecture.InputSize;
        var output = network.forward(torch.rand(new long[] { 2, 1, d, d, d }) - 0.5);
        Assert.Equal(new long[] { 2, outputs }, output.shape);
    }

    /// <summary>
    /// Averaged over the 48 cube symmetries, an (untrained, so unsymmetric) network predicts a turned structure's η as the
    /// original's η turned with it; without the average it does not, so the property is the average's doing.
    /// </summary>
    [Fact]
    public void SymmetryAveragedPredictionsTurnWithTheStructure()
    {
        TorchRuntime.EnsureInitialised();
        const int side = 16;
        using var model = new SurrogateModel(new DiffusivityNetwork(SurrogateArchitecture.Compact with { InputSize = side }, seed: 5), 2 * side);
        var random = new Random(3);
        var counts = new byte[side * side * side];
        for (int i = 0; i < counts.Length; i++) counts[i] = (byte)random.Next(9);
        // The structure turned: new (x, y, z) = (z, x, y) of the old, then mirrored along the new y.
        var turned = new byte[counts.Length];
        for (int z = 0; z < side; z++)
            for (int y = 0; y < side; y++)
                for (int x = 0; x < side; x++)
                {
                    int ox = y, oy = z, oz = x; // old coordinates of new (x, y, z) before the mirror
                    turned[(z * side + (side - 1 - y)) * side + x] = counts[(oz * side + oy) * side + ox];
                }
        double Largest((double X, double Y, double Z) a, (double X, double Y, double Z) b) =>
            new[] { Math.Abs(a.X - b.X), Math.Abs(a.Y - b.Y), Math.Abs(a.Z - b.Z) }.Max();
        var plain = model.Predict([counts, turned]);
        // η along new x is η along old z, new y is old x, new z is old y.
        double plainGap = Largest(plain[1], (plain[0].Z, plain[0].X, plain[0].Y));
        model.SymmetryAveraging = 48;
        var averaged = model.Predict([counts, turned]);
        double averagedGap = Largest(averaged[1], (averaged[0].Z, averaged[0].X, averaged[0].Y));
        Assert.True(averagedGap < 1e-5, $"averaged predictions differ by {averagedGap:G3}");
        Assert.True(plainGap > 100 * averagedGap, $"the plain network should not be symmetric (gap {plainGap:G3})");
        // Over the 6 axis permutations alone, a turn without the mirror is matched too.
        var permuted = new byte[counts.Length];
        for (int z = 0; z < side; z++)
            for (int y = 0; y < side; y++)
                for (int x = 0; x < side; x++) permuted[(z * side + y) * side + x] = counts[(x * side + z) * side + y];
        model.SymmetryAveraging = 6;
        var six = model.Predict([counts, permuted]);
        Assert.True(Largest(six[1], (six[0].Z, six[0].X, six[0].Y)) < 1e-5, "6-element average of a permuted structure");
        Assert.Throws<ArgumentException>(() => model.SymmetryAveraging = 5);
    }

    [Fact]
    public void GradientsAgreeWithADoublePrecisionReference()
    {
        // float32 runs through oneDNN; float64 through libtorch's plain convolution — an independent implementation.
        // (With the default memory layout oneDNN's input gradients were ~20 % off and sometimes NaN: see DiffusivityNetwork.)
        TorchRuntime.EnsureInitialised();
        var architecture = SurrogateArchitecture.Compact with { InputSize = 32 };
        for (int seed = 0; seed < 3; seed++)
        {
            using var scope = torch.NewDisposeScope();
            using var single = new DiffusivityNetwork(architecture, (ulong)seed);
            using var reference = new DiffusivityNetwork(architecture, (ulong)seed);
            reference.to(torch.float64);
            using var generator = new torch.Generator((ulong)seed + 100);
            var input = torch.rand(new long[] { 2, 1, 32, 32, 32 }, generator: generator) - 0.5;
            single.forward(input).square().mean().backward();
            reference.forward(input.to(torch.float64)).square().mean().backward();
            var expected = reference.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!);
            foreach (var (name, parameter) in single.named_parameters())
            {
                double scale = expected[name].abs().max().item<double>();
                double error = (parameter.grad!.to(torch.float64) - expected[name]).abs().max().item<double>();
                Assert.True(error <= 1e-3 * scale, $"seed {seed}, {name}: max |Δgrad| = {error:G3} for gradients up to {scale:G3}");
            }
        }
    }

    [Fact]
    public void LogitAndInverseLogitRoundTrip()
    {
        foreach (double eta in new[] { 1e-6, 0.01, 0.25, 0.5, 0.73, 0.999 })
            Assert.Equal(eta, SurrogateScaling.InverseLogit(SurrogateScaling.Logit(eta)), 12);
        Assert.Equal(0.0, SurrogateScaling.Logit(0.5), 15);
        Assert.Throws<ArgumentOutOfRangeException>(() => SurrogateScaling.Logit(0));
        Assert.Equal(-0.5f, SurrogateScaling.ScaleInput(0));
        Assert.Equal(0.5f, SurrogateScaling.ScaleInput(8));
    }

    [Fact]
    public void TooSmallInputsAreRejected()
    {
        var tiny = SurrogateArchitecture.Paper with { InputSize = 20 };
        Assert.Contains("too small", Assert.Throws<ArgumentException>(() => tiny.Validated()).Message);
        var odd = SurrogateArchitecture.Compact with { Widths = [16, 20, 32] };
        Assert.Contains("16/20/32", Assert.Throws<ArgumentException>(() => odd.Validated()).Message);
    }
}
