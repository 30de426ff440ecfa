using System.Globalization;
using StmKernel.Imaging;
using StmKernel.Imaging.Classical;
using StmKernel.Tensors;
using StmKernel.Tensors.Threading;

namespace StmKernel.Sampling.Pipelines;

/// <summary>
/// The restore and upscale use case for one scan channel: condition it as the model was trained (line
/// flattening), resample it into the model's pixel-size range (an upscaled scan as measured, its lines
/// repeated after, so the SR model still sees every factor-th line measured), check its lattice against
/// the model's, restore it tiled, map the result back to the scan's grid, and return the channels to
/// write (restored, uncertainty, invented) with the source's metadata. One instance serves many scans:
/// the network and its buffers are set up once.
/// </summary>
public sealed class ScanRestorer
{
    private readonly RestorationModel _model;
    private readonly TiledRestorer _restorer;
    private readonly ScanRestoreOptions _options;

    /// <summary>Runs <paramref name="model"/>'s network on <paramref name="pool"/> (not owned).</summary>
    public ScanRestorer(RestorationModel model, WorkerPool pool, ScanRestoreOptions options)
        : this(model, NetworkOf(model, pool, options), options)
    {
    }

    /// <summary>
    /// Runs <paramref name="denoiser"/> in place of the model's network, with the model's sampler and metadata
    /// (pixel-size range, conditioning, lattice): another backend, or a stand-in whose output is known.
    /// </summary>
    public ScanRestorer(RestorationModel model, IDenoiser denoiser, ScanRestoreOptions options)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        options.Validate();
        _restorer = new TiledRestorer(denoiser, model.Sampler);
    }

    private static IDenoiser NetworkOf(RestorationModel model, WorkerPool pool, ScanRestoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        return model.CreateDenoiser(pool, options.Restore.BatchSize);
    }

    /// <summary>Prepares and restores <paramref name="source"/>; see <see cref="Prepare"/> and <see cref="Restore(PreparedScan, Action{int, int}?)"/>.</summary>
    public RestoredScan Restore(StmImage source) => Restore(Prepare(source));

    /// <summary>Everything before the network: conditioning, line upsampling, scale, lattice verdict.</summary>
    public PreparedScan Prepare(StmImage source)
    {
        ArgumentNullException.ThrowIfNull(source);
        int factor = _options.Factor;
        var image = new Tensor((float[])source.Data.Clone(), source.Height, source.Width);
        if (_model.LineFlatten) image = new Tensor(RowAlignment.Apply(image.Data, image.Dim(1), image.Dim(0)), image.Dim(0), image.Dim(1));

        bool assumed = !source.PhysicalSizeKnown && _options.PixelSize is null;
        var scale = ScaleFor(source, assumed);
        var modelImage = scale.ToModel(image);
        if (factor > 1)
        {
            image = LineUpsampler.Upsample(image, factor);
            modelImage = LineUpsampler.Upsample(modelImage, factor);
        }

        LatticeVerdict? verdict = null;
        string? refusal = null;
        if (_model.LatticePeriods is { } periods && !assumed)
        {
            verdict = LatticeCheck.Check(modelImage, Math.Sqrt(scale.TargetX * scale.TargetY), periods);
            if (verdict.Mismatch && !_options.AnySurface)
                refusal = $"{verdict.Message}; model {_model.Name} would paint its own lattice onto it. " +
                    "Check the pixel size (--pixel-size), use a model trained on this surface, or pass --any-surface";
        }

        var restore = _options.Restore;
        int tiles = TileGrid.TilesAlong(modelImage.Dim(0), restore.TileSize, restore.Overlap) * TileGrid.TilesAlong(modelImage.Dim(1), restore.TileSize, restore.Overlap);
        return new PreparedScan
        {
            Source = source, Input = image, ModelInput = modelImage, Scale = scale, PixelSizeAssumed = assumed,
            Lattice = verdict, Refusal = refusal, WorkItems = tiles * restore.EnsembleSize,
        };
    }

    /// <summary>
    /// Restores a prepared scan; <paramref name="progress"/> gets (work items done, <see cref="PreparedScan.WorkItems"/>)
    /// after every network batch (null: the options' own callback).
    /// </summary>
    /// <exception cref="InvalidDataException">The scan was refused (<see cref="PreparedScan.Refusal"/>).</exception>
    public RestoredScan Restore(PreparedScan scan, Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(scan);
        if (scan.Refusal is not null) throw new InvalidDataException(scan.Refusal);
        var options = progress is null ? _options.Restore : _options.Restore with { Progress = progress };
        var result = _restorer.Restore(scan.ModelInput, options);

        int height = scan.Input.Dim(0), width = scan.Input.Dim(1);
        var scale = scan.Scale;
        var restoredData = scale.ToScan(result.Image, height, width);
        var stdData = result.StdDev is { } std ? scale.ToScan(std, height, width) : null;
        // What was invented is scored where the model worked (its scale), then put on the scan's grid.
        var invented = _options.Check ? scale.ToScan(InventedMap.Compute(scan.ModelInput, result.Image, result.StdDev), height, width) : null;

        string how = Provenance(scan, result);
        var source = scan.Source;
        string name = string.IsNullOrEmpty(source.Channel) ? "Z" : source.Channel; // an .npy has no channel name
        return new RestoredScan
        {
            Scan = scan,
            Result = result,
            Restored = Channel(source, restoredData, $"{name} restored", how),
            Uncertainty = stdData is null ? null : Channel(source, stdData, $"{name} uncertainty (ensemble std)", how),
            // A score, not a height: no z unit.
            Invented = invented is null ? null : Channel(source, invented, $"{name} invented", how + ", invented map (score 0-1, flagged > 0.5)", zUnit: ""),
            UncertainRegions = result.Uncertainty is { } report ? OnScanGrid(report.Regions, width, height, scan.ModelInput) : [],
        };
    }

    /// <summary>
    /// The scan's pixel size (the option, else the file's; an upscaled scan's lines are 1/factor apart after
    /// line upsampling) against the model's range. Without either, the model's own scale, unresampled.
    /// </summary>
    private ScanScale ScaleFor(StmImage source, bool assumed)
    {
        var range = _model.PixelSizeRange;
        if (_options.PixelSize is { } p) return ScanScale.For(p, p, range);
        if (!assumed) return ScanScale.For(source.PixelSizeX, source.PixelSizeY / _options.Factor, range);
        double model = Math.Clamp(0.195e-9, range.Min, range.Max);
        return ScanScale.For(model, model, (model, model));
    }

    /// <summary>The "Processing" line: tool, model, sampling, tiling and scale, enough to repeat the run.</summary>
    private string Provenance(PreparedScan scan, RestoreResult result)
    {
        var o = _options.Restore;
        int factor = _options.Factor;
        var (h, w) = (scan.Input.Dim(0), scan.Input.Dim(1));
        return string.Create(CultureInfo.InvariantCulture,
            $"{_options.Tool}{(factor > 1 ? $" x{factor}" : "")}: model {_model.Name}, {(_model.Sampler is null ? "one pass" : $"{result.Steps} steps")}, seed {o.Seed}, " +
            $"ensemble {o.EnsembleSize}, overlap {o.Overlap}, tiles {result.Grid.Count}, forwards {result.NetworkEvaluations}, " +
            $"pixel size {scan.Scale.Describe(h, w, scan.ModelInput.Dim(0), scan.ModelInput.Dim(1))}{(_model.LineFlatten ? ", input line-flattened (median)" : "")}");
    }

    /// <summary>
    /// A channel of the result: <paramref name="data"/> ([H', W]) with every property of the source, the same
    /// physical size (an upscaled image's pixels are 1/factor as tall; a stated pixel size sets it) and the
    /// new line count recorded.
    /// </summary>
    private StmImage Channel(StmImage source, Tensor data, string channel, string processing, string? zUnit = null)
    {
        int height = data.Dim(0);
        var metadata = new Dictionary<string, string>(source.Metadata)
        {
            ["Processing"] = processing,
            ["Scan lines"] = height.ToString(CultureInfo.InvariantCulture),
        };
        if (height != source.Height) metadata["Scan lines measured"] = source.Height.ToString(CultureInfo.InvariantCulture);
        double? stated = _options.PixelSize;
        return source.Derive(data.Data, data.Dim(1), height) with
        {
            // A stated pixel size is the fast-axis pixel; an upscaled result's lines are that far apart too.
            PixelSizeX = stated ?? source.PixelSizeX, PixelSizeY = stated ?? source.PixelSizeY * source.Height / height,
            PhysicalSizeKnown = source.PhysicalSizeKnown || stated is not null,
            ZUnit = zUnit ?? source.ZUnit, Channel = channel, Metadata = metadata,
        };
    }

    /// <summary>Regions found on the model-scale grid of <paramref name="modelInput"/>, mapped onto the scan's <paramref name="width"/> × <paramref name="height"/> pixels.</summary>
    private static List<FlaggedRegion> OnScanGrid(IReadOnlyList<FlaggedRegion> regions, int width, int height, Tensor modelInput)
    {
        double sx = (double)width / modelInput.Dim(1), sy = (double)height / modelInput.Dim(0);
        return regions.Select(m =>
        {
            int x0 = (int)Math.Floor(m.X * sx), y0 = (int)Math.Floor(m.Y * sy);
            return m with { X = x0, Y = y0, Width = Math.Min(width - x0, (int)Math.Ceiling(m.Width * sx)), Height = Math.Min(height - y0, (int)Math.Ceiling(m.Height * sy)) };
        }).ToList();
    }
}
