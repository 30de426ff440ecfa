using System.Globalization;

namespace StmKernel.Cli;

/// <summary>
/// Progress of one job (a file's tiles, a run's steps): done/total, rate and ETA. On a terminal it
/// redraws one line in place at most every 100 ms, cut to the terminal's width; on a log (redirected
/// output) it prints a plain line at most every 5 s and always one when the job completes, so a log
/// gets one line per finished file and never carriage returns.
/// </summary>
public sealed class ProgressBar : IDisposable
{
    private const int BarCells = 30;
    private static readonly TimeSpan TerminalInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(5);

    private readonly string _label;
    private readonly long _total;
    private readonly string _unit;
    private readonly ProgressOutput _output;
    private readonly TimeProvider _time;
    private readonly long _start;
    private TimeSpan? _lastDraw; // null: nothing drawn and the next Advance draws
    private long _done;
    private string _status = "";
    private int _frameLength; // visible length of the frame now on the terminal line; 0 when none is open

    /// <summary>A bar for <paramref name="total"/> <paramref name="unit"/>, drawn on standard error.</summary>
    public ProgressBar(string label, long total, string unit = "items")
        : this(label, total, unit, ProgressOutput.StandardError, TimeProvider.System)
    {
    }

    /// <summary>A bar drawn on <paramref name="output"/>, timed by <paramref name="time"/> (tests pass their own).</summary>
    public ProgressBar(string label, long total, string unit, ProgressOutput output, TimeProvider time)
    {
        _label = label;
        _total = total;
        _unit = unit;
        _output = output;
        _time = time;
        _start = time.GetTimestamp();
        // A terminal shows the bar at once; a log's first line waits one interval, so short jobs print only their result.
        _lastDraw = output.IsTerminal ? null : TimeSpan.Zero;
    }

    /// <summary>Seconds since the bar started.</summary>
    public double ElapsedSeconds => Elapsed.TotalSeconds;

    private TimeSpan Elapsed => _time.GetElapsedTime(_start);

    /// <summary>Advances by <paramref name="n"/> and optionally replaces the trailing status text.</summary>
    public void Advance(long n = 1, string? status = null)
    {
        _done += n;
        if (status is not null) _status = status;
        var now = Elapsed;
        bool complete = _done >= _total;
        if (!complete && _lastDraw is { } last && now - last < (_output.IsTerminal ? TerminalInterval : LogInterval)) return;
        _lastDraw = now;
        if (_output.IsTerminal) DrawFrame(now, complete);
        else _output.Writer.WriteLine($"{_label} {Counts(now)}");
    }

    // One carriage-return frame, cut one column short of the width (writing the last column makes some
    // terminals wrap), padded over whatever is left of a longer previous frame.
    private void DrawFrame(TimeSpan now, bool complete)
    {
        int cap = Math.Max(1, _output.Width() - 1);
        string line = $"{_label} {Bar()} {Counts(now)}";
        if (line.Length > cap) line = line[..cap];
        string pad = new(' ', Math.Max(0, _frameLength - line.Length));
        _output.Writer.Write("\r" + line + pad);
        _frameLength = line.Length;
        if (complete) EndFrame();
    }

    private string Bar()
    {
        int filled = _total > 0 ? (int)Math.Min(BarCells, BarCells * _done / _total) : BarCells;
        return "[" + new string('#', filled) + new string('-', BarCells - filled) + "]";
    }

    // "done/total unit  rate/s  ETA m:ss  status", after the label (and on a terminal, the bar).
    private string Counts(TimeSpan elapsed)
    {
        double rate = _done / Math.Max(elapsed.TotalSeconds, 1e-9);
        double eta = rate > 0 ? (_total - _done) / rate : double.NaN;
        string line = string.Create(CultureInfo.InvariantCulture, $"{_done}/{_total} {_unit}  {rate:F2}/s  ETA {FormatEta(eta)}");
        return _status.Length > 0 ? line + "  " + _status : line;
    }

    private static string FormatEta(double s) =>
        double.IsFinite(s) ? TimeSpan.FromSeconds(Math.Round(s)).ToString(s >= 3600 ? @"h\:mm\:ss" : @"m\:ss", CultureInfo.InvariantCulture) : "--";

    private void EndFrame()
    {
        _output.Writer.WriteLine();
        _frameLength = 0;
    }

    /// <summary>Ends an open terminal frame (a job stopped early) so that later output starts on a fresh line.</summary>
    public void Dispose()
    {
        if (_frameLength > 0) EndFrame();
    }
}
