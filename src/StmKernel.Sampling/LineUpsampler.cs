using StmKernel.Tensors;

namespace StmKernel.Sampling;

/// <summary>
/// Super-resolution along the slow-scan axis: an image with H/f scan lines is nearest-upsampled along y
/// only (row y of the result is line ⌊y/f⌋ of the input, as the training data were made), giving the
/// condition the SR model restores. The x axis and the physical size are unchanged; the line count
/// becomes f·H/f.
/// </summary>
public static class LineUpsampler
{
    /// <summary>Repeats each of the [H, W] image's lines <paramref name="factor"/> (2 or 4) times: [f·H, W].</summary>
    public static Tensor Upsample(Tensor image, int factor)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (factor is not (2 or 4)) throw new ArgumentOutOfRangeException(nameof(factor), factor, "super-resolution factor must be 2 or 4");
        if (image.Rank != 2) throw new ArgumentException($"image must be [H, W], got {image.ShapeText}", nameof(image));
        int h = image.Dim(0), w = image.Dim(1);
        var result = new Tensor(checked(h * factor), w);
        for (int y = 0; y < h * factor; y++)
            image.Data.AsSpan(y / factor * w, w).CopyTo(result.Data.AsSpan(y * w, w));
        return result;
    }

    /// <summary>Upsamples by <paramref name="factor"/> and restores with an SR model's <paramref name="restorer"/>.</summary>
    public static RestoreResult UpsampleAndRestore(TiledRestorer restorer, Tensor image, int factor, RestoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(restorer);
        return restorer.Restore(Upsample(image, factor), options);
    }
}
