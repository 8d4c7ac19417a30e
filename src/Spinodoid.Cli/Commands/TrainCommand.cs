using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using Spinodoid.Microstructure;
using Spinodoid.Surrogate;
using Spinodoid.Cli.Support;

namespace Spinodoid.Cli.Commands;

internal sealed class TrainCommand : Command<TrainCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--data <DIR>")]
        [Description("Dataset folder (from 'dataset generate'); its CNN input cache is built if missing.")]
        public string Data { get; init; } = "";

        [CommandOption("-o|--out <DIR>")]
        [Description("Model folder: model.bin + model.json (best validation), metrics.csv, and checkpoints to resume from.")]
        public string Out { get; init; } = "";

        [CommandOption("--network <NAME>")]
        [Description("compact (64³ input, joint η_x, η_y, η_z), paper (Figure 4, one direction) or paper-joint.")]
        [DefaultValue("compact")]
        public string Network { get; init; } = "compact";

        [CommandOption("--epochs <E>")]
        [Description("Passes over the training split. Default 40.")]
        [DefaultValue(40)]
        public int Epochs { get; init; }

        [CommandOption("--batch <B>")]
        [Description("Batch size. Default 16 (the paper's).")]
        [DefaultValue(16)]
        public int Batch { get; init; }

        [CommandOption("--optimizer <NAME>")]
        [Description("adam (default; cosine-decayed rate) or sgd (momentum 0.9 with the paper's learning-rate schedule).")]
        [DefaultValue("adam")]
        public string Optimizer { get; init; } = "adam";

        [CommandOption("--lr <RATE>")]
        [Description("Learning rate (adam), or the plateau rate of the paper's schedule (sgd; the paper: 10^-2.5). Default 1e-3.")]
        [DefaultValue(1e-3)]
        public double LearningRate { get; init; }

        [CommandOption("--seed <SEED>")]
        [Description("Seed for weights, batch order and augmentation. Default 0.")]
        [DefaultValue(0UL)]
        public ulong Seed { get; init; }

        [CommandOption("--max-time <SECONDS>")]
        [Description("Wall-time budget of this call, the input cache's build included: after the first epoch, start no epoch that would end past it (at the last epoch's pace); the same command resumes later.")]
        public double? MaxTime { get; init; }

        [CommandOption("--init <MODEL>")]
        [Description("Start from this model folder's weights instead of random ones (fine-tuning), or bundled (the default model) for more epochs or your own labelled data; its architecture must be --network's. Recorded in the model card.")]
        public string? Init { get; init; }

        [CommandOption("--no-augment")]
        [Description("Switch off the label-preserving augmentation.")]
        public bool NoAugment { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Data) || string.IsNullOrWhiteSpace(Out)
                ? ValidationResult.Error("--data DIR and --out DIR are required") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var options = new TrainingOptions(SurrogateArchitecture.ByName(settings.Network), settings.Epochs, settings.Batch,
            settings.Optimizer.ToLowerInvariant(), settings.LearningRate, settings.Seed, !settings.NoAugment,
            settings.Init switch { null => null, "bundled" => BundledModel.Locate(), var path => path }).Validated();
        OutputPaths.CheckFolder(settings.Out);
        AnsiConsole.MarkupLine($"training [bold]{Markup.Escape(options.Architecture.Name)}[/] on {Markup.Escape(settings.Data)} → {Markup.Escape(settings.Out)} " +
                               "(interrupt at any time; the same command resumes from the last finished epoch)");
        if (settings.MaxTime is <= 0) throw new ArgumentException($"--max-time {settings.MaxTime} must be positive (seconds)");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // The input cache (every structure regenerated from its θ and seed: minutes for a large dataset) with its own bar.
        var dataset = Spinodoid.Datasets.DatasetStore.Load(settings.Data);
        if (!Spinodoid.Datasets.InputCache.IsCurrent(settings.Data, dataset.Manifest.Profile))
            ProgressBarStages.Instance.Run($"building the CNN inputs of {dataset.Rows.Count:N0} structures", dataset.Rows.Count,
                progress => Spinodoid.Datasets.InputCache.Build(settings.Data, progress, cancellation));
        int done = 0;
        AnsiConsole.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("epochs", maxValue: options.Epochs);
                var progress = new Inline<EpochMetrics>(m =>
                {
                    task.Value = m.Epoch;
                    task.Description = string.Create(CultureInfo.InvariantCulture,
                        $"epoch {m.Epoch}/{options.Epochs}: train {m.TrainLoss:0.0000e0}, validation {m.ValidationLoss:0.0000e0} (MAPE {m.ValidationMape:0.00} %), lr {m.LearningRate:0.0e0}");
                });
                var within = ctx.AddTask("this epoch", maxValue: 1);
                var batches = new Inline<(int Epoch, int Done, int Total)>(b =>
                {
                    within.MaxValue = b.Total;
                    within.Value = b.Done;
                    within.Description = $"epoch {b.Epoch}: {b.Done:N0}/{b.Total:N0} samples";
                });
                var history = SurrogateTrainer.Train(settings.Data, settings.Out, options, progress, cancellation,
                    settings.MaxTime is double s ? TimeSpan.FromSeconds(Math.Max(0, s - clock.Elapsed.TotalSeconds)) : null, batches);
                done = history.Count;
            });
        if (done < options.Epochs)
            AnsiConsole.MarkupLine($"[yellow]stopped after epoch {done} of {options.Epochs} (--max-time)[/]: run the same command to go on");
        AnsiConsole.MarkupLine($"best model in [green]{Markup.Escape(settings.Out)}[/]; metrics in {Markup.Escape(Path.Combine(settings.Out, "metrics.csv"))}");
        return 0;
    }
}
