using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using StmKernel.Cli.Watch;
using StmKernel.Imaging;
using StmKernel.UNet.Weights;

namespace StmKernel.Cli.Commands;

/// <summary>`stmkernel watch DIR -o OUT`: restores every scan that lands in an acquisition folder, exactly once.</summary>
public sealed class WatchCommand : CliCommand
{
    private readonly Argument<string> _folder = new("DIR")
    {
        Description = "the acquisition folder; new scan files in it or its subfolders are restored once complete",
    };

    private readonly Option<string> _output = CliOptions.RequiredText("-o", "OUT",
        $"output folder: OUT/SUB/NAME.restored.gwy (NAME.x2.gwy with --upscale 2) + preview for DIR/SUB/NAME.*; it also " +
        $"holds {WatchState.FileName} (what was done: path, size, mtime, SHA-256), {WatchLog.LogFile} (one line per scan) " +
        $"and {WatchLog.FailedFile} (scans that failed, with the reason)", "--output");

    private readonly Option<int> _upscale = CliOptions.Parsed("--upscale", "F", "super-resolve ×2 or ×4 instead of restoring (default model fm-small-srF)",
        s => CliOptions.ParseInt("--upscale", s, 1, 4) switch
        {
            3 => throw new CliException("--upscale must be 2 or 4, got 3"),
            var f => f,
        }).WithDefault(1);

    private readonly Option<double> _settle = Seconds("--settle", "seconds a file's size and mtime must stay unchanged before it is read", 3);

    private readonly Option<double> _retryFor = Seconds("--retry-for",
        "a file that cannot be read is retried until its mtime is S seconds old, then listed as failed: acquisition " +
        "software may pause mid-file", 60);

    private readonly Option<double> _rescan = Seconds("--rescan", "seconds between full rescans, for shares where change events are lost", 10);

    private readonly Option<bool> _once = CliOptions.Flag("--once", "handle what is there and what settles, then exit when nothing is pending (exit 1 when a scan failed)");

    private readonly RestoreSettingsOptions _settings = new($"{RestoreCommand.DefaultModel}, fm-small-srF with --upscale F (from the weights folders)");

    public WatchCommand() : base("watch", "restore every new scan in a folder (and its subfolders) as it lands, exactly once")
    {
        Arguments.Add(_folder);
        foreach (var o in new Option[] { _output, _upscale, _settle, _retryFor, _rescan, _once }) Options.Add(o);
        _settings.AddTo(this);
    }

    public override string Details => """
        A restart skips what the state holds and restores what arrived meanwhile; a changed file (new content under the
        same name) is restored again. Ctrl-C or SIGTERM abandons the current scan between network batches (nothing of it
        is written) and exits; it is restored on the next start.
        """;

    protected override int Run(ParseResult parse)
    {
        int factor = parse.GetValue(_upscale);
        var settings = _settings.Read(parse, Name, ModelTasks.ForLineFactor(factor)!, factor == 1 ? RestoreCommand.DefaultModel : $"fm-small-sr{factor}");
        var options = new WatchOptions
        {
            Output = parse.GetValue(_output)!,
            Folder = parse.GetValue(_folder)!,
            Settle = TimeSpan.FromSeconds(parse.GetValue(_settle)),
            RetryFor = TimeSpan.FromSeconds(parse.GetValue(_retryFor)),
            Rescan = TimeSpan.FromSeconds(parse.GetValue(_rescan)),
            Once = parse.GetValue(_once),
        };
        if (!Directory.Exists(options.Folder)) throw new CliException($"folder {options.Folder} does not exist");
        if (options.Rescan <= TimeSpan.Zero) throw new CliException($"--rescan must be positive, got {options.Rescan.TotalSeconds} s");

        Directory.CreateDirectory(options.Output);
        using var state = WatchState.Open(options.Output);
        using var session = new ScanRestoreSession(settings);
        var log = new WatchLog(options.Output);
        if (SafeWrite.RemoveStaleTemporaries(options.Output, recursive: true) is { Count: > 0 } stale)
            log.Line($"removed {stale.Count} temporary file(s) left by a killed run: {string.Join(", ", stale.Select(f => Path.GetRelativePath(options.Output, f)))}");
        using var stop = new CancellationTokenSource();
        // Ctrl-C and SIGTERM (a service stop, a scheduler's kill) end the loop at a safe point instead of the process mid-write.
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }

        log.Line(string.Create(CultureInfo.InvariantCulture,
            $"watching {options.Folder} -> {options.Output} (settle {options.Settle.TotalSeconds:0.###} s, {state.Count} scan(s) in the state)"));
        var loop = new WatchLoop(options, session, state, log);
        loop.Run(stop.Token);
        log.Line($"{(stop.IsCancellationRequested ? "stopped" : "idle")}: {loop.Restored} restored, {loop.Failed} failed in this run");
        return options.Once && loop.Failed > 0 ? 1 : 0;
    }

    /// <summary>A duration in seconds, ≥ 0.</summary>
    private static Option<double> Seconds(string name, string description, double fallback) =>
        CliOptions.Double(name, "S", description, fallback, s => s >= 0, "≥ 0 seconds");
}
