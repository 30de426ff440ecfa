namespace StmKernel.Imaging.Classical;

/// <summary>Parameters of scar marking, defaults as in Gwyddion 2.62's "Mark scars".</summary>
/// <param name="HighThreshold">A scar must somewhere stand out by this many rms of vertical differences.</param>
/// <param name="LowThreshold">Pixels standing out by this much join a scar that reaches the high threshold.</param>
/// <param name="MinLength">Shortest horizontal run kept, in pixels.</param>
/// <param name="MaxWidth">Tallest band (rows) considered a scar.</param>
public sealed record ScarOptions(double HighThreshold = 0.666, double LowThreshold = 0.25, int MinLength = 16, int MaxWidth = 4);

/// <summary>
/// Scars: short horizontal bands (≤ a few lines) that jump above or below both neighbouring lines,
/// left by the tip changing for part of a scan line. Marking follows Gwyddion's idea (band contrast
/// against the lines above and below, in units of the rms vertical difference, with hysteresis along
/// the row and a minimum length); removal fills marked pixels by solving Laplace's equation from their surroundings.
/// </summary>
public static class Scars
{
    /// <summary>Marks scar pixels; the result is row-major like the image.</summary>
    public static bool[] Mark(StmImage image, ScarOptions? options = null)
    {
        var o = options ?? new ScarOptions();
        int w = image.Width, h = image.Height;
        var d = image.Data;
        double rms = VerticalRms(d, w, h);
        var strength = new double[d.Length];
        if (rms <= 0) return new bool[d.Length];
        for (int sign = -1; sign <= 1; sign += 2)
            for (int y = 1; y < h - 1; y++)
                for (int x = 0; x < w; x++)
                    for (int bw = 1; bw <= o.MaxWidth && y + bw < h; bw++)
                    {
                        // Contrast of rows y..y+bw-1 against rows y-1 and y+bw (positive = stands out).
                        double inner = double.PositiveInfinity;
                        for (int k = 0; k < bw; k++) inner = Math.Min(inner, sign * d[(y + k) * w + x]);
                        double outer = Math.Max(sign * d[(y - 1) * w + x], sign * d[(y + bw) * w + x]);
                        double c = (inner - outer) / rms;
                        if (!(c >= o.LowThreshold)) continue;
                        for (int k = 0; k < bw; k++) strength[(y + k) * w + x] = Math.Max(strength[(y + k) * w + x], c);
                    }

        // Hysteresis along each row: a run of consecutive candidates (≥ low threshold) is a scar when
        // some pixel in it reaches the high threshold and it is at least MinLength pixels long.
        var mark = new bool[d.Length];
        for (int y = 0; y < h; y++)
        {
            int x = 0;
            while (x < w)
            {
                if (strength[y * w + x] < o.LowThreshold) { x++; continue; }
                int start = x;
                double peak = 0;
                while (x < w && strength[y * w + x] >= o.LowThreshold) peak = Math.Max(peak, strength[y * w + x++]);
                if (x - start >= o.MinLength && peak >= o.HighThreshold)
                    for (int k = start; k < x; k++) mark[y * w + k] = true;
            }
        }
        return mark;
    }

    /// <summary>Marks and removes scars in one step.</summary>
    public static StmImage Remove(StmImage image, ScarOptions? options = null) => Fill(image, Mark(image, options));

    /// <summary>
    /// Replaces the masked pixels by the solution of Laplace's equation with the unmasked pixels as
    /// boundary values (Gwyddion's "Laplace" interpolation); starts from vertical linear
    /// interpolation, which is already close for thin horizontal bands. NaN pixels outside the mask stay NaN.
    /// </summary>
    public static StmImage Fill(StmImage image, bool[] mask)
    {
        int w = image.Width, h = image.Height;
        if (mask.Length != image.Data.Length) throw new ArgumentException($"mask has {mask.Length} pixels, image {image.Data.Length}", nameof(mask));
        var z = (float[])image.Data.Clone();
        var holes = new List<int>();
        for (int i = 0; i < z.Length; i++) if (mask[i]) holes.Add(i);
        if (holes.Count == 0) return image.WithData(z);
        bool Known(int i) => !mask[i] && float.IsFinite(image.Data[i]);
        foreach (int i in holes)
        {
            int x = i % w, y = i / w;
            int up = y - 1, down = y + 1;
            while (up >= 0 && !Known(up * w + x)) up--;
            while (down < h && !Known(down * w + x)) down++;
            z[i] = up >= 0 && down < h
                ? (float)(image.Data[up * w + x] + (image.Data[down * w + x] - image.Data[up * w + x]) * (y - up) / (double)(down - up))
                : up >= 0 ? image.Data[up * w + x] : down < h ? image.Data[down * w + x] : 0f;
        }
        // Successive over-relaxation on the holes only; the boundary (unmasked pixels) is fixed.
        const double omega = 1.8;
        for (int iter = 0; iter < 200; iter++)
        {
            double change = 0;
            foreach (int i in holes)
            {
                int x = i % w, y = i / w;
                double sum = 0;
                int n = 0;
                if (x > 0 && float.IsFinite(z[i - 1])) { sum += z[i - 1]; n++; }
                if (x < w - 1 && float.IsFinite(z[i + 1])) { sum += z[i + 1]; n++; }
                if (y > 0 && float.IsFinite(z[i - w])) { sum += z[i - w]; n++; }
                if (y < h - 1 && float.IsFinite(z[i + w])) { sum += z[i + w]; n++; }
                if (n == 0) continue;
                double next = z[i] + omega * (sum / n - z[i]);
                change = Math.Max(change, Math.Abs(next - z[i]));
                z[i] = (float)next;
            }
            if (change < 1e-7 * (Math.Abs(z[holes[0]]) + 1e-30)) break;
        }
        return image.WithData(z);
    }

    /// <summary>Root mean square of vertical neighbour differences over finite pairs.</summary>
    internal static double VerticalRms(float[] d, int w, int h)
    {
        double s = 0;
        long n = 0;
        for (int y = 0; y + 1 < h; y++)
            for (int x = 0; x < w; x++)
            {
                double v = d[(y + 1) * w + x] - d[y * w + x];
                if (double.IsFinite(v)) { s += v * v; n++; }
            }
        return n > 0 ? Math.Sqrt(s / n) : 0;
    }
}
