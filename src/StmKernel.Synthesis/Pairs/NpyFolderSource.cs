using StmKernel.Imaging;
using StmKernel.Synthesis.Degradations;

namespace StmKernel.Synthesis.Pairs;

/// <summary>
/// Pristine images from .npy files (2-D, or 3-D with one leading channel). The splits are either a
/// seeded shuffle of a folder's files (default fractions 2/3, 2/9, 1/9: the paper's 36 / 12 / 6 of 54)
/// or a committed <see cref="RealScanManifest"/> (whole sessions per split, pixel sizes). Images are
/// loaded on first use, checked, normalised to [0, 1] and kept in memory.
/// With a pixel-size range and known pixel sizes, each draw resamples its image to a pixel size drawn
/// log-uniformly from the part of the range the image can reach without upsampling and while still
/// holding the crop (scale augmentation; real data is never upsampled: that would invent blur).
/// </summary>
public sealed class NpyFolderSource : IPristineSource
{
    private readonly string[] _files;
    private readonly double?[] _pixelSizes;
    private readonly Lazy<Plane>[] _images;
    private readonly int[][] _splits;
    private readonly int _minimumSize;
    private readonly ValueRange? _pixelRange;

    /// <param name="folder">Folder holding *.npy files (sorted by name before shuffling).</param>
    /// <param name="splitSeed">Seed of the file shuffle that assigns files to splits.</param>
    /// <param name="minimumSize">Smallest acceptable side in px (the crop size).</param>
    /// <param name="trainFraction">Share of files for training.</param>
    /// <param name="validationFraction">Share of files for validation; the rest (≥ 1 file) is the test split.</param>
    /// <exception cref="InvalidDataException">The folder is missing or holds fewer than three .npy files.</exception>
    public NpyFolderSource(string folder, long splitSeed, int minimumSize = 128, double trainFraction = 2.0 / 3, double validationFraction = 2.0 / 9)
    {
        if (!Directory.Exists(folder)) throw new InvalidDataException($"{folder}: pristine image folder not found");
        _files = Directory.GetFiles(folder, "*.npy").Order(StringComparer.Ordinal).ToArray();
        if (_files.Length < 3) throw new InvalidDataException($"{folder}: need at least 3 .npy pristine images (one per split), found {_files.Length}");
        if (!(trainFraction > 0 && validationFraction > 0 && trainFraction + validationFraction < 1))
            throw new ArgumentException($"split fractions {trainFraction} and {validationFraction} must be positive and leave room for a test split");
        Folder = folder;
        _minimumSize = minimumSize;
        _pixelSizes = new double?[_files.Length];
        _images = _files.Select(f => new Lazy<Plane>(() => Load(f), LazyThreadSafetyMode.ExecutionAndPublication)).ToArray();

        int n = _files.Length;
        var order = Enumerable.Range(0, n).ToArray();
        var rng = new Rng(splitSeed);
        for (int i = n - 1; i > 0; i--) { int j = rng.UniformInt(0, i); (order[i], order[j]) = (order[j], order[i]); }
        int nTrain = Math.Clamp((int)Math.Round(trainFraction * n), 1, n - 2);
        int nVal = Math.Clamp((int)Math.Round(validationFraction * n), 1, n - nTrain - 1);
        _splits = [order[..nTrain], order[nTrain..(nTrain + nVal)], order[(nTrain + nVal)..]];
    }

