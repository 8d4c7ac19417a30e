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

    /// <summary>The solver options these settings ask for.</summary>
    public DiffusivityOptions SolverOptions() =>
        DesignValidation.SolverOptions(new DiffusivityOptions(Discretization: Discretizations.Parse(Discretization)));
}
