using System.Globalization;

namespace StmKernel.Imaging;

/// <summary>
/// An output could not be written (full disk, read-only or missing folder, no permission): the fault is the
/// destination's, not the input's, so callers that sort bad inputs from good ones can tell them apart.
/// </summary>
public sealed class OutputWriteException(string message, Exception inner) : IOException(message, inner);

/// <summary>
/// Writes a file through a temporary sibling and an atomic rename, so a crash never leaves a partial
/// output; refuses to replace a file that is open as an input of this process (see <see cref="Protect"/>).
/// </summary>
public static class SafeWrite
{
    private static readonly HashSet<string> Inputs = new(StringComparer.Ordinal);

    /// <summary>Marks <paramref name="path"/> as an input: later writes to it throw instead of overwriting it.</summary>
    public static void Protect(string path)
    {
        lock (Inputs) Inputs.Add(Path.GetFullPath(path));
    }

    /// <summary>
    /// Runs <paramref name="write"/> on a temporary file next to <paramref name="path"/> and renames it into place.
    /// A failure to create, write or rename (an <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/>)
    /// is rethrown as an <see cref="OutputWriteException"/> naming <paramref name="path"/>; the temporary file is
    /// removed and <paramref name="path"/> is left as it was.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        lock (Inputs)
            if (Inputs.Contains(full)) throw new IOException($"{path}: refusing to overwrite an input file; choose another output name");
        string tmp = full + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write))
                write(fs);
            File.Move(tmp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The runtime's message names the temporary file; the user needs the output's name and the reason.
            throw new OutputWriteException($"cannot write {path}: {e.Message}", e);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }
}
