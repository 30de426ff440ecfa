using System.Globalization;
using System.Runtime.InteropServices;
using StmKernel.Cli.Watch;
using StmKernel.Imaging;
using StmKernel.UNet.Weights;

namespace StmKernel.Cli.Commands;

/// <summary>`stmkernel watch DIR -o OUT`: restores every scan that lands in an acquisition folder, exactly once.</summary>
public sealed class WatchCommand : ICliCommand
{
    public string Name => "watch";

    public string Summary => "restore every new scan in a folder (and its subfolders) as it lands, exactly once";

    public string Usage => $"""
        usage: stmkernel watch DIR -o OUT [--upscale 2|4] [--settle S] [--retry-for S] [--rescan S] [--once]
                               [restore options: --model, --steps, --ensemble, --check, --seed, …]

          DIR   the acquisition folder; new scan files in it or its subfolders are restored once complete
          OUT   output folder: OUT/SUB/NAME.restored.gwy (NAME.x2.gwy with --upscale 2) + preview for DIR/SUB/NAME.*;
                it also holds {WatchState.FileName} (what was done: path, size, mtime, SHA-256), {WatchLog.LogFile}
                (one line per scan) and {WatchLog.FailedFile} (scans that failed, with the reason)
          --upscale F     super-resolve ×2 or ×4 instead of restoring (default model fm-small-srF)
          --settle S      seconds a file's size and mtime must stay unchanged before it is read (default 3)
          --retry-for S   a file that cannot be read is retried until its mtime is S seconds old, then
                          listed as failed (default 60): acquisition software may pause mid-file
          --rescan S      seconds between full rescans (default 10), for shares where change events are lost
          --once          handle what is there and what settles, then exit when nothing is pending
                          (exit 1 when a scan failed)
        A restart skips what the state holds and restores what arrived meanwhile; a changed file (new content
        under the same name) is restored again. Ctrl-C or SIGTERM abandons the current scan between network
        batches (nothing of it is written) and exits; it is restored on the next start.
        {RestoreSettings.Help}{ChannelOptions.Help}
        """;

    public int Run(ArgReader args)
    {
        int factor = args.Int("upscale", 1, 1, 4);
        if (factor is not (1 or 2 or 4)) throw new CliException($"--upscale must be 2 or 4, got {factor}");
        var settings = RestoreSettings.Read(args, Name, ModelTasks.ForLineFactor(factor)!, factor == 1 ? RestoreCommand.DefaultModel : $"fm-small-sr{factor}");
        var options = new WatchOptions
        {
            Output = args.Required("o", "output"),
            Folder = args.Positionals.Count == 1 ? args.Positionals[0] : throw new CliException($"watch takes one folder, got {args.Positionals.Count} arguments"),
            Settle = Seconds(args, "settle", 3),
            RetryFor = Seconds(args, "retry-for", 60),
            Rescan = Seconds(args, "rescan", 10),
            Once = args.Flag("once"),
        };
        args.EnsureAllUsed();
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

    private static TimeSpan Seconds(ArgReader args, string name, double fallback)
    {
        double s = args.Double(name, fallback);
        return s >= 0 ? TimeSpan.FromSeconds(s) : throw new CliException($"--{name} must be ≥ 0 seconds, got {s.ToString(CultureInfo.InvariantCulture)}");
    }
}
