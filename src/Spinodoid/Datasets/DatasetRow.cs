using System.Globalization;
using Spinodoid.Microstructure;

namespace Spinodoid.Datasets;

/// <summary>One labelled structure: θ, seed, N, measured porosity, η along x, y, z, and how they were computed.</summary>
public sealed record DatasetRow(
    int Index, string Split, SpinodoidParameters Theta, ulong Seed, int Size, double MeasuredPorosity,
    double EtaX, double EtaY, double EtaZ, int Attempts, double MaxRelativeChange, double MaxFluxImbalance,
    int Iterations, double SolveSeconds, string Version)
{
    /// <summary>The CSV header (pandas reads the table as it is).</summary>
    public static string Header { get; } =
        $"index,split,{string.Join(",", SpinodoidParameters.Names)},seed,n,measured_porosity,eta_x,eta_y,eta_z,attempts,max_relative_change,max_flux_imbalance,iterations,solve_seconds,version";

    /// <summary>η along an axis.</summary>
    public double Eta(Axis axis) => axis switch { Axis.X => EtaX, Axis.Y => EtaY, _ => EtaZ };

    /// <summary>The row as CSV (round-trip precision, invariant culture).</summary>
    public string ToCsv() => string.Create(CultureInfo.InvariantCulture,
        $"{Index},{Split},{Theta.LengthScales.X:R},{Theta.LengthScales.Y:R},{Theta.LengthScales.Z:R},{Theta.Porosity:R},{Seed},{Size}," +
        $"{MeasuredPorosity:R},{EtaX:R},{EtaY:R},{EtaZ:R},{Attempts},{MaxRelativeChange:R},{MaxFluxImbalance:R},{Iterations},{SolveSeconds:0.###},{Version}");

    /// <summary>Parses one CSV line; throws <see cref="FormatException"/> naming the problem.</summary>
    public static DatasetRow Parse(string line)
    {
        var f = line.Split(',');
        if (f.Length != 18) throw new FormatException($"expected 18 comma-separated fields, found {f.Length}");
        var c = CultureInfo.InvariantCulture;
        double D(int i) => double.Parse(f[i], NumberStyles.Float, c);
        int I(int i) => int.Parse(f[i], NumberStyles.Integer, c);
        if (f[1] is not ("train" or "validation" or "test")) throw new FormatException($"unknown split '{f[1]}'");
        return new DatasetRow(I(0), f[1], new SpinodoidParameters(D(2), D(3), D(4), D(5)), ulong.Parse(f[6], c), I(7),
            D(8), D(9), D(10), D(11), I(12), D(13), D(14), I(15), D(16), f[17]);
    }

    /// <summary>True when the deterministic columns agree (everything but the wall time).</summary>
    public bool SameLabels(DatasetRow other) => this with { SolveSeconds = 0 } == other with { SolveSeconds = 0 };
}
