using TorchSharp;
using Spinodoid.Runtime;

namespace Spinodoid.Tests;

public class NativeLoadingTests
{
    [Fact]
    public void LibtorchLoadsAndAnFftRoundTripIsExact()
    {
        TorchRuntime.EnsureInitialised();
        using var generator = new torch.Generator(3);
        var x = torch.randn(new long[] { 6, 8, 10 }, dtype: torch.float64, generator: generator);
        var back = torch.fft.irfftn(torch.fft.rfftn(x), s: new long[] { 6, 8, 10 });
        double error = (x - back).abs().max().item<double>();
        Assert.True(error < 1e-12, $"FFT round-trip error {error}");
    }

    [Fact]
    public void MatrixProductMatchesHandComputation()
    {
        TorchRuntime.EnsureInitialised();
        var a = torch.tensor(new double[] { 1, 2, 3, 4 }, new long[] { 2, 2 });
        var b = torch.tensor(new double[] { 5, 6, 7, 8 }, new long[] { 2, 2 });
        var c = torch.matmul(a, b);
        Assert.Equal(new double[] { 19, 22, 43, 50 }, c.data<double>().ToArray());
    }
}
