using Spinodoid.Microstructure;
using Spinodoid.Tests.Support;
using Spinodoid.Runtime;

namespace Spinodoid.Tests.Microstructure;

public class PriorTests
{
    private static readonly SpinodoidPrior Prior = SpinodoidPrior.Paper;

    private static List<SpinodoidParameters> Draws(int count, ulong seed)
    {
        var random = new SeededRandom(seed);
        return Enumerable.Range(0, count).Select(_ => Prior.Sample(random)).ToList();
    }

    [Fact]
    public void MarginalsOfTheConstructionPassKolmogorovSmirnov()
    {
        const int n = 20000;
        var draws = Draws(n, 1);
        var betas = new List<double>();
        var alphaFractions = new List<double>();
        var means = new List<double>();
        var porosities = new List<double>();
        foreach (var t in draws)
        {
            var a = new[] { t.LengthScales.X, t.LengthScales.Y, t.LengthScales.Z }.Order().ToArray();
            double beta = a[2] / a[0], alpha = a[1] / a[0];
            betas.Add(beta);
            alphaFractions.Add((alpha - 1) / (beta - 1)); // α | β ~ U[1, β]  ⇔  this ~ U[0, 1]
            means.Add(a.Average());
            porosities.Add(t.Porosity);
        }
        double critical = Statistics.KolmogorovSmirnovCritical001(n);
        Assert.True(Statistics.KolmogorovSmirnov(betas, v => (v - 1) / 2) < critical, "β ~ U[1, 3]");
        Assert.True(Statistics.KolmogorovSmirnov(alphaFractions, v => v) < critical, "α ~ U[1, β]");
        Assert.True(Statistics.KolmogorovSmirnov(means, v => (v - 0.05) / 0.15) < critical, "mean ~ U[0.05, 0.2]");
        Assert.True(Statistics.KolmogorovSmirnov(porosities, v => (v - 0.3) / 0.55) < critical, "ε ~ U[0.3, 0.85]");
    }

    [Fact]
    public void TheLargestScaleFallsOnEachAxisEqually()
    {
        var draws = Draws(12000, 2);
        var counts = new double[3];
        foreach (var t in draws)
        {
            var a = t.LengthScales;
            counts[a.X >= a.Y && a.X >= a.Z ? 0 : a.Y >= a.Z ? 1 : 2]++;
        }
        var expected = new[] { 4000.0, 4000, 4000 };
        Assert.True(Statistics.ChiSquare(counts, expected) < Statistics.ChiSquareCritical001(2));
    }

    [Fact]
    public void EveryDrawLiesInTheSupportAndOutsidePointsHaveZeroDensity()
    {
        Assert.All(Draws(5000, 3), t => Assert.True(Prior.Contains(t), $"{t} drawn but outside the support"));
        Assert.False(Prior.Contains(new SpinodoidParameters(0.1, 0.15, 0.2, 0.9)));   // ε too high
        Assert.False(Prior.Contains(new SpinodoidParameters(0.05, 0.1, 0.2, 0.5)));   // β = 4
        Assert.False(Prior.Contains(new SpinodoidParameters(0.3, 0.35, 0.4, 0.5)));   // mean 0.35
        Assert.False(Prior.Contains(new SpinodoidParameters(-0.1, 0.1, 0.1, 0.5)));
        Assert.True(Prior.Contains(new SpinodoidParameters(0.092, 0.135, 0.245, 0.666))); // the paper's θ₁
    }

    /// <summary>
    /// Integrates π over a-space in cylindrical coordinates around the isotropic diagonal, where the
    /// 1/(β − 1) singularity is cancelled by the volume element r dr dφ dt; the midpoint rule then converges.
    /// Calls <paramref name="visit"/> with each cell's a-vector and probability mass (ε integrated out).
    /// </summary>
    private static void IntegrateOverLengthScales(int nt, int nr, int nphi, Action<double, double, double, double> visit)
    {
        var u = Normalise([1, 1, 1]);
        var e1 = Normalise([1, -1, 0]);
        var e2 = Cross(u, e1);
        double tMax = Math.Sqrt(3) * 0.2 * 1.001, rMax = 0.26;
        double dt = tMax / nt, dr = rMax / nr, dphi = 2 * Math.PI / nphi;
        double midPorosity = 0.5;
        for (int it = 0; it < nt; it++)
        {
            double t = (it + 0.5) * dt;
            for (int ir = 0; ir < nr; ir++)
            {
                double r = (ir + 0.5) * dr;
                for (int ip = 0; ip < nphi; ip++)
                {
                    double phi = (ip + 0.5) * dphi;
                    double c = Math.Cos(phi) * r, s = Math.Sin(phi) * r;
                    double ax = t * u[0] + c * e1[0] + s * e2[0];
                    double ay = t * u[1] + c * e1[1] + s * e2[1];
                    double az = t * u[2] + c * e1[2] + s * e2[2];
                    // π factorises into π(a)·U(ε); multiplying by the ε-range integrates ε out.
                    double density = Prior.Density(new SpinodoidParameters(ax, ay, az, midPorosity)) * 0.55;
                    if (density > 0) visit(ax, ay, az, density * r * dr * dphi * dt);
                }
            }
        }
    }

    [Fact]
    public void DensityIntegratesToOne()
    {
        double total = 0;
        IntegrateOverLengthScales(160, 160, 240, (_, _, _, mass) => total += mass);
        Assert.InRange(total, 0.99, 1.01);
    }

    [Fact]
    public void DensityMatchesAHistogramOfSamples()
    {
        // Probability of 12 bins of a_x from the density (numerical integration) versus 40,000 draws: χ² test.
        double[] edges = Enumerable.Range(0, 13).Select(i => 0.02 + i * 0.03).ToArray();
        var expectedMass = new double[12];
        IntegrateOverLengthScales(120, 120, 180, (ax, _, _, mass) =>
        {
            int bin = (int)((ax - 0.02) / 0.03);
            if (bin is >= 0 and < 12) expectedMass[bin] += mass;
        });
        const int n = 40000;
        var observed = new double[12];
        foreach (var t in Draws(n, 4))
        {
            int bin = (int)((t.LengthScales.X - 0.02) / 0.03);
            if (bin is >= 0 and < 12) observed[bin]++;
        }
        var used = Enumerable.Range(0, 12).Where(b => expectedMass[b] * n > 20).ToArray();
        double chi = Statistics.ChiSquare(used.Select(b => observed[b]).ToArray(), used.Select(b => expectedMass[b] * n).ToArray());
        // The integration itself carries ~0.5 % error, so the test allows the 0.001 critical value.
        Assert.True(chi < Statistics.ChiSquareCritical001(used.Length - 1), $"χ² = {chi:F1} over {used.Length} bins");
    }

    private static double[] Normalise(double[] v)
    {
        double norm = Math.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }

    private static double[] Cross(double[] a, double[] b) =>
        [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];

    [Fact]
    public void ConnectedSamplerReturnsOnlyConnectedStructures()
    {
        var random = new SeededRandom(5);
        for (int i = 0; i < 4; i++)
        {
            var sample = SpinodoidGenerator.SampleConnected(Prior, random, 32);
            Assert.True(Connectivity.Analyze(sample.Structure).AllConnected);
            Assert.True(Prior.Contains(sample.Parameters));
            Assert.Equal(sample.Structure.Pore, SpinodoidGenerator.Generate(sample.Parameters, sample.Seed, 32).Pore);
        }
    }
}
