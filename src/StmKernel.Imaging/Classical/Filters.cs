namespace StmKernel.Imaging.Classical;

/// <summary>Median and Gaussian smoothing, NaN-aware (missing pixels are skipped and stay missing).</summary>
public static class Filters
{
    /// <summary>Median over the (2r+1)² square around each pixel, clipped at the edges.</summary>
    public static StmImage Median(StmImage image, int radius)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(radius);
        int w = image.Width, h = image.Height;
        var d = image.Data;
        var o = new float[d.Length];
        var buf = new List<double>((2 * radius + 1) * (2 * radius + 1));
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int i = y * w + x;
                if (!float.IsFinite(d[i])) { o[i] = d[i]; continue; }
                buf.Clear();
                for (int yy = Math.Max(0, y - radius); yy <= Math.Min(h - 1, y + radius); yy++)
                    for (int xx = Math.Max(0, x - radius); xx <= Math.Min(w - 1, x + radius); xx++)
                        if (float.IsFinite(d[yy * w + xx])) buf.Add(d[yy * w + xx]);
                o[i] = (float)RowAlignment.Median(buf);
            }
        return image.WithData(o);
    }

    /// <summary>
    /// Gaussian blur with standard deviation <paramref name="sigma"/> pixels (Gwyddion specifies the
    /// FWHM = 2.3548·σ), separable, kernel cut at 3σ; weights are renormalised over the finite pixels
    /// inside the image, so edges and holes do not darken the result.
    /// </summary>
    public static StmImage Gaussian(StmImage image, double sigma)
    {
        if (!(sigma > 0)) throw new ArgumentOutOfRangeException(nameof(sigma), "sigma must be positive");
        int r = (int)Math.Ceiling(3 * sigma);
        var k = new double[2 * r + 1];
        for (int i = -r; i <= r; i++) k[i + r] = Math.Exp(-i * i / (2 * sigma * sigma));
        int w = image.Width, h = image.Height;
        var rows = Pass(image.Data, w, h, k, r, horizontal: true);
        var o = Pass(rows, w, h, k, r, horizontal: false);
        for (int i = 0; i < o.Length; i++) if (!float.IsFinite(image.Data[i])) o[i] = image.Data[i];
        return image.WithData(o);
    }

    private static float[] Pass(float[] d, int w, int h, double[] k, int r, bool horizontal)
    {
        var o = new float[d.Length];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                double s = 0, ws = 0;
                for (int t = -r; t <= r; t++)
                {
                    int xx = horizontal ? x + t : x, yy = horizontal ? y : y + t;
                    if (xx < 0 || xx >= w || yy < 0 || yy >= h) continue;
                    float v = d[yy * w + xx];
                    if (!float.IsFinite(v)) continue;
                    s += k[t + r] * v;
                    ws += k[t + r];
                }
                o[y * w + x] = ws > 0 ? (float)(s / ws) : float.NaN;
            }
        return o;
    }
}
