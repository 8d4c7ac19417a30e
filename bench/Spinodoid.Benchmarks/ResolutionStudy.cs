using System.Globalization;
using Spinodoid.Microstructure;
using Spinodoid.Transport;

namespace Spinodoid.Benchmarks;

/// <summary>
/// Discretisation error of η against grid size: the same morphologies (θ, seed) from the prior generated at
/// several N (resolution independence) and solved; relative differences to N = 192, the paper's grid.
/// </summary>
internal static class ResolutionStudy
{
    public static int Run(string[] args)
    {
        int samples = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
        int[] sizes = args.Length > 1 ? args[1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() : [64, 96, 128];
        const int reference = 192;
        var random = new SeededRandom(2024);
        var errors = sizes.ToDictionary(n => n, _ => new List<double>());
        Console.WriteLine($"{samples} prior draws (connected at N = {sizes.Min()}), η relative to N = {reference}");
        for (int k = 0; k < samples; k++)
        {
            var sample = SpinodoidGenerator.SampleConnected(SpinodoidPrior.Paper, random, sizes.Min());
            var etaRef = DiffusivitySolver.SolveAll(SpinodoidGenerator.Generate(sample.Parameters, sample.Seed, reference))
                .Select(r => r.Diffusivity).ToArray();
            var line = $"  θ = {sample.Parameters}: η(192) = ({string.Join(", ", etaRef.Select(v => v.ToString("F3", CultureInfo.InvariantCulture)))})";
            foreach (int n in sizes)
            {
                var eta = DiffusivitySolver.SolveAll(SpinodoidGenerator.Generate(sample.Parameters, sample.Seed, n)).Select(r => r.Diffusivity).ToArray();
                var rel = eta.Zip(etaRef, (a, b) => (a - b) / b).ToArray();
                errors[n].AddRange(rel);
                line += string.Create(CultureInfo.InvariantCulture, $"; N={n}: {string.Join(" ", rel.Select(v => (100 * v).ToString("+0.0;-0.0")))} %");
            }
            Console.WriteLine(line);
        }
        foreach (int n in sizes)
        {
            var e = errors[n];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"N = {n}: mean (η_N − η_192)/η_192 = {100 * e.Average():+0.00;-0.00} %, mean |·| = {100 * e.Average(Math.Abs):0.00} %, max |·| = {100 * e.Max(Math.Abs):0.00} %"));
        }
        return 0;
    }
}
