using System.Diagnostics;
using System.Globalization;
using StmKernel.Imaging;

namespace StmKernel.Cli.Watch;

/// <summary>How the watcher finds and settles scans.</summary>
internal sealed record WatchOptions
{
    /// <summary>The folder watched, with its subfolders.</summary>
    public required string Folder { get; init; }

    /// <summary>The output folder: outputs mirror the scans' subfolders; the state, log and failed list live here.</summary>
    public required string Output { get; init; }

    /// <summary>How long a file's size and modification time must stay unchanged before it is read.</summary>
    public required TimeSpan Settle { get; init; }

    /// <summary>A file that cannot be read is retried until it is this old (by modification time), then reported.</summary>
    public required TimeSpan RetryFor { get; init; }

    /// <summary>Full rescan interval, for file systems whose change events are missed (network shares).</summary>
    public required TimeSpan Rescan { get; init; }

    /// <summary>Exit as soon as no scan is pending (after the first rescan) instead of watching on.</summary>
    public bool Once { get; init; }
}

/// <summary>
/// The watch loop: discover files under the folder (on a change event or every <see cref="WatchOptions.Rescan"/>),
/// wait until each is settled (<see cref="WatchOptions.Settle"/> unchanged), skip what the <see cref="WatchState"/>
/// already holds (same path and content), then read and restore it through the shared <see cref="ScanRestoreSession"/>,
/// one at a time, recording each outcome. Dot-files and the output folder (when inside the watched one) are ignored.
/// </summary>
internal sealed class WatchLoop(WatchOptions options, ScanRestoreSession session, WatchState state, WatchLog log)
{
    // A file seen but not yet handled: its last stamp and since when it has been unchanged.
    private sealed record Pending(FileStamp Stamp, DateTime Since);

