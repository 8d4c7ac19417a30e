using TorchSharp;
using Spinodoid.Microstructure;

namespace Spinodoid.Tests.Microstructure;

public class GeneratorTests
{
    private static readonly SpinodoidParameters Anisotropic = new(0.05, 0.1, 0.2, 0.5);

    [Theory]
    [InlineData(0.3, 32)]
    [InlineData(0.5, 48)]
    [InlineData(0.666, 64)]
    [InlineData(0.85, 40)]
    public void PorosityIsExactToOneVoxel(double porosity, int n)
    {
        var s = SpinodoidGenerator.Generate(new SpinodoidParameters(0.1, 0.15, 0.2, porosity), 3, n);
        Assert.Equal((long)Math.Round(porosity * n * n * n), s.PoreCount());
    }

    [Fact]
    public void SameSeedGivesIdenticalStructureAndOtherSeedsDiffer()
    {
        var a = SpinodoidGenerator.Generate(Anisotropic, 42, 48);
        var b = SpinodoidGenerator.Generate(Anisotropic, 42, 48);
        var c = SpinodoidGenerator.Generate(Anisotropic, 43, 48);
        Assert.Equal(a.Pore, b.Pore);
        double differing = a.Pore.Zip(c.Pore).Count(p => p.First != p.Second) / (double)a.Pore.Length;
        Assert.True(differing > 0.3, $"seeds 42 and 43 differ in only {differing:P1} of voxels");
    }

    [Fact]
    public void FieldHasZeroMeanAndUnitVariance()
    {
        var field = GaussianRandomField.Generate(Anisotropic.LengthScales, 5, 32);
        double mean = field.Average(v => (double)v);
        double variance = field.Average(v => (double)v * v) - mean * mean;
        Assert.InRange(mean, -1e-5, 1e-5);
        Assert.InRange(variance, 1 - 1e-4, 1 + 1e-4);
    }

    [Fact]
    public void StructureIsPeriodicWithNoSeamAcrossTheBoundary()
    {
        // The fraction of face-neighbour pairs that differ across the wrap-around face must match the fraction
        // across interior faces; a seam (non-periodic field) would show up as a much higher fraction there.
        int n = 64;
        var s = SpinodoidGenerator.Generate(new SpinodoidParameters(0.1, 0.1, 0.1, 0.5), 11, n);
        foreach (var axis in new[] { Axis.X, Axis.Y, Axis.Z })
        {
            double across = DifferingFraction(s, axis, n - 1, 0);
            double interior = Enumerable.Range(0, n - 1).Average(i => DifferingFraction(s, axis, i, i + 1));
            // Binomial standard error of one face with n² pairs at p ≈ 0.1 is ≈ 0.005; allow 5σ.
            Assert.True(Math.Abs(across - interior) < 0.025, $"{axis}: across boundary {across:F3}, interior {interior:F3}");
        }
    }

    private static double DifferingFraction(VoxelStructure s, Axis axis, int a, int b)
    {
        int n = s.Shape.Nx, differ = 0;
        for (int u = 0; u < n; u++)
            for (int v = 0; v < n; v++)
            {
                bool p = axis switch { Axis.X => s.IsPore(a, u, v), Axis.Y => s.IsPore(u, a, v), _ => s.IsPore(u, v, a) };
                bool q = axis switch { Axis.X => s.IsPore(b, u, v), Axis.Y => s.IsPore(u, b, v), _ => s.IsPore(u, v, b) };
                if (p != q) differ++;
            }
        return differ / (double)(n * n);
    }

    [Fact]
    public void CorrelationLengthIsLongestAlongTheLargestLengthScale()
    {
        // Two-point probability S(r) = P(pore at x and at x + r·e) decays more slowly along larger a.
        var s = SpinodoidGenerator.Generate(Anisotropic, 2, 64);
        double sx = TwoPoint(s, Axis.X, 4), sy = TwoPoint(s, Axis.Y, 4), sz = TwoPoint(s, Axis.Z, 4);
        Assert.True(sz > sy && sy > sx, $"S(4) along x, y, z = {sx:F3}, {sy:F3}, {sz:F3}; a = (0.05, 0.1, 0.2)");
    }

