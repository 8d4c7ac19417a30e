using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using Spinodoid.IO;
using Spinodoid.Microstructure;
using Spinodoid.Surrogate;
using Spinodoid.Cli.Support;

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
        var structure = settings.Theta is not null
            ? SpinodoidGenerator.Generate(SpinodoidParameters.Parse(settings.Theta), settings.Seed, model.StructureSize)
            : StructureIO.Read(settings.File!, settings.ReadOptions());
        var (x, y, z) = model.Predict(structure);
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"η (CNN {model.Network.Architecture.Name}): x {x:0.0000}, y {y:0.0000}, z {z:0.0000}"));
        return 0;
    }
}
