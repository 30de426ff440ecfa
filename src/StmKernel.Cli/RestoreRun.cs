using System.Diagnostics;
using System.Globalization;
using StmKernel.Cli.Commands;
using StmKernel.Imaging;
using StmKernel.Imaging.Classical;
using StmKernel.Sampling;
using StmKernel.Tensors;
using StmKernel.Tensors.Threading;

namespace StmKernel.Cli;

/// <summary>
/// The batch behind `restore` and `upscale`: options shared by both, one model load, then per input file
/// read → (upsample along the slow-scan axis) → tiled restore → .gwy (restored, uncertainty, original
/// channels) + PNG preview. A file that fails is reported and the rest continue; the exit code is 1 when
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
          --threads N         worker threads (default: all cores)
          --force             replace existing outputs (inputs are never overwritten)
        """;

    private readonly string _command;
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
        var model = RestorationModel.Load(ModelLocator.Resolve(_modelArg));
        string wanted = _factor == 1 ? "restore" : $"sr{_factor}";
        if (model.Task is { } task && task != wanted)
            throw new CliException($"model {model.Name} was trained for '{task}', but {_command} needs a '{wanted}' model");
        if (model.Sampler is null && _ensemble > 1)
            throw new CliException($"model {model.Name} is a one-pass model (no sampler): --ensemble needs a sampled model");
        Console.Out.WriteLine($"model {model.Describe()}");

        if (!IsFileOutput(_output)) Directory.CreateDirectory(_output);
        using var pool = new WorkerPool(_threads);
        var restorer = model.CreateRestorer(pool, _batch);
        var options = new RestoreOptions { Steps = _steps, EnsembleSize = _ensemble, Seed = _seed, Overlap = _overlap, BatchSize = _batch };
        int done = 0, failed = 0;
        long tiles = 0, forwards = 0;
        var planned = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in _inputs)
        {
            try
            {
                var (t, f) = RestoreOne(input, model, restorer, options, planned);
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

    private (long Tiles, long Forwards) RestoreOne(string input, RestorationModel model, TiledRestorer restorer, RestoreOptions options, HashSet<string> planned)
    {
        string output = OutputFor(input);
        string? preview = Path.GetExtension(output).Equals(".png", StringComparison.OrdinalIgnoreCase) ? null : Path.ChangeExtension(output, ".png");
        if (!planned.Add(Path.GetFullPath(output)))
            throw new CliException($"output {output} is already written by an earlier input of this run (same file name)");
        OutputPaths.EnsureWritable(output, _force, [.. _inputs]);
        if (preview is not null) OutputPaths.EnsureWritable(preview, _force, [.. _inputs]);

        var doc = StmFile.Read(input);
        foreach (var w in doc.Warnings) Console.Error.WriteLine($"warning: {w}");
        var source = ChannelOptions.One(doc, _channel, _direction, input);
        var image = new Tensor((float[])source.Data.Clone(), source.Height, source.Width);
        // 1. Conditioning the model was trained with (the capture software's line flattening).
        if (model.LineFlatten) image = new Tensor(RowAlignment.Apply(image.Data, image.Dim(1), image.Dim(0)), image.Dim(0), image.Dim(1));

        // 2. Physical scale: resample into the model's pixel-size range (and back at the end), then check the lattice there.
        // An upscaled scan is resampled as measured (its lines factor × the target apart) and line-upsampled after,
        // so the SR model still sees every factor-th line measured.
        var scale = ScaleFor(input, source, model);
        var modelImage = scale.ToModel(image);
        if (_factor > 1)
        {
            image = LineUpsampler.Upsample(image, _factor);
            modelImage = LineUpsampler.Upsample(modelImage, _factor);
        }
        Console.Out.WriteLine($"{input}: pixel size {(source.PhysicalSizeKnown || _pixelSize is not null ? scale.Describe(image.Dim(0), image.Dim(1), modelImage.Dim(0), modelImage.Dim(1)) : "unknown: used as it is")}");
        if (model.LatticePeriods is { } periods && (source.PhysicalSizeKnown || _pixelSize is not null))
        {
            var verdict = LatticeCheck.Check(modelImage, Math.Sqrt(scale.TargetX * scale.TargetY), periods);
            Console.Out.WriteLine($"{input}: lattice: {verdict.Message}");
            if (verdict.Mismatch && !_anySurface)
                throw new CliException($"{verdict.Message}; model {model.Name} would paint its own lattice onto it. " +
                    "Check the pixel size (--pixel-size), use a model trained on this surface, or pass --any-surface");
        }

        // 3. Tiled restore at the model's scale.
        RestoreResult result;
        int items = TileGrid.TilesAlong(modelImage.Dim(0), options.TileSize, options.Overlap) * TileGrid.TilesAlong(modelImage.Dim(1), options.TileSize, options.Overlap) * _ensemble;
        using (var bar = new ProgressBar(Path.GetFileName(input), items, "tiles"))
        {
            int last = 0;
            result = restorer.Restore(modelImage, options with { Progress = (d, _) => { bar.Advance(d - last); last = d; } });
        }
        var restoredData = scale.ToScan(result.Image, image.Dim(0), image.Dim(1));
        var stdData = result.StdDev is { } s0 ? scale.ToScan(s0, image.Dim(0), image.Dim(1)) : null;
        // 4. What was invented, scored where the model worked (its scale), then on the scan's grid.
        var invented = _check ? scale.ToScan(InventedMap.Compute(modelImage, result.Image, result.StdDev), image.Dim(0), image.Dim(1)) : null;

        string how = string.Create(CultureInfo.InvariantCulture,
            $"stmkernel {_command}{(_factor > 1 ? $" x{_factor}" : "")}: model {model.Name}, {(model.Sampler is null ? "one pass" : $"{result.Steps} steps")}, seed {_seed}, " +
            $"ensemble {_ensemble}, overlap {_overlap}, tiles {result.Grid.Count}, forwards {result.NetworkEvaluations}, " +
            $"pixel size {scale.Describe(image.Dim(0), image.Dim(1), modelImage.Dim(0), modelImage.Dim(1))}{(model.LineFlatten ? ", input line-flattened (median)" : "")}");
        string name = string.IsNullOrEmpty(source.Channel) ? "Z" : source.Channel; // an .npy has no channel name
        var restored = Derived(source, restoredData, $"{name} restored", how);
        var channels = new List<StmImage> { restored };
        if (stdData is { } std) channels.Add(Derived(source, std, $"{name} uncertainty (ensemble std)", how));
        StmImage? inventedChannel = null;
        if (invented is not null)
        {
            // A score, not a height: no z unit.
            inventedChannel = Derived(source, invented, $"{name} invented", how + ", invented map (score 0-1, flagged > 0.5)", zUnit: "");
            channels.Add(inventedChannel);
        }
        channels.AddRange(doc.Channels);

        if (Path.GetExtension(output).Equals(".gwy", StringComparison.OrdinalIgnoreCase)) StmFile.WriteGwy(output, channels);
        else StmFile.Write(output, [restored]);
        if (preview is not null) StmFile.WritePng(preview, restored);
        string? checkPng = null;
        if (inventedChannel is not null && _factor == 1)
        {
            checkPng = Path.ChangeExtension(output, ".check.png");
            OutputPaths.EnsureWritable(checkPng, _force, [.. _inputs]);
            var input0 = new StmImage(image.Data, image.Dim(1), image.Dim(0));
            PngPreview.Write(checkPng, PanelStrip.Compose([new(input0), new(restored), new(inventedChannel, (0f, 1f))]), 0f, 1f);
        }

        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {output}{(preview is null ? "" : $" + {Path.GetFileName(preview)}")}: {restored.Title} {restored.Width}×{restored.Height}, " +
            $"tiles={result.Grid.Count}, forwards={result.NetworkEvaluations}"));
        if (inventedChannel is not null)
        {
            double flagged = inventedChannel.Data.Count(v => v > InventedMap.FlagThreshold) / (double)inventedChannel.Data.Length;
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{input}: invented map: {flagged:P1} of the pixels flagged (score > {InventedMap.FlagThreshold}){(checkPng is null ? "" : $"; figure {Path.GetFileName(checkPng)}")}"));
        }
        if (result.Uncertainty is { ShouldWarn: true } report) WarnUncertain(input, report, restored, (double)image.Dim(1) / modelImage.Dim(1), (double)image.Dim(0) / modelImage.Dim(0));
        return (result.Grid.Count, result.NetworkEvaluations);
    }

    /// <summary>
    /// The scan's pixel size (--pixel-size, else the file's; an upscaled scan's lines are 1/factor apart after
    /// line upsampling) against the model's range. Without either, a warning and the model's own scale.
    /// </summary>
    private ScanScale ScaleFor(string input, StmImage source, RestorationModel model)
    {
        var range = model.PixelSizeRange;
        if (_pixelSize is { } p) return ScanScale.For(p, p, range);
        if (source.PhysicalSizeKnown) return ScanScale.For(source.PixelSizeX, source.PixelSizeY / _factor, range);
        Console.Error.WriteLine(FormattableString.Invariant(
            $"warning: {input}: no physical size in the file: assuming it is at the model's scale ({range.Min * 1e9:0.###}–{range.Max * 1e9:0.###} nm/px, no resampling, no lattice check); give the scan's pixel size with --pixel-size, e.g. --pixel-size 0.195nm"));
        double assumed = Math.Clamp(0.195e-9, range.Min, range.Max);
        return ScanScale.For(assumed, assumed, (assumed, assumed));
    }

    /// <summary>
    /// A channel of the result: <paramref name="data"/> ([H', W]) with the source's metadata, the same
    /// physical size (an upscaled image's pixels are 1/factor as tall; --pixel-size, when given, sets it)
    /// and the new line count recorded.
    /// </summary>
    private StmImage Derived(StmImage source, Tensor data, string channel, string processing, string? zUnit = null)
    {
        int height = data.Dim(0);
        var metadata = new Dictionary<string, string>(source.Metadata)
        {
            ["Processing"] = processing,
            ["Scan lines"] = height.ToString(CultureInfo.InvariantCulture),
        };
        if (height != source.Height) metadata["Scan lines measured"] = source.Height.ToString(CultureInfo.InvariantCulture);
        return new StmImage(data.Data, source.Width, height)
        {
            // --pixel-size states the fast-axis pixel; an upscaled result's lines are that far apart too.
            PixelSizeX = _pixelSize ?? source.PixelSizeX, PixelSizeY = _pixelSize ?? source.PixelSizeY * source.Height / height,
            PhysicalSizeKnown = source.PhysicalSizeKnown || _pixelSize is not null, OffsetX = source.OffsetX, OffsetY = source.OffsetY,
            ZUnit = zUnit ?? source.ZUnit, Channel = channel, Direction = source.Direction, SlowScan = source.SlowScan,
            BiasVolts = source.BiasVolts, Setpoint = source.Setpoint, SetpointUnit = source.SetpointUnit,
            SourceFile = source.SourceFile, Metadata = metadata,
        };
    }

    /// <summary>The report's regions were found at the model's scale: <paramref name="sx"/>, <paramref name="sy"/> map them to the scan's pixels.</summary>
    private static void WarnUncertain(string input, UncertaintyReport report, StmImage image, double sx, double sy)
    {
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"warning: {input}: the ensemble members disagree in {report.Regions.Count} region(s), {report.FlaggedFraction:P1} of the image: " +
            $"the model is inventing structure there; do not trust it, re-acquire (docs/uncertainty.md)"));
        foreach (var m in report.Regions.Take(5))
        {
            int x0 = (int)Math.Floor(m.X * sx), y0 = (int)Math.Floor(m.Y * sy);
            var r = new { X = x0, Y = y0, Width = Math.Min(image.Width - x0, (int)Math.Ceiling(m.Width * sx)), Height = Math.Min(image.Height - y0, (int)Math.Ceiling(m.Height * sy)), m.MaxDisagreement };
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
