namespace Spinodoid.Runtime;

/// <summary>Runs a long stage of a computation, showing its progress (a progress bar in the CLI).</summary>
public interface IStageReporter
{
    /// <summary>Runs <paramref name="work"/>, which reports how many of <paramref name="total"/> steps are done.</summary>
    T Run<T>(string title, int total, Func<IProgress<int>, T> work);

    /// <summary>Runs stages without showing anything.</summary>
    static IStageReporter Silent { get; } = new SilentStageReporter();

    private sealed class SilentStageReporter : IStageReporter
    {
        public T Run<T>(string title, int total, Func<IProgress<int>, T> work) => work(new Progress<int>());
    }
}
