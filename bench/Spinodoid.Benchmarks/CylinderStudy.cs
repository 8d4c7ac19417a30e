using System.Globalization;
using Spinodoid.Microstructure;
using Spinodoid.Transport;

namespace Spinodoid.Benchmarks;

/// <summary>
/// Voxel and sub-voxel η of a square array of insulating cylinders (2-D, extruded) against the Rayleigh
/// series of Perrins, McKenzie &amp; McPhedran (1979), at several resolutions: the observed order of convergence.
/// </summary>
internal static class CylinderStudy
{
    /// <summary>σ_eff/σ of a square array of insulating cylinders at area fraction f (Perrins et al. 1979, eq. 5 with T = 1).</summary>
    public static double Rayleigh(double f) =>
        1 - 2 * f / (1 + f - 0.305827 * Math.Pow(f, 4) / (1 - 1.402958 * Math.Pow(f, 8)) - 0.013362 * Math.Pow(f, 8));

    public static int Run(string[] args)
    {
        double fraction = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 0.5;
        int[] sides = args.Length > 1 ? args[1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() : [8, 12, 16, 24, 32, 48, 64];
        double exact = Rayleigh(fraction);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"insulating cylinders, area fraction {fraction}, Rayleigh series η = {exact:F6}"));
        Console.WriteLine("  cell side | diameter (voxels) | voxel η, error | sub-voxel η, error");
        var previous = (Voxel: double.NaN, Sub: double.NaN, Side: 0);
        foreach (int s in sides)
        {
            var (voxel, sub) = Solve(fraction, s);
            double ev = (voxel - exact) / exact, es = (sub - exact) / exact;
            string order = previous.Side == 0 ? "" : string.Create(CultureInfo.InvariantCulture,
                $"   order: voxel {Math.Log(Math.Abs(previous.Voxel / ev)) / Math.Log((double)s / previous.Side):F2}, sub-voxel {Math.Log(Math.Abs(previous.Sub / es)) / Math.Log((double)s / previous.Side):F2}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {s,9} | {2 * Radius(fraction, s),17:F1} | {voxel:F6} {100 * ev,+7:F3} % | {sub:F6} {100 * es,+7:F3} %{order}"));
            previous = (ev, es, s);
        }
        return 0;
    }

    public static double Radius(double fraction, int side) => side * Math.Sqrt(fraction / Math.PI);

    /// <summary>η along x of one unit cell (side s voxels, 2 voxels thick), TauFactor conventions: the inlet and outlet faces are the cell's mirror planes.</summary>
    public static (double Voxel, double Subvoxel) Solve(double fraction, int side)
    {
        var shape = new GridShape(side, side, 2);
        double r = Radius(fraction, side), c = (side - 1) / 2.0;
        double Phi(double x, double y, double z) => r - Math.Sqrt((x - c) * (x - c) + (y - c) * (y - c));
        var phi = new float[shape.Count];
        for (int k = 0; k < shape.Nz; k++)
            for (int j = 0; j < side; j++)
                for (int i = 0; i < side; i++) phi[shape.Index(i, j, k)] = (float)Phi(i, j, k);
        var structure = VoxelStructure.FromLevelSet(shape, phi, FaceApertures.FromFunction(shape, Phi, periodic: false));
        var options = new DiffusivityOptions(BoundaryConvention.TauFactor, LateralBoundary.Mirror, Tolerance: 1e-7, MaxIterations: 2000);
        double voxel = DiffusivitySolver.Solve(structure, Axis.X, options with { Discretization = Discretization.Voxel }).Diffusivity;
        double sub = DiffusivitySolver.Solve(structure, Axis.X, options with { Discretization = Discretization.Subvoxel }).Diffusivity;
        return (voxel, sub);
    }
}
