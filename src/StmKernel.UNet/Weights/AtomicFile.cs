using System.Globalization;

namespace StmKernel.UNet.Weights;

/// <summary>Writes a file through a temporary sibling and a rename, so readers never see a half-written file.</summary>
internal static class AtomicFile
{
    /// <summary>
    /// Calls <paramref name="write"/> on a new temporary file beside <paramref name="path"/>, then renames
    /// it over <paramref name="path"/>. On failure the temporary file is removed and the target untouched.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        string full = System.IO.Path.GetFullPath(path);
        // The name SafeWrite uses too (TARGET.tmp-PID-8 hex), so the next run's SafeWrite.RemoveStaleTemporaries recognises a killed writer's file.
        string tmp = full + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(fs);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            File.Delete(tmp);
            throw;
        }
    }
}
