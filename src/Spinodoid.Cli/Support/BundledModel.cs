using Spinodoid.Surrogate;

namespace Spinodoid.Cli.Support;

/// <summary>Where the bundled default model and dataset live: models/compact and data/compact beside the program or in the repository.</summary>
internal static class BundledModel
{
    /// <summary>The bundled model's folder.</summary>
    public static string Locate() =>
        Find(Path.Combine("models", "compact"), SurrogateModel.CardName)
        ?? throw new FileNotFoundException("no bundled model found (models/compact); train one with 'spinodoid train' and pass --model DIR");

    /// <summary>The bundled dataset's folder (the bundled model's training data).</summary>
    public static string LocateDataset() =>
        Find(Path.Combine("data", "compact"), Datasets.DatasetManifest.FileName)
        ?? throw new FileNotFoundException("no bundled dataset found (data/compact); pass --data DIR");

    private static string? Find(string folder, string marker)
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, folder);
                if (File.Exists(Path.Combine(candidate, marker))) return candidate;
            }
        return null;
    }
}
