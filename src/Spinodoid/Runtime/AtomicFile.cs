namespace Spinodoid.Runtime;

/// <summary>Writes files under a temporary name and renames them into place, so no half-written file is left.</summary>
public static class AtomicFile
{
    /// <summary>Runs <paramref name="write"/> on a temporary file next to <paramref name="path"/>, then renames it.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        var (full, temporary) = Paths(path);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        catch (UnauthorizedAccessException e)
        {
            TryDelete(temporary);
            throw new IOException($"cannot write '{path}': permission denied", e);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>
    /// For writers that take a file name (libtorch's save): <paramref name="write"/> writes the temporary path given
    /// to it, which is then renamed to <paramref name="path"/>.
    /// </summary>
    public static void WriteFile(string path, Action<string> write)
    {
        var (full, temporary) = Paths(path);
        try
        {
            write(temporary);
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>Writes text atomically (UTF-8).</summary>
    public static void WriteText(string path, string text) =>
        Write(path, s => { using var w = new StreamWriter(s, new System.Text.UTF8Encoding(false), leaveOpen: true); w.Write(text); });

    /// <summary>The full target path and a unique hidden temporary name beside it; the folder must exist.</summary>
    private static (string Full, string Temporary) Paths(string path)
    {
        string full = Path.GetFullPath(path);
        string? directory = Path.GetDirectoryName(full);
        if (directory is null || !Directory.Exists(directory))
            throw new IOException($"cannot write '{path}': the folder '{directory}' does not exist");
        return (full, Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp"));
    }

    private static void TryDelete(string path)
    {
        try { if (File.Exists(path)) File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
