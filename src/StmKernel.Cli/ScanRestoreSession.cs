using System.Diagnostics;
using System.Globalization;
using StmKernel.Cli.Commands;
using StmKernel.Imaging;
using StmKernel.Imaging.Classical;
using StmKernel.Sampling;
using StmKernel.Sampling.Pipelines;
using StmKernel.Tensors.Threading;
using StmKernel.UNet.Weights;

namespace StmKernel.Cli;

/// <summary>A scan file as read, with the channel the settings select.</summary>
/// <param name="Path">The file.</param>
/// <param name="Document">Every channel of the file (the .gwy output keeps them after the restored ones).</param>
/// <param name="Channel">The channel to restore.</param>
/// <param name="ReadTime">Reading and decoding the file.</param>
internal sealed record ScanSource(string Path, StmDocument Document, StmImage Channel, TimeSpan ReadTime);

/// <summary>
/// One model load and worker pool serving many scan files: <see cref="Read"/> a file, then <see cref="Restore"/>
/// it (<see cref="ScanRestorer"/>: conditioning, scale, lattice check, tiled restore) to a .gwy (restored,
/// uncertainty, invented, original channels), .npy, .tif or .png, with a PNG preview beside. Shared by the
/// `restore`/`upscale` batch and the `watch` folder. Progress goes to standard error, results to standard output.
/// </summary>
internal sealed class ScanRestoreSession : IDisposable
{
    private readonly RestoreSettings _settings;
    private readonly RestorationModel _model;
    private readonly WorkerPool _pool;
    private readonly ScanRestorer _restorer;

    /// <summary>Loads the settings' model and checks it suits the command (task, ensemble).</summary>
    public ScanRestoreSession(RestoreSettings settings)
    {
        _settings = settings;
        _model = RestorationModel.Load(ModelLocator.Resolve(settings.ModelArg), DeviceOption.Backend(settings.Device, settings.LowMemory));
        // The model's task fixes its pipeline: a restore model cannot upscale, an sr4 model not by 2, an orbital model
        // does not restore scans (a model without a recorded task is taken at the user's word).
        if (_model.Task is { } task && task != settings.Task.Name)
            throw new CliException($"model {_model.Name} was trained for '{task}', but {settings.Command} needs a '{settings.Task.Name}' model");
        if (_model.Sampler is null && settings.Ensemble > 1)
            throw new CliException($"model {_model.Name} is a one-pass model (no sampler): --ensemble needs a sampled model");
        Console.Out.WriteLine($"model {_model.Describe()}");
        _pool = new WorkerPool(settings.Threads);
        _restorer = new ScanRestorer(_model, _pool, new ScanRestoreOptions
        {
            Restore = new RestoreOptions { Steps = settings.Steps, EnsembleSize = settings.Ensemble, Seed = settings.Seed, Overlap = settings.Overlap, BatchSize = settings.Batch },
            Factor = settings.Factor, PixelSize = settings.PixelSize, AnySurface = settings.AnySurface, Check = settings.Check, Tool = $"stmkernel {settings.Command}",
        });
    }

    /// <summary>The task of the session's model (restore, sr2, sr4, orbital).</summary>
    public ModelTask Task => _settings.Task;

    /// <summary>Reads <paramref name="input"/> and selects the channel; throws what the reader throws for a bad file.</summary>
    public ScanSource Read(string input)
    {
        long start = Stopwatch.GetTimestamp();
        var doc = StmFile.Read(input);
        foreach (var w in doc.Warnings) Console.Error.WriteLine($"warning: {w}");
        var channel = ChannelOptions.One(doc, _settings.Channel, _settings.Direction, input);
        return new ScanSource(input, doc, channel, Stopwatch.GetElapsedTime(start));
    }

