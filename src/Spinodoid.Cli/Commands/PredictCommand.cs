using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using Spinodoid.IO;
using Spinodoid.Microstructure;
using Spinodoid.Surrogate;
using Spinodoid.Cli.Support;
using Spinodoid.Design;

namespace Spinodoid.Cli.Commands;

internal sealed class PredictCommand : Command<PredictCommand.Settings>
{
    public sealed class Settings : StructureReadSettings
    {
        [CommandArgument(0, "[FILE]")]
        [Description("Structure file of the model's grid size. Or give --theta/--seed to generate one.")]
        public string? File { get; init; }

        [CommandOption("--theta <THETA>")]
        [Description("Generate the structure: θ = a_x,a_y,a_z,ε (at the model's N).")]
        public string? Theta { get; init; }

        [CommandOption("--seed <SEED>")]
        [Description("Seed for --theta. Default 0.")]
        [DefaultValue(0UL)]
        public ulong Seed { get; init; }

        [CommandOption("--model <DIR>")]
        [Description("Model folder. Default: the bundled model (models/compact).")]
        public string? Model { get; init; }

        public override ValidationResult Validate() =>
            File is null == Theta is null ? ValidationResult.Error("give either a structure FILE or --theta a_x,a_y,a_z,ε") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        using var model = SurrogateModel.Load(settings.Model ?? BundledModel.Locate());
        var theta = settings.Theta is null ? null : SpinodoidParameters.Parse(settings.Theta);
        if (theta is not null && !(SpinodoidPrior.Paper.Density(theta) > 0))
            AnsiConsole.MarkupLine($"[yellow]warning: θ = {Markup.Escape(theta.ToString())} is outside the prior the model was trained on " +
                                   "(mean length scale 0.05–0.2, anisotropy at most 3, porosity 0.3–0.85): the prediction is an extrapolation[/]");
        var structure = theta is not null
            ? SpinodoidGenerator.Generate(theta, settings.Seed, model.StructureSize)
            : StructureIO.Read(settings.File!, settings.ReadOptions());
        // The design simulator's rule (the paper's): η = 0 along a direction the pore phase does not join inlet to outlet.
        var pores = Connectivity.OfPhase(structure.Pore, structure.Shape, 1, LateralBoundary.Periodic);
        var eta = SurrogateSimulator.ZeroWhereBlocked(model.Predict(structure), pores);
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"η (CNN {model.Network.Architecture.Name}{(model.Correction is null ? "" : " with coarse-grid correction")}): x {eta[0]:0.0000}, y {eta[1]:0.0000}, z {eta[2]:0.0000}"));
        foreach (var (axis, connected) in new[] { ("x", pores.X), ("y", pores.Y), ("z", pores.Z) }.Where(a => !a.Item2))
            AnsiConsole.MarkupLine($"[yellow]no pore path joins inlet and outlet along {axis}: η = 0[/]");
        return 0;
    }
}