    /// <param name="folder">Data folder the manifest's paths are relative to.</param>
    /// <param name="manifest">Split and pixel size of every file; each of the three splits must list at least one.</param>
    /// <param name="minimumSize">Smallest acceptable side in px (the crop size).</param>
    /// <param name="pixelSizeRange">Pixel sizes (metres) to resample into; null keeps every image at its own scale.</param>
    /// <exception cref="InvalidDataException">A listed file is missing or a split is empty.</exception>
    public NpyFolderSource(string folder, RealScanManifest manifest, int minimumSize = 128, ValueRange? pixelSizeRange = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (!Directory.Exists(folder)) throw new InvalidDataException($"{folder}: pristine image folder not found");
        var listed = manifest.Entries.Where(e => e.Split is not null).ToArray();
        _files = listed.Select(e => System.IO.Path.Combine(folder, e.File)).ToArray();
        foreach (string f in _files)
            if (!File.Exists(f)) throw new InvalidDataException($"{manifest.Path}: lists {f}, which does not exist");
        _pixelSizes = listed.Select(e => e.PixelSize).ToArray();
        _splits = [.. Enum.GetValues<DataSplit>().Select(s => Enumerable.Range(0, listed.Length).Where(i => listed[i].Split == s).ToArray())];
        foreach (var s in Enum.GetValues<DataSplit>())
            if (_splits[(int)s].Length == 0) throw new InvalidDataException($"{manifest.Path}: no file in the {s} split");
        pixelSizeRange?.Validate(nameof(pixelSizeRange));
        if (pixelSizeRange is { Min: <= 0 }) throw new ArgumentException($"pixel size range must be positive, got [{pixelSizeRange.Value.Min}, {pixelSizeRange.Value.Max}]");
        Folder = folder;
        _minimumSize = minimumSize;
        _pixelRange = pixelSizeRange;
        _images = _files.Select(f => new Lazy<Plane>(() => Load(f), LazyThreadSafetyMode.ExecutionAndPublication)).ToArray();
    }

    /// <summary>The folder read.</summary>
    public string Folder { get; }

    /// <inheritdoc/>
    public string Description => Folder;

    /// <summary>File names (without folder) assigned to a split, in draw order.</summary>
    public IReadOnlyList<string> FilesOf(DataSplit split) => _splits[(int)split].Select(i => System.IO.Path.GetFileName(_files[i])).ToArray();

    /// <inheritdoc/>
    public (Plane Image01, string SourceId) Draw(DataSplit split, long index, Rng rng)
    {
        var members = _splits[(int)split];
        int i = members[rng.UniformInt(0, members.Length - 1)];
        var image = _images[i].Value;
        string id = System.IO.Path.GetFileName(_files[i]);
        if (_pixelRange is not { } range || _pixelSizes[i] is not { } native) return (image, id);
        // Reachable pixel sizes: no upsampling, and the short side still holds the crop.
        double lo = Math.Max(range.Min, native), hi = Math.Min(range.Max, native * Math.Min(image.Width, image.Height) / _minimumSize);
        if (!(hi > lo)) return (image, id);
        double target = Math.Exp(rng.Uniform(Math.Log(lo), Math.Log(hi)));
        int w = Math.Max(_minimumSize, (int)Math.Round(image.Width * native / target));
        int h = Math.Max(_minimumSize, (int)Math.Round(image.Height * native / target));
        if (w == image.Width && h == image.Height) return (image, id);
        // Averaging pulls the extremes in (a 2–4× reduction loses most of a bright adatom's peak): renormalise, so the draw
        // is in [0, 1] as IPristineSource promises and the degradations' amplitudes mean what they mean for every other image.
        var resized = Normalisation.ToUnit(new Plane(w, h, Resampling.Resize(image.Data, image.Width, image.Height, w, h)));
        return (resized, FormattableString.Invariant($"{id}@{target * 1e9:F3}nm"));
    }

    private Plane Load(string path)
    {
        var (data, shape) = NpyFile.Read(path);
        int[] dims = shape.Length == 3 && shape[0] == 1 ? shape[1..] : shape;
        if (dims.Length != 2) throw new InvalidDataException($"{path}: expected a 2-D image (H, W) or (1, H, W), found shape ({string.Join(", ", shape)})");
        int h = dims[0], w = dims[1];
        if (w < _minimumSize || h < _minimumSize)
            throw new InvalidDataException($"{path}: image is {w}×{h} px, smaller than the {_minimumSize}×{_minimumSize} crop");
        foreach (float v in data)
            if (!float.IsFinite(v)) throw new InvalidDataException($"{path}: image holds NaN or infinite values (an aborted scan?); crop or fill it first");
        return Normalisation.ToUnit(new Plane(w, h, data));
    }
}
