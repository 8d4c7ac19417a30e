using System.Globalization;
using Spinodoid.Microstructure;

namespace Spinodoid.Benchmarks;

/// <summary>
/// Does the threshold move with N? The generator thresholds at the voxel-centre ε-quantile of each grid, so the
/// continuous structure behind a sub-voxel solve differs slightly between N. This prints T_N for N = 64 … 256 and
/// the porosity {Ψ &lt; T_N} has on a 384³ sampling of the same field, against ε (issue #11: the sub-voxel error
/// near the percolation threshold is not this drift — it moves the porosity by ~10⁻⁴).
/// </summary>
internal static class ThresholdDrift
{
    public static int Run(string[] args)
    {
        if (args.Length < 5) { Console.Error.WriteLine("usage: threshold-drift a_x a_y a_z porosity seed"); return 2; }
        double D(int i) => double.Parse(args[i], CultureInfo.InvariantCulture);
        var theta = new SpinodoidParameters(D(0), D(1), D(2), D(3));
        ulong seed = ulong.Parse(args[4], CultureInfo.InvariantCulture);
        const int Fine = 384;
        var fine = GaussianRandomField.Generate(theta.LengthScales, seed, Fine);
        var (_, fineThreshold) = PorosityThreshold.ApplyWithLevel(fine, theta.Porosity);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"θ = {theta}, seed {seed}: T_{Fine} = {fineThreshold:F5}"));
        foreach (int n in new[] { 64, 96, 128, 192, 256 })
        {
            var (_, t) = PorosityThreshold.ApplyWithLevel(GaussianRandomField.Generate(theta.LengthScales, seed, n), theta.Porosity);
            long below = fine.LongCount(v => v < t);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  N = {n,3}: T_N = {t:F5}, porosity of Ψ < T_N on {Fine}³ = {(double)below / fine.LongLength:F5} (ε = {theta.Porosity:F5})"));
        }
        return 0;
    }
}
