using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

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
    /// A failure to create, write or rename (an <see cref="IOException"/>, <see cref="UnauthorizedAccessException"/>, or
    /// the runtime's <see cref="ArgumentOutOfRangeException"/> for a file too large for the file system) is rethrown as an <see cref="OutputWriteException"/> naming <paramref name="path"/>; the temporary file is
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
        catch (ArgumentOutOfRangeException e) when (e.ParamName == "value")
        {
            // write(2) failing with EFBIG (a file over the file system's size limit, e.g. 4 GiB on FAT32, or over the
            // process's `ulimit -f`) reaches us as this, not as an IOException (tools/full-disk.sh).
            throw new OutputWriteException($"cannot write {path}: the file is larger than the file system or the process's file-size limit allows ({e.Message})", e);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    /// <summary>A temporary file's name: TARGET.tmp-PID-8 hex digits (StmKernel.UNet's AtomicFile names its files the same way).</summary>
    private static readonly Regex TemporaryName = new(@"^.+\.tmp-(?<pid>[0-9]{1,10})-[0-9a-f]{8}$", RegexOptions.CultureInvariant);

    /// <summary>A temporary file younger than this is never removed: its writer may be on another machine sharing the folder.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(2);

    /// <summary>Older than this, a temporary file is stale even when a process of its writer's id runs (the id was reused after a kill).</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromHours(1);

    /// <summary>
    /// Removes the temporary files a killed writer left in <paramref name="folder"/> (and its subfolders when
    /// <paramref name="recursive"/>): files named as <see cref="Write"/> names them, not written for
    /// <see cref="StaleAfter"/>, whose writer process is gone (or that are older than <see cref="AbandonedAfter"/>).
    /// Files of this process and every other name are left alone. Returns the removed paths; a file that
    /// cannot be removed is skipped (the next write does not need the name).
    /// </summary>
    public static IReadOnlyList<string> RemoveStaleTemporaries(string folder, bool recursive = false) =>
        RemoveStaleTemporaries(folder, recursive, DateTime.UtcNow);

    internal static IReadOnlyList<string> RemoveStaleTemporaries(string folder, bool recursive, DateTime now)
    {
        var removed = new List<string>();
        if (!Directory.Exists(folder)) return removed;
        var options = new EnumerationOptions { RecurseSubdirectories = recursive, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        foreach (string path in Directory.EnumerateFiles(folder, "*.tmp-*", options))
        {
            var m = TemporaryName.Match(Path.GetFileName(path));
            if (!m.Success || !int.TryParse(m.Groups["pid"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid == Environment.ProcessId)
                continue;
            try
            {
                var age = now - File.GetLastWriteTimeUtc(path);
                if (age < StaleAfter || (age < AbandonedAfter && IsRunning(pid))) continue;
                File.Delete(path);
                removed.Add(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Not ours to fight over: a read-only folder keeps its temporary files, and writes report that themselves.
            }
        }
        return removed;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}
