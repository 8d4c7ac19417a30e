using Spectre.Console;
using System.ComponentModel;
using Spectre.Console.Cli;
using Spinodoid.Design;
using Spinodoid.Transport;

namespace Spinodoid.Cli.Support;

/// <summary>The option of every command that checks structures with the solver (design validation, validate, upscale).</summary>
internal class SolverCheckSettings : CommandSettings
{
    [CommandOption("--discretization <D>")]
    [Description("How the solver sees the structures: subvoxel (default; the η of the continuous structure the generator defines, " +
                 "what a printed or manufactured design has) or voxel (the staircase of the voxels, 3.5–6 % lower at N = 128).")]
    [DefaultValue("subvoxel")]
    public string Discretization { get; init; } = "subvoxel";

    [CommandOption("--solver-tolerance <TOL>")]
    [Description("Relative accuracy of each solver η (the stopping tolerance) in the checks: validation, refinement, upscaling, and " +
                 "design --simulator solver. Default 1e-3: within 6e-5 of a converged solve, under a hundredth of a 20-structure mean's " +
                 "seed scatter; the dataset labels use 1e-5. Allowed: above 0, at most 0.01.")]
    [DefaultValue(DesignValidation.CheckTolerance)]
    public double SolverTolerance { get; init; } = DesignValidation.CheckTolerance;

    [CommandOption("--extrapolate")]
    [Description("Check against the continuum η: each structure is made again at about 3N/4 and η extrapolated at second order from the " +
                 "two sub-voxel solves (about 1.3–1.4× the time; within 0.16 % of the continuum on average at N = 128, where one solve is 0.65 % above it).")]
    public bool Extrapolate { get; init; }

    /// <summary>The solver options these settings ask for.</summary>
    public DiffusivityOptions SolverOptions() =>
        SolverTolerance is > 0 and <= 0.01
            ? new(Tolerance: SolverTolerance, Discretization: Discretizations.Parse(Discretization), Extrapolate: Extrapolate)
            : throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"--solver-tolerance {SolverTolerance:G6} is outside the allowed range (0, 0.01]"));
}

/// <summary>The options of the commands that check structures at one θ with fresh seeds (validate, upscale).</summary>
internal class ThetaCheckSettings : SolverCheckSettings
{
    [CommandOption("--theta <THETA>")]
    [Description("θ = a_x,a_y,a_z,ε to check (e.g. a design's θ; for upscale, at the base size).")]
    public string Theta { get; init; } = "";

    [CommandOption("--seed <SEED>")]
    [Description("First structure seed (then +1, +2, …). Default 1.")]
    [DefaultValue(1UL)]
    public ulong Seed { get; init; }

    public override ValidationResult Validate() =>
        string.IsNullOrWhiteSpace(Theta) ? ValidationResult.Error("--theta a_x,a_y,a_z,ε is required") : ValidationResult.Success();
}
