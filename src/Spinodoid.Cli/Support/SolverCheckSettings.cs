using Spectre.Console;
using System.ComponentModel;
using Spectre.Console.Cli;
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
        new(Discretization: Discretizations.Parse(Discretization));
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