    private static double TwoPoint(VoxelStructure s, Axis axis, int lag)
    {
        int n = s.Shape.Nx;
        long both = 0;
        for (int z = 0; z < n; z++)
            for (int y = 0; y < n; y++)
                for (int x = 0; x < n; x++)
                {
                    if (!s.IsPore(x, y, z)) continue;
                    bool other = axis switch
                    {
                        Axis.X => s.IsPore((x + lag) % n, y, z),
                        Axis.Y => s.IsPore(x, (y + lag) % n, z),
                        _ => s.IsPore(x, y, (z + lag) % n),
                    };
                    if (other) both++;
                }
        return both / (double)s.Shape.Count;
    }

    [Fact]
    public void DoublingTheGridSamplesTheSameMorphologyMoreFinely()
    {
        // Resolution independence: the field at 2N, read at even voxels, is the field at N.
        var a = new LengthScales(0.08, 0.12, 0.16);
        var coarse = GaussianRandomField.Generate(a, 9, 48);
        var fine = GaussianRandomField.Generate(a, 9, 96);
        double dot = 0, cc = 0, ff = 0;
        for (int z = 0; z < 48; z++)
            for (int y = 0; y < 48; y++)
                for (int x = 0; x < 48; x++)
                {
                    double c = coarse[x + 48 * (y + 48 * z)], f = fine[2 * x + 96 * (2 * y + 96 * 2 * z)];
                    dot += c * f; cc += c * c; ff += f * f;
                }
        double correlation = dot / Math.Sqrt(cc * ff);
        Assert.True(correlation > 0.999, $"correlation between N = 48 and N = 96 fields {correlation:F5}");

        var theta = new SpinodoidParameters(a, 0.5);
        var s1 = SpinodoidGenerator.Generate(theta, 9, 48);
        var s2 = SpinodoidGenerator.Generate(theta, 9, 96);
        int agree = 0;
        for (int z = 0; z < 48; z++)
            for (int y = 0; y < 48; y++)
                for (int x = 0; x < 48; x++)
                    if (s1.IsPore(x, y, z) == s2.IsPore(2 * x, 2 * y, 2 * z)) agree++;
        Assert.True(agree / (double)(48 * 48 * 48) > 0.97, $"only {agree / (48.0 * 48 * 48):P2} of voxels agree");
    }

    [Fact]
    public void AveragedPowerSpectrumFollowsEquationThree()
    {
        // Each Fourier coefficient of the unit-variance field has E|F_k|² = γ(k)/Σγ; |F_k|²/E is Exp(1), so the
        // mean ratio over M modes has standard error 1/√M. Bins of s = |a∘k| cover the decay of γ.
        var a = new LengthScales(0.1, 0.15, 0.22);
        int n = 32, seeds = 24;
        double totalGamma = 0;
        for (int kz = -n / 2 + 1; kz < n / 2; kz++)
            for (int ky = -n / 2 + 1; ky < n / 2; ky++)
                for (int kx = -n / 2 + 1; kx < n / 2; kx++)
                    if (kx != 0 || ky != 0 || kz != 0) totalGamma += SpectralDensity.Gamma(a, kx, ky, kz);

        double[] edges = [0.0, 0.6, 0.9, 1.1, 1.4, 2.0];
        var ratioSum = new double[edges.Length - 1];
        var modes = new int[edges.Length - 1];
        for (int seed = 0; seed < seeds; seed++)
        {
            var field = GaussianRandomField.Generate(a, (ulong)seed, n);
            using var scope = torch.NewDisposeScope();
            var spectrum = torch.fft.rfftn(torch.tensor(field, new long[] { n, n, n }), norm: FFTNormType.Forward);
            var power = (spectrum.real.square() + spectrum.imag.square()).data<float>().ToArray();
            for (int iz = 0; iz < n; iz++)
                for (int iy = 0; iy < n; iy++)
                    for (int kx = 1; kx < n / 2; kx++)
                    {
                        int kz = iz <= n / 2 ? iz : iz - n, ky = iy <= n / 2 ? iy : iy - n;
                        if (Math.Abs(kz) == n / 2 || Math.Abs(ky) == n / 2) continue;
                        double s = Math.Sqrt(Sq(a.X * kx) + Sq(a.Y * ky) + Sq(a.Z * kz));
                        int bin = Array.FindIndex(edges, e => e > s) - 1;
                        if (bin < 0) continue;
                        double expected = SpectralDensity.Gamma(a, kx, ky, kz) / totalGamma;
                        ratioSum[bin] += power[(iz * n + iy) * (n / 2 + 1) + kx] / expected;
                        modes[bin]++;
                    }
        }
        for (int b = 0; b < modes.Length; b++)
        {
            double mean = ratioSum[b] / modes[b];
            double tolerance = 5 / Math.Sqrt(modes[b]) + 0.02;
            Assert.True(Math.Abs(mean - 1) < tolerance,
                $"s in [{edges[b]}, {edges[b + 1]}): mean |F|²/E = {mean:F4} over {modes[b]} modes (tolerance {tolerance:F4})");
        }
    }

