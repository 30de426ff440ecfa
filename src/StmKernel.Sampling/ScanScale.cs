using StmKernel.Imaging;
using StmKernel.Tensors;

namespace StmKernel.Sampling;

/// <summary>
/// Physical pixel size, end to end: a scan is resampled to the nearest pixel size the model was trained
/// on (its metadata's "pixel_size_m" range), restored there, and resampled back to its own pixel grid, so
/// the output keeps the scan's size, pixel count and unit. Beyond the paper, which fixes 100 nm / 512 px:
/// a model trained at 0.195 nm/px sees a 0.078 nm/px Si(111) scan as 2.5× too coarse a lattice otherwise.
/// </summary>
/// <param name="PixelX">The scan's pixel width, metres.</param>
/// <param name="PixelY">The scan's pixel height, metres (for an upscaled scan: after line upsampling).</param>
/// <param name="TargetX">Pixel width the model runs at.</param>
/// <param name="TargetY">Pixel height the model runs at.</param>
public sealed record ScanScale(double PixelX, double PixelY, double TargetX, double TargetY)
{
    /// <summary>The pixel-size range of models that do not record one: the paper's 0.195 nm (100 nm over 512 px), which every model before the field was trained at.</summary>
    public static (double Min, double Max) PaperRange { get; } = (0.195e-9, 0.195e-9);

    /// <summary>Pixel sizes are clamped into <paramref name="range"/> one axis at a time (the model knows square pixels across that range).</summary>
    public static ScanScale For(double pixelX, double pixelY, (double Min, double Max) range)
    {
        if (!(pixelX > 0) || !(pixelY > 0) || !double.IsFinite(pixelX) || !double.IsFinite(pixelY))
            throw new ArgumentException($"pixel size must be positive and finite, got {pixelX} × {pixelY} m");
        return new ScanScale(pixelX, pixelY, Math.Clamp(pixelX, range.Min, range.Max), Math.Clamp(pixelY, range.Min, range.Max));
    }

    /// <summary>True when the scan is used as it is (within 1 % of the target on both axes).</summary>
    public bool IsIdentity => Math.Abs(PixelX / TargetX - 1) < 0.01 && Math.Abs(PixelY / TargetY - 1) < 0.01;

    /// <summary>The size [H, W] of a [H, W] image resampled to the target pixel size (same physical extent, at least 1 px).</summary>
    public (int Height, int Width) TargetSize(int height, int width) =>
        IsIdentity ? (height, width) : (Math.Max(1, (int)Math.Round(height * PixelY / TargetY)), Math.Max(1, (int)Math.Round(width * PixelX / TargetX)));

    /// <summary>A [H, W] image at the scan's pixel size → the model's.</summary>
    public Tensor ToModel(Tensor image)
    {
        var (h, w) = TargetSize(image.Dim(0), image.Dim(1));
        return Resize(image, h, w);
    }

    /// <summary>A [h, w] result at the model's pixel size → the scan's [<paramref name="height"/>, <paramref name="width"/>] grid.</summary>
    public Tensor ToScan(Tensor image, int height, int width) => Resize(image, height, width);

    /// <summary>One line for people, e.g. "0.078 nm/px → 0.195 nm/px (256×256 → 102×102 px)".</summary>
    public string Describe(int height, int width)
    {
        var (h, w) = TargetSize(height, width);
        return Describe(height, width, h, w);
    }

    /// <summary>The same with the model-scale size given (an upscaled scan is resampled before its lines are repeated).</summary>
    public string Describe(int height, int width, int h, int w)
    {
        string Nm(double x, double y) => Math.Abs(x / y - 1) < 1e-3
            ? FormattableString.Invariant($"{x * 1e9:0.###} nm/px")
            : FormattableString.Invariant($"{x * 1e9:0.###}×{y * 1e9:0.###} nm/px");
        return IsIdentity ? $"{Nm(PixelX, PixelY)} (as scanned)" : $"{Nm(PixelX, PixelY)} → {Nm(TargetX, TargetY)} ({width}×{height} → {w}×{h} px)";
    }

    private static Tensor Resize(Tensor image, int height, int width)
    {
        if (image.Rank != 2) throw new ArgumentException($"expected a [H, W] image, got {image.ShapeText}");
        if (image.Dim(0) == height && image.Dim(1) == width) return image;
        // NaN pixels (unscanned) would spread through the kernel: resample with them as the mean, then put them back where they land.
        var src = image.Data;
        bool hasNan = false;
        double sum = 0;
        long n = 0;
        foreach (float v in src)
        {
            if (float.IsFinite(v)) { sum += v; n++; }
            else hasNan = true;
        }
        if (!hasNan) return new Tensor(Resampling.Resize(src, image.Dim(1), image.Dim(0), width, height), height, width);
        float mean = n > 0 ? (float)(sum / n) : 0;
        var filled = new float[src.Length];
        var mask = new float[src.Length];
        for (int i = 0; i < src.Length; i++) (filled[i], mask[i]) = float.IsFinite(src[i]) ? (src[i], 0f) : (mean, 1f);
        var data = Resampling.Resize(filled, image.Dim(1), image.Dim(0), width, height);
        var m = Resampling.Resize(mask, image.Dim(1), image.Dim(0), width, height);
        for (int i = 0; i < data.Length; i++) if (m[i] >= 0.5f) data[i] = float.NaN;
        return new Tensor(data, height, width);
    }
}
