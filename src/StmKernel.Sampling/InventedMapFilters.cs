namespace StmKernel.Sampling;

/// <summary>
/// The small image operations of <see cref="InventedMap"/> on row-major float planes without NaN:
/// separable Gaussian blur, integer shifts and a box mean, all with edge pixels repeated (clamped
/// indices), so a border never reads as a change.
/// </summary>
internal static class InventedMapFilters
{
    /// <summary>Gaussian blur of standard deviation <paramref name="sigma"/> px (kernel cut at 3σ); σ ≤ 0 returns a copy.</summary>
    public static float[] Gaussian(float[] src, int height, int width, double sigma)
    {
        if (!(sigma > 0)) return (float[])src.Clone();
        int r = Math.Max(1, (int)Math.Ceiling(3 * sigma));
        var k = new float[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) sum += k[i + r] = (float)Math.Exp(-i * i / (2 * sigma * sigma));
        for (int i = 0; i < k.Length; i++) k[i] = (float)(k[i] / sum);
        var rows = new float[src.Length];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                float s = 0;
                for (int t = -r; t <= r; t++) s += k[t + r] * src[y * width + Math.Clamp(x + t, 0, width - 1)];
                rows[y * width + x] = s;
            }
        var dst = new float[src.Length];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                float s = 0;
                for (int t = -r; t <= r; t++) s += k[t + r] * rows[Math.Clamp(y + t, 0, height - 1) * width + x];
                dst[y * width + x] = s;
            }
        return dst;
    }

    /// <summary>The plane moved by (<paramref name="dx"/>, <paramref name="dy"/>) px: dst(x, y) = src(x − dx, y − dy).</summary>
    public static float[] Shift(float[] src, int height, int width, int dx, int dy)
    {
        var dst = new float[src.Length];
        for (int y = 0; y < height; y++)
        {
            int sy = Math.Clamp(y - dy, 0, height - 1);
            for (int x = 0; x < width; x++) dst[y * width + x] = src[sy * width + Math.Clamp(x - dx, 0, width - 1)];
        }
        return dst;
    }

    /// <summary>Mean over the (2r+1)² square around each pixel, by running sums (edges repeated).</summary>
    public static float[] BoxMean(float[] src, int height, int width, int radius)
    {
        if (radius <= 0) return (float[])src.Clone();
        int n = 2 * radius + 1;
        var rows = new float[src.Length];
        for (int y = 0; y < height; y++)
        {
            double s = 0;
            for (int t = -radius; t <= radius; t++) s += src[y * width + Math.Clamp(t, 0, width - 1)];
            for (int x = 0; x < width; x++)
            {
                rows[y * width + x] = (float)(s / n);
                s += src[y * width + Math.Clamp(x + radius + 1, 0, width - 1)] - src[y * width + Math.Clamp(x - radius, 0, width - 1)];
            }
        }
        var dst = new float[src.Length];
        for (int x = 0; x < width; x++)
        {
            double s = 0;
            for (int t = -radius; t <= radius; t++) s += rows[Math.Clamp(t, 0, height - 1) * width + x];
            for (int y = 0; y < height; y++)
            {
                dst[y * width + x] = (float)(s / n);
                s += rows[Math.Clamp(y + radius + 1, 0, height - 1) * width + x] - rows[Math.Clamp(y - radius, 0, height - 1) * width + x];
            }
        }
        return dst;
    }

    /// <summary>Per pixel, the median of itself and the pixels directly above and below (edges repeated).</summary>
    public static float[] VerticalMedian3(float[] src, int height, int width)
    {
        var dst = new float[src.Length];
        for (int y = 0; y < height; y++)
        {
            int up = Math.Max(y - 1, 0) * width, down = Math.Min(y + 1, height - 1) * width;
            for (int x = 0; x < width; x++)
            {
                float a = src[up + x], b = src[y * width + x], c = src[down + x];
                dst[y * width + x] = Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
            }
        }
        return dst;
    }
}
