using System.Diagnostics;

namespace StmKernel.Cli;

/// <summary>
/// A one-line progress bar on standard error (so standard output stays parseable): done/total,
/// rate and ETA. Redraws at most every 100 ms; prints plain lines when stderr is redirected.
/// </summary>
public sealed class ProgressBar(string label, long total, string unit = "items") : IDisposable
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _done;
    private long _lastDrawMs = -1000;
    private string _extra = "";

    /// <summary>Seconds since the bar started.</summary>
    public double ElapsedSeconds => _clock.Elapsed.TotalSeconds;

    /// <summary>Advances by <paramref name="n"/> and optionally replaces the trailing status text.</summary>
    public void Advance(long n = 1, string? status = null)
    {
        _done += n;
        if (status is not null) _extra = status;
        long now = _clock.ElapsedMilliseconds;
        bool last = _done >= total;
        if (!last && now - _lastDrawMs < (Console.IsErrorRedirected ? 5000 : 100)) return;
        _lastDrawMs = now;
        Draw(last);
    }

    private void Draw(bool final)
    {
        double s = Math.Max(_clock.Elapsed.TotalSeconds, 1e-9);
        double rate = _done / s;
        double eta = rate > 0 ? (total - _done) / rate : double.NaN;
        int width = 30;
        int filled = total > 0 ? (int)Math.Min(width, width * _done / total) : width;
        string bar = new string('#', filled) + new string('-', width - filled);
        string line = $"{label} [{bar}] {_done}/{total} {unit}  {rate:F2}/s  ETA {FormatEta(eta)}  {_extra}";
        if (Console.IsErrorRedirected) Console.Error.WriteLine(line);
        else Console.Error.Write("\r" + line.PadRight(Math.Min(Console.BufferWidth - 1, 120))[..Math.Min(line.Length, 119)] + (final ? "\n" : ""));
    }

    private static string FormatEta(double s) =>
        double.IsFinite(s) ? TimeSpan.FromSeconds(Math.Round(s)).ToString(s >= 3600 ? @"h\:mm\:ss" : @"m\:ss") : "--";

    public void Dispose()
    {
        if (_done < total && !Console.IsErrorRedirected) Console.Error.WriteLine();
    }
}
