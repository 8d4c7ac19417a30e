using Spinodoid.Runtime;
using Spectre.Console;

namespace Spinodoid.Cli.Support;

/// <summary>Shows each long stage of a computation as a progress bar with elapsed and remaining time.</summary>
internal sealed class ProgressBarStages : IStageReporter
{
    public static ProgressBarStages Instance { get; } = new();

    public T Run<T>(string title, int total, Func<IProgress<int>, T> work)
    {
        T result = default!;
        AnsiConsole.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(title), maxValue: total);
                result = work(new Inline<int>(k => task.Value = k));
            });
        return result;
    }
}
