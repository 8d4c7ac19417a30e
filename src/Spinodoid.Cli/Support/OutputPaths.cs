namespace Spinodoid.Cli.Support;

/// <summary>
/// Checks every output location before any work starts, so that a long run never ends with "cannot write" and a run
/// with several outputs writes all of them or none. One rule for files and folders: the folder that is to hold the
/// output must exist and be writable (a run folder itself may be new).
/// </summary>
internal static class OutputPaths
{
    /// <summary>Throws unless a file can be written at <paramref name="path"/> (null: no such output).</summary>
    public static void CheckFile(string? path)
    {
        if (path is null) return;
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new ArgumentException($"cannot write '{path}': it is a folder");
        CheckWritableFolder(path, Path.GetDirectoryName(full));
    }

    /// <summary>Throws unless <paramref name="path"/> is a writable folder, or can be made as one in a writable folder.</summary>
    public static void CheckFolder(string path)
    {
        string full = Path.GetFullPath(path);
        if (File.Exists(full)) throw new ArgumentException($"cannot use '{path}' as a folder: it is a file");
        CheckWritableFolder(path, Directory.Exists(full) ? full : Path.GetDirectoryName(full));
    }

    private static void CheckWritableFolder(string path, string? folder)
    {
        if (folder is null || !Directory.Exists(folder))
            throw new ArgumentException($"cannot write '{path}': the folder '{folder}' does not exist");
        string probe = Path.Combine(folder, $".spinodoid-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"cannot write '{path}': the folder '{folder}' is not writable ({e.Message})");
        }
    }
}
