
namespace Spinodoid.Cli.Support;

/// <summary>Reports on the worker's thread (Spectre's progress is thread-safe).</summary>
internal sealed class Inline<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
