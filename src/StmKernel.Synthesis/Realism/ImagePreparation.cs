namespace StmKernel.Synthesis.Realism;

/// <summary>
/// What is done to every image before its statistics are taken, real or generated alike: the
/// least-squares line of each scan line subtracted (the real set was exported after SPIW's
/// <c>Im_Flatten_X</c>, so a generated surface must be flattened the same way to be comparable),
/// then min–max scaling to [0, 1], and robust standardisation (median 0, MAD-σ 1) for statistics
/// that must not depend on a few extreme pixels.
/// </summary>
internal static class ImagePreparation
{
    /// <summary>
    /// The image with each row's least-squares line removed (when <paramref name="flatten"/>), min–max
    /// scaled to [0, 1] (a constant image gives 0). Flattening also removes rows that run exactly
    /// along the fast axis, and puts a streak beside a tall feature on its lines — as it did to the real scans.
    /// </summary>
    public static double[] FlattenAndScale(ReadOnlySpan<float> image, int width, int height, bool flatten)
    {
        if (image.Length != width * height) throw new ArgumentException($"image has {image.Length} values, expected {width}×{height}");
        var z = new double[image.Length];
        double xMean = (width - 1) / 2.0, sxx = 0;
        for (int x = 0; x < width; x++) sxx += (x - xMean) * (x - xMean);
        for (int y = 0; y < height; y++)
        {
            var row = image.Slice(y * width, width);
            double mean = 0, sxy = 0;
            for (int x = 0; x < width; x++) mean += row[x];
            mean /= width;
            for (int x = 0; x < width; x++) sxy += (x - xMean) * (row[x] - mean);
            double slope = sxx > 0 ? sxy / sxx : 0;
            if (!flatten) { mean = 0; slope = 0; }
            for (int x = 0; x < width; x++) z[y * width + x] = row[x] - mean - slope * (x - xMean);
        }
        double lo = z.Min(), hi = z.Max();
        double scale = hi > lo ? 1 / (hi - lo) : 0;
        for (int i = 0; i < z.Length; i++) z[i] = (z[i] - lo) * scale;
        return z;
    }

    /// <summary>(x − median) / (1.4826 · MAD): a normal distribution gets σ 1 whatever its outliers; a constant image stays 0.</summary>
    public static double[] RobustStandardise(ReadOnlySpan<double> values)
    {
        double median = Median(values.ToArray());
        var dev = new double[values.Length];
        for (int i = 0; i < dev.Length; i++) dev[i] = Math.Abs(values[i] - median);
        double sigma = 1.4826 * Median(dev);
        var z = new double[values.Length];
        double inv = sigma > 0 ? 1 / sigma : 0;
        for (int i = 0; i < z.Length; i++) z[i] = (values[i] - median) * inv;
        return z;
    }

    /// <summary>Median of <paramref name="scratch"/> (reordered in place); mean of the two middle values for an even count.</summary>
    public static double Median(double[] scratch)
    {
        if (scratch.Length == 0) throw new ArgumentException("median of no values");
        Array.Sort(scratch);
        int n = scratch.Length;
        return n % 2 == 1 ? scratch[n / 2] : 0.5 * (scratch[n / 2 - 1] + scratch[n / 2]);
    }
}
