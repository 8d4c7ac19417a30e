using Spinodoid.Surrogate;

namespace Spinodoid.Cli.Support;

/// <summary>Where the bundled default model and dataset live: models/compact and data/compact beside the program or in the repository.</summary>
internal static class BundledModel
{
    /// <summary>Environment variable naming a models folder (holding compact/) or a model folder, ahead of the bundled one.</summary>
    public const string ModelsVariable = "SPINODOID_MODELS";

    /// <summary>The default model's folder: $SPINODOID_MODELS, else the bundled one beside the program (or in a clone).</summary>
    public static string Locate()
    {
        if (Environment.GetEnvironmentVariable(ModelsVariable) is { Length: > 0 } given)
        {
            foreach (var candidate in new[] { given, Path.Combine(given, "compact") })
                if (File.Exists(Path.Combine(candidate, SurrogateModel.CardName))) return candidate;
            throw new FileNotFoundException($"{ModelsVariable}='{given}' holds no model ({SurrogateModel.CardName} in it or in compact/)");
        }
        return Find(Path.Combine("models", "compact"), SurrogateModel.CardName)
            ?? throw new FileNotFoundException("no bundled model found (models/compact); train one with 'spinodoid train' and pass --model DIR");
    }

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
