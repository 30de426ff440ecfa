using System.Diagnostics;
using System.Globalization;
using StmKernel.Cli.Commands;
using StmKernel.Imaging;
using StmKernel.Imaging.Classical;
using StmKernel.Sampling;
using StmKernel.Sampling.Pipelines;
using StmKernel.Tensors.Threading;
using StmKernel.UNet.Weights;
using StmKernel.Tensors.Backends.Cpu;

namespace StmKernel.Cli;

/// <summary>
/// The batch behind `restore` and `upscale`: options shared by both, one model load, then per input file
/// read → <see cref="ScanRestorer"/> (conditioning, scale, lattice check, tiled restore) → .gwy (restored,
/// uncertainty, invented, original channels) + PNG preview. A file that fails is reported and the rest continue; the exit code is 1 when
/// any failed. Progress goes to standard error, results and the summary to standard output.
/// </summary>
internal sealed class RestoreRun
{
    /// <summary>Usage lines for the shared options.</summary>
    public const string OptionsHelp = """
          -o OUT              output folder (created if missing), or a file name for a single input;
                              .gwy (default) holds restored + uncertainty (with --ensemble) + original
                              channels; .npy/.tif/.png hold the restored channel; a PNG preview goes beside
          --model NAME|FILE   a model in the weights folders (see `stmkernel models`) or a weight file
          --steps K           sampler steps (default: the model's); ignored by one-pass models
          --ensemble N        restore with N seeds: mean + per-pixel standard deviation, and a warning
                              with the regions where the seeds disagree too much to trust the result
          --check             add a "… invented" channel: where the result probably differs from the truth
                              (changes the artefact model does not explain, plus the ensemble spread with
                              --ensemble, which implies it; docs/uncertainty.md), and a NAME.check.png of
                              input | restored | invented beside the output
          --seed S            noise seed (default 0); the same seed gives bit-identical output
          --pixel-size L      the scan's pixel size, e.g. 0.2nm (for files without a physical size, or to override it);
                              the scan is resampled to the model's trained pixel-size range and back
          --any-surface       restore even when the scan's lattice is not the model's (default: refuse, naming both)
          --overlap O         minimum tile overlap in pixels (default 32, tiles are 128)
          --batch B           tiles per network call (default 8)
          --low-memory        keep no transformed convolution weights (about 40 MB less for a Small model at
                              --batch 1, 4-10 % slower there; batch 8 streams them anyway; bit-identical output)
          --threads N         worker threads (default: all cores)
          --force             replace existing outputs (inputs are never overwritten)
        """;

    private readonly string _command;
    private readonly bool _lowMemory;
    private readonly int _factor;
    private readonly string _output;
    private readonly string _modelArg;
    private readonly string? _channel;
    private readonly ScanDirection? _direction;
    private readonly int? _steps;
    private readonly int _ensemble, _overlap, _batch, _threads;
    private readonly ulong _seed;
    private readonly bool _force, _anySurface, _check;
    private readonly double? _pixelSize;
    private readonly IReadOnlyList<string> _inputs;

    /// <summary>Reads the shared options; <paramref name="factor"/> 1 restores, 2 or 4 upscales first.</summary>
    public RestoreRun(ArgReader args, string command, int factor, string defaultModel)
    {
        _command = command;
        _factor = factor;
        _output = args.Required("o", "output");
        _modelArg = args.Option("model") ?? defaultModel;
        (_channel, _direction) = ChannelOptions.Read(args);
        _steps = args.Option("steps") is null ? null : args.Int("steps", 0, 1, 1000);
        _ensemble = args.Int("ensemble", 1, 1, 64);
        _overlap = args.Int("overlap", 32, 0, 127);
        _batch = args.Int("batch", 8, 1, 256);
        _threads = args.Int("threads", Environment.ProcessorCount, 1, 1024);
        string? seed = args.Option("seed");
        if (seed is not null && !ulong.TryParse(seed, NumberStyles.None, CultureInfo.InvariantCulture, out _seed))
            throw new CliException($"--seed expects a non-negative integer, got '{seed}'");
        _force = args.Flag("force");
        _lowMemory = args.Flag("low-memory");
        _anySurface = args.Flag("any-surface");
        _check = args.Flag("check") || _ensemble > 1;
        _pixelSize = args.Option("pixel-size") is { } ps ? LengthOption.Parse(ps, "pixel-size") : null;
        args.EnsureAllUsed();
        _inputs = InputFiles.Expand(args.Positionals);
        if (_inputs.Count > 1 && IsFileOutput(_output))
            throw new CliException($"{_inputs.Count} inputs need an output folder, not the file {_output}");
    }

