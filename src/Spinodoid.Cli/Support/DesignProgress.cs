using System.Globalization;
using Spectre.Console;
using Spinodoid.Design;
using Spinodoid.Design.Abc;
using Spinodoid.Microstructure;

namespace Spinodoid.Cli.Support;

/// <summary>Shows a design as it runs: a header line, one progress bar per ABC generation, and one per validation.</summary>
internal sealed class DesignProgress : IDesignObserver
{
    public void Starting(DesignJob job, string simulator, AbcCheckpoint resumed)
    {
        int completedGenerations = resumed.Generations.Count;
        if (resumed.Repair is { } repair) AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(repair)}[/]");
        var request = job.Request;
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"designing η = ({Markup.Escape(request.Target.ToString())}) with {Markup.Escape(simulator)}, mode {request.Mode.ToString().ToLowerInvariant()}, ") +
            string.Create(CultureInfo.InvariantCulture, $"P = {request.Population}, final tolerance τ = {100 * request.FinalTolerance:0.###} % → {Markup.Escape(job.Directory)}") +
            (completedGenerations > 0 ? $" (resuming after generation {completedGenerations - 1})" : ""));
    }

    public AbcResult Sampling(Func<IProgress<AbcProgress>?, AbcResult> abc)
    {
        AbcResult result = null!;
        AnsiConsole.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                ProgressTask? task = null;
                int current = -1;
                var progress = new Inline<AbcProgress>(p =>
                {
                    if (p.Generation != current)
                    {
                        task?.StopTask();
                        task = ctx.AddTask($"generation {p.Generation}", maxValue: p.PopulationSize);
                        current = p.Generation;
                    }
                    task!.Value = p.Accepted;
                    string tolerance = double.IsInfinity(p.Tolerance) ? "∞" : string.Create(CultureInfo.InvariantCulture, $"{100 * p.Tolerance:0.###} %");
                    task.Description = string.Create(CultureInfo.InvariantCulture,
                        $"generation {p.Generation}, τ {tolerance}: {p.Accepted}/{p.PopulationSize} accepted, {p.GenerationSimulations} calls ({100 * p.AcceptanceRate:0.0} %), total {p.TotalSimulations}");
                    if (p.Completed is { } done)
                        task.Description += string.Create(CultureInfo.InvariantCulture, $", ESS {done.EffectiveSampleSize:0}, {done.Seconds:0.0} s");
                });
                result = abc(progress);
                task?.StopTask();
            });
        return result;
    }

    public void Validating(SpinodoidParameters theta, int round, int count, int size) =>
        AnsiConsole.MarkupLine(round == 0
            ? $"validating the posterior mean with the solver: {count} structures at N = {size}"
            : $"refinement round {round}: validating θ = {Markup.Escape(theta.ToString())} with the solver");

    public T Run<T>(string title, int total, Func<IProgress<int>, T> work) => ProgressBarStages.Instance.Run(title, total, work);
}