    /// <summary>
    /// Restores <paramref name="scan"/> to <paramref name="output"/> (and its preview and check figure beside it),
    /// replacing existing files only with <paramref name="force"/> and never one of <paramref name="inputs"/>.
    /// <paramref name="cancel"/> abandons the scan between network batches, before anything is written; the
    /// writes themselves are atomic and not interrupted, so an output is either complete or absent.
    /// </summary>
    public (long Tiles, long Forwards) Restore(ScanSource scan, string output, bool force, IReadOnlyList<string> inputs, CancellationToken cancel = default)
    {
        string input = scan.Path;
        string? preview = Path.GetExtension(output).Equals(".png", StringComparison.OrdinalIgnoreCase) ? null : Path.ChangeExtension(output, ".png");
        string? checkPng = _settings.Check && _settings.Factor == 1 ? Path.ChangeExtension(output, ".check.png") : null;
        foreach (var path in new[] { output, preview, checkPng })
            if (path is not null) OutputPaths.EnsureWritable(path, force, [.. inputs]);

        long preparing = Stopwatch.GetTimestamp();
        var prepared = _restorer.Prepare(scan.Channel);
        var prepareTime = Stopwatch.GetElapsedTime(preparing);
        if (prepared.PixelSizeAssumed)
        {
            var range = _model.PixelSizeRange;
            Console.Error.WriteLine(FormattableString.Invariant(
                $"warning: {input}: no physical size in the file: assuming it is at the model's scale ({range.Min * 1e9:0.###}–{range.Max * 1e9:0.###} nm/px, no resampling, no lattice check); give the scan's pixel size with --pixel-size, e.g. --pixel-size 0.195nm"));
        }
        Console.Out.WriteLine($"{input}: pixel size {prepared.ScaleText}");
        if (prepared.Lattice is { } verdict) Console.Out.WriteLine($"{input}: lattice: {verdict.Message}");
        if (prepared.Refusal is { } refusal) throw new CliException(refusal); // before the progress bar starts

        RestoredScan result;
        long restoring = Stopwatch.GetTimestamp();
        using (var bar = new ProgressBar(Path.GetFileName(input), prepared.WorkItems, "tiles"))
        {
            int last = 0;
            result = _restorer.Restore(prepared, (d, _) =>
            {
                // The restorer reports after every network batch on this thread: the one safe point to stop.
                cancel.ThrowIfCancellationRequested();
                bar.Advance(d - last);
                last = d;
            });
        }
        var restoreTime = Stopwatch.GetElapsedTime(restoring);
        cancel.ThrowIfCancellationRequested();

        long writing = Stopwatch.GetTimestamp();
        var restored = result.Restored;
        if (Path.GetExtension(output).Equals(".gwy", StringComparison.OrdinalIgnoreCase)) StmFile.WriteGwy(output, [.. result.Channels, .. scan.Document.Channels]);
        else StmFile.Write(output, [restored]);
        if (preview is not null) StmFile.WritePng(preview, restored);
        if (result.Invented is { } invented && checkPng is not null)
        {
            var shown = new StmImage(prepared.Input.Data, prepared.Input.Dim(1), prepared.Input.Dim(0));
            PngPreview.Write(checkPng, PanelStrip.Compose([new(shown), new(restored), new(invented, (0f, 1f))]), 0f, 1f);
        }

        var writeTime = Stopwatch.GetElapsedTime(writing);

        var grid = result.Result.Grid;
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {output}{(preview is null ? "" : $" + {Path.GetFileName(preview)}")}: {restored.Title} {restored.Width}×{restored.Height}, " +
            $"tiles={grid.Count}, forwards={result.Result.NetworkEvaluations}"));
        if (result.InventedFraction is { } flagged)
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{input}: invented map: {flagged:P1} of the pixels flagged (score > {InventedMap.FlagThreshold}){(checkPng is null ? "" : $"; figure {Path.GetFileName(checkPng)}")}"));
        if (result.Result.Uncertainty is { ShouldWarn: true } report) WarnUncertain(input, report, result.UncertainRegions, restored);
        if (_settings.Timings) Console.Out.WriteLine($"{input}: {TimingsLine(scan.ReadTime, prepareTime, result.Result, restoreTime, writeTime)}");
        return (grid.Count, result.Result.NetworkEvaluations);
    }

    /// <summary>
    /// The --timings line: read, prepare (conditioning, resampling, lattice check), the tiled restore's phases
    /// (<see cref="RestoreTimings"/>), post (back to the scan's grid, invented map, channels: the restore call
    /// less the tiled restore) and write (every output file), with the network's time per forward.
    /// </summary>
    internal static string TimingsLine(TimeSpan read, TimeSpan prepare, RestoreResult result, TimeSpan restore, TimeSpan write)
    {
        var t = result.Timings;
        var post = restore - t.Total;
        var total = read + prepare + restore + write;
        double perForward = result.NetworkEvaluations > 0 ? t.Network.TotalMilliseconds / result.NetworkEvaluations : 0;
        return string.Create(CultureInfo.InvariantCulture,
            $"timings: read {Ms(read)}, prepare {Ms(prepare)}, tile {Ms(t.Tiling)}, network {Ms(t.Network)} " +
            $"({result.NetworkEvaluations} forwards in {result.BatchedCalls} calls, {perForward:F1} ms per forward), sampler {Ms(t.Sampler)}, " +
            $"blend {Ms(t.Blending)}, post {Ms(post)}, write {Ms(write)}; total {Ms(total)}");

        static string Ms(TimeSpan s) => string.Create(CultureInfo.InvariantCulture, $"{s.TotalMilliseconds:F1} ms");
    }

    /// <summary>The ensemble's warning, with the first regions (<paramref name="regions"/>: in the scan's pixels) in pixels and, when known, nanometres.</summary>
    private static void WarnUncertain(string input, UncertaintyReport report, IReadOnlyList<FlaggedRegion> regions, StmImage image)
    {
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"warning: {input}: the ensemble members disagree in {report.Regions.Count} region(s), {report.FlaggedFraction:P1} of the image: " +
            $"the model is inventing structure there; do not trust it, re-acquire (docs/uncertainty.md)"));
        foreach (var r in regions.Take(5))
        {
            string physical = image.PhysicalSizeKnown
                ? string.Create(CultureInfo.InvariantCulture,
                    $" = x {r.X * image.PixelSizeX * 1e9:F1}–{(r.X + r.Width) * image.PixelSizeX * 1e9:F1} nm, y {r.Y * image.PixelSizeY * 1e9:F1}–{(r.Y + r.Height) * image.PixelSizeY * 1e9:F1} nm")
                : "";
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  x {r.X}–{r.X + r.Width - 1}, y {r.Y}–{r.Y + r.Height - 1} px{physical}, max disagreement {r.MaxDisagreement:F2}"));
        }
        if (report.Regions.Count > 5) Console.Error.WriteLine($"  … and {report.Regions.Count - 5} smaller region(s)");
    }

    public void Dispose() => _pool.Dispose();
}
