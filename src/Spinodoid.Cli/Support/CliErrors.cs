using Spectre.Console.Cli;

namespace Spinodoid.Cli.Support;

/// <summary>
/// Turns exceptions into one clear line on standard error (never wrapped, never mixed into a command's output, so
/// <c>spinodoid sample-prior … &gt; p.csv</c> keeps the CSV clean) and an exit code.
/// </summary>
internal static class CliErrors
{
    /// <summary>Exit code for bad input (arguments, files).</summary>
    public const int BadInput = 2;

    /// <summary>Exit code for failures while running.</summary>
    public const int Failure = 1;

    public static int Report(Exception exception, TextWriter errors)
    {
        var e = exception is AggregateException { InnerExceptions.Count: 1 } agg ? agg.InnerException! : exception;
        bool input = e is ArgumentException or FormatException or FileNotFoundException or InvalidDataException
                     or IOException or UnauthorizedAccessException or CommandRuntimeException or CommandParseException
                     or InsufficientMemoryException;
        string message = System.Text.RegularExpressions.Regex.Replace(e.Message, @" \(Parameter '[^']*'\)$", "");
        errors.WriteLine($"error: {message.ReplaceLineEndings(" ")}");
        if (!input && Environment.GetEnvironmentVariable("SPINODOID_DEBUG") == "1")
            errors.WriteLine(e.ToString());
        errors.Flush();
        return input ? BadInput : Failure;
    }
}