    private readonly Dictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    // Files handled or ignored in this run, by stamp: a rescan skips them without hashing while they stay unchanged.
    private readonly Dictionary<string, FileStamp> _settled = new(StringComparer.Ordinal);
    private readonly string _outFull = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.Output));

    /// <summary>Scans restored in this run.</summary>
    public int Restored { get; private set; }

    /// <summary>Scans reported as failed in this run.</summary>
    public int Failed { get; private set; }

    /// <summary>Runs until <paramref name="cancel"/> fires (or, with <see cref="WatchOptions.Once"/>, until idle).</summary>
    public void Run(CancellationToken cancel)
    {
        using var changed = new AutoResetEvent(false);
        using var watcher = new FileSystemWatcher(options.Folder) { IncludeSubdirectories = true };
        watcher.Created += (_, _) => changed.Set();
        watcher.Changed += (_, _) => changed.Set();
        watcher.Renamed += (_, _) => changed.Set();
        watcher.Error += (_, _) => changed.Set(); // an overflowed event buffer: rescan everything
        watcher.EnableRaisingEvents = true;

        var sinceRescan = Stopwatch.StartNew();
        bool discover = true;
        while (!cancel.IsCancellationRequested)
        {
            if (discover)
            {
                Discover();
                sinceRescan.Restart();
            }
            ProcessSettled(cancel);
            if (options.Once && _pending.Count == 0) return;
            // Poll pending files often enough to notice settling; otherwise sleep until a change or the rescan.
            var wait = _pending.Count > 0 ? Min(options.Settle / 4, options.Rescan) : options.Rescan - sinceRescan.Elapsed;
            int signalled = WaitHandle.WaitAny([changed, cancel.WaitHandle], Max(wait, TimeSpan.FromMilliseconds(10)));
            discover = signalled == 0 || sinceRescan.Elapsed >= options.Rescan;
        }
    }

    private void Discover()
    {
        var now = DateTime.UtcNow;
        foreach (var path in Directory.EnumerateFiles(options.Folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden }))
        {
            if (Ignored(path) || _pending.ContainsKey(path)) continue;
            if (FileStamp.Of(path) is not { } stamp) continue;
            if (_settled.TryGetValue(path, out var seen) && seen == stamp) continue;
            _pending[path] = new Pending(stamp, now);
        }
    }

    private bool Ignored(string path)
    {
        string full = Path.GetFullPath(path);
        return Path.GetFileName(path).StartsWith('.') || full.StartsWith(_outFull + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    private void ProcessSettled(CancellationToken cancel)
    {
        foreach (var path in _pending.Keys.Order(StringComparer.Ordinal).ToList())
        {
            if (cancel.IsCancellationRequested) return;
            var now = DateTime.UtcNow;
            var pending = _pending[path];
            if (FileStamp.Of(path) is not { } stamp) { _pending.Remove(path); continue; } // deleted or renamed away
            if (stamp != pending.Stamp) { _pending[path] = new Pending(stamp, now); continue; } // still being written
            if (now - pending.Since < options.Settle) continue;
            if (Handle(path, stamp, cancel)) { _pending.Remove(path); _settled[path] = stamp; }
            else _pending[path] = new Pending(stamp, DateTime.UtcNow); // not readable yet: wait another settle time
        }
    }

    /// <summary>Handles one settled file; false when it should be tried again later (young and unreadable).</summary>
    private bool Handle(string path, FileStamp stamp, CancellationToken cancel)
    {
        string relative = Path.GetRelativePath(options.Folder, path).Replace(Path.DirectorySeparatorChar, '/');
        var known = state.Find(relative);
        if (known is not null && known.Stamp == stamp) return true; // handled before, unchanged since
        bool young = DateTime.UtcNow - stamp.ModifiedUtc < options.RetryFor;
        // Companions (a MATRIX parameter file), notes and other files are not scans; a young one may be a scan whose header is not yet written.
        if (!InputFiles.IsImageFile(path)) return !young;
        string hash = FileStamp.Hash(path);
        if (known is not null && known.Hash == hash)
        {
            state.Record(known with { Stamp = stamp }); // touched or copied, same content: done already
            return true;
        }

        string outputName = $"{Path.GetFileNameWithoutExtension(relative)}.{RestoreRun.OutputSuffix(session.Task)}.gwy";
        string outputRelative = Path.GetDirectoryName(relative) is { Length: > 0 } sub ? $"{sub}/{outputName}" : outputName;
        string output = Path.Combine(options.Output, outputRelative);
        var clock = Stopwatch.StartNew();
        ScanSource scan;
        try
        {
            scan = session.Read(path);
        }
        catch (Exception e) when (IsScanError(e))
        {
            if (young)
            {
                log.Line($"retry {relative}: not readable yet ({e.Message.ReplaceLineEndings(" ")})");
                return false;
            }
            return Fail(relative, stamp, hash, e.Message);
        }
        try
        {
            if (state.OtherWriterOf(outputRelative, relative) is { } other)
                throw new CliException($"output {output} is already restored from {other} (same name in the same folder)");
            CreateOutputFolder(Path.GetDirectoryName(output)!);
            // The outputs are the watcher's own: one left without a state entry is from a run killed before it recorded.
            session.Restore(scan, output, force: true, [path], cancel);
        }
        catch (OperationCanceledException)
        {
            log.Line($"abandoned {relative}: stopping; no output written, it is restored on the next start");
            return false;
        }
        catch (Exception e) when (IsScanError(e))
        {
            return Fail(relative, stamp, hash, e.Message);
        }
        if (FileStamp.Of(path) != stamp)
        {
            log.Line($"changed {relative} while it was restored: restoring it again once it settles");
            return false;
        }
        state.Record(new WatchEntry(relative, stamp, hash, Failed: false, outputRelative));
        Restored++;
        log.Line(string.Create(CultureInfo.InvariantCulture, $"restored {relative} -> {output} ({clock.Elapsed.TotalSeconds:F1} s)"));
        return true;
    }

    private static void CreateOutputFolder(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputWriteException($"cannot create the output folder {folder}: {e.Message}", e);
        }
    }

    private bool Fail(string relative, FileStamp stamp, string hash, string reason)
    {
        state.Record(new WatchEntry(relative, stamp, hash, Failed: true, Output: null));
        log.Failed(relative, reason);
        Failed++;
        return true;
    }

    // An output that cannot be written (full disk, read-only OUT) is not the scan's fault: it is not listed as failed
    // (it would never be retried) but stops the watcher with the error, and the scan is restored on the next start.
    private static bool IsScanError(Exception e) =>
        e is CliException or IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException or FormatException
        && e is not OutputWriteException;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