    private static double Sq(double v) => v * v;

    [Theory]
    [InlineData(-0.1, 0.1, 0.1, 0.5, "a_x")]
    [InlineData(0.1, 0, 0.1, 0.5, "a_y")]
    [InlineData(0.1, 0.1, double.NaN, 0.5, "a_z")]
    [InlineData(0.1, 0.1, 0.1, 1.0, "porosity")]
    [InlineData(0.1, 0.1, 0.1, 0.0, "porosity")]
    public void BadParametersAreRejectedNamingTheValue(double ax, double ay, double az, double eps, string name)
    {
        var e = Assert.Throws<ArgumentException>(() => SpinodoidGenerator.Generate(new SpinodoidParameters(ax, ay, az, eps), 0, 16));
        Assert.Contains(name, e.Message);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(6)]
    [InlineData(33)]
    [InlineData(2000)]
    public void BadGridSizesAreRejected(int n)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => SpinodoidGenerator.Generate(new SpinodoidParameters(0.1, 0.1, 0.1, 0.5), 0, n));
        Assert.Contains($"N = {n}", e.Message);
    }

    [Fact]
    public void ParsingThetaRoundTripsAndReportsBadText()
    {
        var theta = SpinodoidParameters.Parse("0.092, 0.135,0.245,0.666");
        Assert.Equal(new SpinodoidParameters(0.092, 0.135, 0.245, 0.666), theta);
        Assert.Contains("four", Assert.Throws<ArgumentException>(() => SpinodoidParameters.Parse("0.1,0.2")).Message);
        Assert.Contains("'x'", Assert.Throws<ArgumentException>(() => SpinodoidParameters.Parse("0.1,0.2,x,0.5")).Message);
    }

    [Fact]
    public void DownsamplingCountsSolidVoxelsOfEachBlock()
    {
        var s = SpinodoidGenerator.Generate(Anisotropic, 4, 32);
        var counts = Downsampling.SolidCounts2x(s);
        Assert.Equal(16 * 16 * 16, counts.Length);
        for (int z = 0; z < 16; z++)
            for (int y = 0; y < 16; y++)
                for (int x = 0; x < 16; x++)
                {
                    int solid = 0;
                    for (int dz = 0; dz < 2; dz++)
                        for (int dy = 0; dy < 2; dy++)
                            for (int dx = 0; dx < 2; dx++)
                                if (!s.IsPore(2 * x + dx, 2 * y + dy, 2 * z + dz)) solid++;
                    Assert.Equal(solid, counts[x + 16 * (y + 16 * z)]);
                }
        Assert.Equal(s.Shape.Count - s.PoreCount(), counts.Sum(c => (long)c));
    }
}
