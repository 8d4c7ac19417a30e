using System.Globalization;

namespace Spinodoid.Runtime;

/// <summary>
/// An exclusive lock on a working folder (a design run, a dataset, a training run), held for as long as the work runs:
/// a second process on the same folder is refused with who holds it, instead of both writing into it. The lock is the
/// operating system's (released when the holder exits, even by kill -9); <c>.lock.owner</c> says who took it.
/// </summary>
public sealed class FolderLock : IDisposable
{
    private const string LockName = ".lock", OwnerName = ".lock.owner";
    private readonly FileStream _stream;

    private FolderLock(FileStream stream) => _stream = stream;

    /// <summary>
    /// Takes the lock on <paramref name="directory"/> (created if missing) for <paramref name="work"/> (e.g. "design run").
    /// Throws <see cref="IOException"/> naming the holder when another process has it.
    /// </summary>
    public static FolderLock Acquire(string directory, string work)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, LockName), owner = Path.Combine(directory, OwnerName);
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            File.WriteAllText(owner, string.Create(CultureInfo.InvariantCulture,
                $"{work}, process {Environment.ProcessId} on {Environment.MachineName}, since {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC\n"));
            return new FolderLock(stream);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            string holder = File.Exists(owner) ? File.ReadAllText(owner).Trim() : "another process";
            throw new IOException($"'{directory}' is in use by {holder}; wait for it to finish or use another folder", e);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();
}
