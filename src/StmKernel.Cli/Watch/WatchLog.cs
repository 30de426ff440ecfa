using System.Globalization;

namespace StmKernel.Cli.Watch;

/// <summary>
/// The watcher's one line per scan: on standard output and, time-stamped, in `OUT/watch.log`; a failure also goes
/// to `OUT/failed.txt` (relative path, a tab, the reason), the list to look at after a session.
/// </summary>
internal sealed class WatchLog(string outDir)
{
    /// <summary>The log's name in OUT.</summary>
    public const string LogFile = "watch.log";

    /// <summary>The failed list's name in OUT.</summary>
    public const string FailedFile = "failed.txt";

    private readonly string _log = Path.Combine(outDir, LogFile);
    private readonly string _failed = Path.Combine(outDir, FailedFile);

    /// <summary>Logs <paramref name="message"/> (one line).</summary>
    public void Line(string message)
    {
        Console.Out.WriteLine($"watch: {message}");
        File.AppendAllText(_log, string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {message}\n"));
    }

    /// <summary>Logs and lists a scan that failed, with the reason.</summary>
    public void Failed(string path, string reason)
    {
        string oneLine = reason.ReplaceLineEndings(" ");
        Line($"failed {path}: {oneLine}");
        File.AppendAllText(_failed, $"{path}\t{oneLine}\n");
    }
}