    /// <summary>Runs the batch; 0 when every file was written, 1 when any failed.</summary>
    public int Execute()
    {
        var clock = Stopwatch.StartNew();
        var model = RestorationModel.Load(ModelLocator.Resolve(_modelArg), _lowMemory ? CpuBackend.LowMemory : null);
        // The model's task fixes its pipeline's line factor: a restore model cannot upscale, an sr4 model not by 2.
        if (model.Task is { } task && ModelTasks.Find(task)!.LineFactor != _factor)
            throw new CliException($"model {model.Name} was trained for '{task}', but {_command} needs a '{ModelTasks.ForLineFactor(_factor)?.Name ?? $"×{_factor}"}' model");
        if (model.Sampler is null && _ensemble > 1)
            throw new CliException($"model {model.Name} is a one-pass model (no sampler): --ensemble needs a sampled model");
        Console.Out.WriteLine($"model {model.Describe()}");

        if (!IsFileOutput(_output)) Directory.CreateDirectory(_output);
        using var pool = new WorkerPool(_threads);
        var restorer = new ScanRestorer(model, pool, new ScanRestoreOptions
        {
            Restore = new RestoreOptions { Steps = _steps, EnsembleSize = _ensemble, Seed = _seed, Overlap = _overlap, BatchSize = _batch },
            Factor = _factor, PixelSize = _pixelSize, AnySurface = _anySurface, Check = _check, Tool = $"stmkernel {_command}",
        });
        int done = 0, failed = 0;
        long tiles = 0, forwards = 0;
        var planned = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in _inputs)
        {
            try
            {
                var (t, f) = RestoreOne(input, model, restorer, planned);
                tiles += t;
                forwards += f;
                done++;
            }
            catch (Exception e) when (e is CliException or IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException)
            {
                failed++;
                Console.Error.WriteLine($"stmkernel {_command}: error: {input}: {e.Message}");
            }
        }
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{_command}: {done} file(s) written, {failed} failed, tiles={tiles}, forwards={forwards}, {clock.Elapsed.TotalSeconds:F2} s"));
        return failed > 0 ? 1 : 0;
    }

    private (long Tiles, long Forwards) RestoreOne(string input, RestorationModel model, ScanRestorer restorer, HashSet<string> planned)
    {
        string output = OutputFor(input);
        string? preview = Path.GetExtension(output).Equals(".png", StringComparison.OrdinalIgnoreCase) ? null : Path.ChangeExtension(output, ".png");
        if (!planned.Add(Path.GetFullPath(output)))
            throw new CliException($"output {output} is already written by an earlier input of this run (same file name)");
        OutputPaths.EnsureWritable(output, _force, [.. _inputs]);
        if (preview is not null) OutputPaths.EnsureWritable(preview, _force, [.. _inputs]);

        var doc = StmFile.Read(input);
        foreach (var w in doc.Warnings) Console.Error.WriteLine($"warning: {w}");
        var scan = restorer.Prepare(ChannelOptions.One(doc, _channel, _direction, input));
        if (scan.PixelSizeAssumed)
        {
            var range = model.PixelSizeRange;
            Console.Error.WriteLine(FormattableString.Invariant(
                $"warning: {input}: no physical size in the file: assuming it is at the model's scale ({range.Min * 1e9:0.###}–{range.Max * 1e9:0.###} nm/px, no resampling, no lattice check); give the scan's pixel size with --pixel-size, e.g. --pixel-size 0.195nm"));
        }
        Console.Out.WriteLine($"{input}: pixel size {scan.ScaleText}");
        if (scan.Lattice is { } verdict) Console.Out.WriteLine($"{input}: lattice: {verdict.Message}");
        if (scan.Refusal is { } refusal) throw new CliException(refusal); // before the progress bar starts

        RestoredScan result;
        using (var bar = new ProgressBar(Path.GetFileName(input), scan.WorkItems, "tiles"))
        {
            int last = 0;
            result = restorer.Restore(scan, (d, _) => { bar.Advance(d - last); last = d; });
        }

        var restored = result.Restored;
        if (Path.GetExtension(output).Equals(".gwy", StringComparison.OrdinalIgnoreCase)) StmFile.WriteGwy(output, [.. result.Channels, .. doc.Channels]);
        else StmFile.Write(output, [restored]);
        if (preview is not null) StmFile.WritePng(preview, restored);
        string? checkPng = null;
        if (result.Invented is { } invented && _factor == 1)
        {
            checkPng = Path.ChangeExtension(output, ".check.png");
            OutputPaths.EnsureWritable(checkPng, _force, [.. _inputs]);
            var shown = new StmImage(scan.Input.Data, scan.Input.Dim(1), scan.Input.Dim(0));
            PngPreview.Write(checkPng, PanelStrip.Compose([new(shown), new(restored), new(invented, (0f, 1f))]), 0f, 1f);
        }

        var grid = result.Result.Grid;
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {output}{(preview is null ? "" : $" + {Path.GetFileName(preview)}")}: {restored.Title} {restored.Width}×{restored.Height}, " +
            $"tiles={grid.Count}, forwards={result.Result.NetworkEvaluations}"));
        if (result.InventedFraction is { } flagged)
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{input}: invented map: {flagged:P1} of the pixels flagged (score > {InventedMap.FlagThreshold}){(checkPng is null ? "" : $"; figure {Path.GetFileName(checkPng)}")}"));
        if (result.Result.Uncertainty is { ShouldWarn: true } report) WarnUncertain(input, report, result.UncertainRegions, restored);
        return (grid.Count, result.Result.NetworkEvaluations);
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

    private string OutputFor(string input)
    {
        if (IsFileOutput(_output)) return _output;
        string stem = Path.GetFileNameWithoutExtension(input);
        return Path.Combine(_output, $"{stem}.{(_factor == 1 ? "restored" : $"x{_factor}")}.gwy");
    }

    // A name with a writable extension that is not an existing folder is a file; anything else a folder.
    private static bool IsFileOutput(string output) =>
        !Directory.Exists(output) && StmFile.WritableExtensions.Contains(Path.GetExtension(output).ToLowerInvariant());
}
