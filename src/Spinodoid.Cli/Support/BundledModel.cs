using Spinodoid.Surrogate;

namespace Spinodoid.Cli.Support;

/// <summary>Where the bundled default model lives: models/compact beside the program or in the repository.</summary>
internal static class BundledModel
{
    public static string Locate()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "models", "compact");
                if (File.Exists(Path.Combine(candidate, SurrogateModel.CardName))) return candidate;
            }
        throw new FileNotFoundException("no bundled model found (models/compact); train one with 'spinodoid train' and pass --model DIR");
    }
}
