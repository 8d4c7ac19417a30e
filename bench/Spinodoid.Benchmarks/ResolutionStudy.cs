using System.Globalization;
using System.Text;
using Spinodoid.Microstructure;
using Spinodoid.Transport;
using Spinodoid.Runtime;

namespace Spinodoid.Benchmarks;

/// <summary>
/// Discretisation error of η against the continuum: the same morphologies (θ, seed) generated at several N
/// (resolution independence) and solved with the voxel and the sub-voxel discretisation. The continuum value
/// η_c is the Richardson extrapolation (order 2, the sub-voxel order on smooth interfaces) of sub-voxel runs at
/// the two largest N; its distance from the largest run bounds its own uncertainty.
/// </summary>
internal static class ResolutionStudy
{
    private static readonly (string Name, SpinodoidParameters Theta, ulong Seed)[] Named =
    [
        ("η₁ design", new SpinodoidParameters(0.0738, 0.1105, 0.1922, 0.6905), 1),
        ("paper θ₁", new SpinodoidParameters(0.092, 0.135, 0.245, 0.666), 1),
    ];

    public static int Run(string[] args)
    {
        int samples = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
        int[] sizes = args.Length > 1 ? args[1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() : [64, 96, 128, 192];
        int[] reference = args.Length > 2 ? args[2].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() : [192, 256];
        string csv = args.Length > 3 ? args[3] : "resolution-study.csv";
        var random = new SeededRandom(2024);
        var cases = new List<(string Name, SpinodoidParameters Theta, ulong Seed)>();
        for (int k = 0; k < samples; k++)
        {
            var sample = SpinodoidGenerator.SampleConnected(SpinodoidPrior.Paper, random, sizes.Min());
            cases.Add(($"prior draw {k + 1}", sample.Parameters, sample.Seed));
        }
        cases.AddRange(Named);
        var errors = new Dictionary<(Discretization, int), List<double>>();
        foreach (var d in new[] { Discretization.Voxel, Discretization.Subvoxel })
            foreach (int n in sizes) errors[(d, n)] = [];
        var table = new StringBuilder("case,a_x,a_y,a_z,porosity,seed,axis,discretization,N,eta,eta_continuum,relative_error\n");
        Console.WriteLine($"{cases.Count} morphologies; η_c from sub-voxel N = {string.Join(", ", reference)} (Richardson, order 2)");
        foreach (var (name, theta, seed) in cases)
        {
            var fine = reference.Select(n => Solve(theta, seed, n, Discretization.Subvoxel)).ToArray();
            double ratio = (double)reference[1] / reference[0];
            var continuum = Enumerable.Range(0, 3).Select(a => fine[1][a] + (fine[1][a] - fine[0][a]) / (ratio * ratio - 1)).ToArray();
            var line = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
                $"  {name}: θ = {theta}, seed {seed}: η_c = ({string.Join(", ", continuum.Select(v => v.ToString("F4", CultureInfo.InvariantCulture)))}), " +
                $"η_c − η_{reference[1]} = {string.Join(" ", continuum.Zip(fine[1], (c, f) => (100 * (c - f) / c).ToString("+0.00;-0.00", CultureInfo.InvariantCulture)))} %\n"));
            foreach (var d in new[] { Discretization.Voxel, Discretization.Subvoxel })
            {
                line.Append($"    {d,-8}");
                foreach (int n in sizes)
                {
                    var eta = reference.Contains(n) && d == Discretization.Subvoxel ? fine[Array.IndexOf(reference, n)] : Solve(theta, seed, n, d);
                    var rel = eta.Zip(continuum, (e, c) => (e - c) / c).ToArray();
                    errors[(d, n)].AddRange(rel);
                    for (int a = 0; a < 3; a++)
                        table.Append(string.Create(CultureInfo.InvariantCulture,
                            $"{name},{theta.LengthScales.X},{theta.LengthScales.Y},{theta.LengthScales.Z},{theta.Porosity},{seed},{"xyz"[a]},{d},{n},{eta[a]:R},{continuum[a]:R},{rel[a]:R}\n"));
                    line.Append(string.Create(CultureInfo.InvariantCulture, $"  N={n}: {string.Join(" ", rel.Select(v => (100 * v).ToString("+0.00;-0.00")))} %"));
                }
                line.Append('\n');
            }
            Console.Write(line);
        }
        File.WriteAllText(csv, table.ToString());
        Console.WriteLine($"\nerror against η_c over {cases.Count} morphologies × 3 directions (table: {csv})");
        Console.WriteLine("| N | voxel: mean | voxel: mean \\|·\\| | voxel: max \\|·\\| | sub-voxel: mean | sub-voxel: mean \\|·\\| | sub-voxel: max \\|·\\| |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (int n in sizes)
        {
            var v = errors[(Discretization.Voxel, n)];
            var s = errors[(Discretization.Subvoxel, n)];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {n} | {100 * v.Average():+0.00;-0.00} % | {100 * v.Average(Math.Abs):0.00} % | {100 * v.Max(Math.Abs):0.00} % | {100 * s.Average():+0.00;-0.00} % | {100 * s.Average(Math.Abs):0.00} % | {100 * s.Max(Math.Abs):0.00} % |"));
        }
        // Observed order: slope of log(mean |error|) against log N between the first and last size.
        foreach (var d in new[] { Discretization.Voxel, Discretization.Subvoxel })
        {
            double e0 = errors[(d, sizes[0])].Average(Math.Abs), e1 = errors[(d, sizes[^1])].Average(Math.Abs);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"observed order ({d}, N = {sizes[0]} → {sizes[^1]}): {Math.Log(e0 / e1) / Math.Log((double)sizes[^1] / sizes[0]):F2}"));
        }
        return 0;
    }

    private static double[] Solve(SpinodoidParameters theta, ulong seed, int n, Discretization d)
    {
        var structure = d == Discretization.Voxel ? SpinodoidGenerator.Generate(theta, seed, n) : SpinodoidGenerator.GenerateContinuous(theta, seed, n);
        return DiffusivitySolver.SolveAll(structure, new DiffusivityOptions(Discretization: d)).Select(r => r.Diffusivity).ToArray();
    }
}
