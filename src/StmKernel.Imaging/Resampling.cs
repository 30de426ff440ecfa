namespace StmKernel.Imaging;

/// <summary>
/// Separable resampling of a row-major image with a triangle (linear) kernel whose support widens with
/// the reduction factor, as PIL's antialiased bilinear does: upsampling interpolates linearly,
/// downsampling averages every source pixel a target pixel covers (no aliasing of the ≈ 2–4 px dimer
/// rows into moiré). Pixel centres are aligned (half-pixel convention), so a resampled image keeps its
/// physical extent: width × pixel size is unchanged. NaN pixels are not supported (fill them first).
/// </summary>
public static class Resampling
{
    /// <summary>Resamples a <paramref name="width"/> × <paramref name="height"/> image to <paramref name="newWidth"/> × <paramref name="newHeight"/>.</summary>
    /// <exception cref="ArgumentException">A size is not positive or the data length does not match.</exception>
    public static float[] Resize(ReadOnlySpan<float> src, int width, int height, int newWidth, int newHeight)
    {
        if (width <= 0 || height <= 0 || newWidth <= 0 || newHeight <= 0)
            throw new ArgumentException($"resample sizes must be positive, got {width}×{height} → {newWidth}×{newHeight}");
        if (src.Length != (long)width * height) throw new ArgumentException($"data length {src.Length} does not match {width}×{height}");
        // Rows first (x), then columns (y): each pass is a sparse matrix of per-target weights.
        var (xStart, xWeights, xTaps) = Weights(width, newWidth);
        var (yStart, yWeights, yTaps) = Weights(height, newHeight);
        var tmp = new float[(long)newWidth * height];
        for (int y = 0; y < height; y++)
        {
            var row = src.Slice(y * width, width);
            for (int x = 0; x < newWidth; x++)
            {
                double s = 0;
                int b = xStart[x];
                for (int k = 0; k < xTaps; k++) s += xWeights[x * xTaps + k] * row[Math.Min(b + k, width - 1)];
                tmp[(long)y * newWidth + x] = (float)s;
            }
        }
        var dst = new float[(long)newWidth * newHeight];
        var acc = new double[newWidth];
        for (int y = 0; y < newHeight; y++)
        {
            Array.Clear(acc);
            int b = yStart[y];
            for (int k = 0; k < yTaps; k++)
            {
                double w = yWeights[y * yTaps + k];
                if (w == 0) continue;
                var row = tmp.AsSpan(Math.Min(b + k, height - 1) * newWidth, newWidth);
                for (int x = 0; x < newWidth; x++) acc[x] += w * row[x];
            }
            for (int x = 0; x < newWidth; x++) dst[(long)y * newWidth + x] = (float)acc[x];
        }
        return dst;
    }

    /// <summary>
    /// For each target index: first source index, normalised weights (taps per target) over the
    /// triangle kernel of half-width max(1, scale), centred at the target pixel's centre in source
    /// coordinates. Taps that fall outside the source are dropped and the rest renormalised, which
    /// equals clamping the kernel at the border.
    /// </summary>
    private static (int[] Start, double[] Weights, int Taps) Weights(int n, int m)
    {
        double scale = (double)n / m, support = Math.Max(1.0, scale);
        int taps = (int)Math.Ceiling(support) * 2 + 1;
        var start = new int[m];
        var weights = new double[m * taps];
        for (int j = 0; j < m; j++)
        {
            double centre = (j + 0.5) * scale - 0.5;
            int lo = Math.Max(0, (int)Math.Floor(centre - support) + 1);
            int hi = Math.Min(n - 1, (int)Math.Ceiling(centre + support) - 1);
            if (hi < lo) lo = hi = Math.Clamp((int)Math.Round(centre), 0, n - 1);
            start[j] = lo;
            double sum = 0;
            for (int i = lo; i <= hi && i - lo < taps; i++)
            {
                double w = Math.Max(0, 1 - Math.Abs(i - centre) / support);
                weights[j * taps + (i - lo)] = w;
                sum += w;
            }
            if (sum <= 0) { weights[j * taps] = 1; sum = 1; }
            for (int k = 0; k < taps; k++) weights[j * taps + k] /= sum;
        }
        return (start, weights, taps);
    }
}
