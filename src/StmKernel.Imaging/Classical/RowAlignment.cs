namespace StmKernel.Imaging.Classical;

/// <summary>How <see cref="RowAlignment"/> estimates each scan line's offset (Gwyddion "Align rows" methods).</summary>
public enum RowAlignMethod
{
    /// <summary>Offset = median of the row (Gwyddion's default).</summary>
    Median,
    /// <summary>s₀ = 0, s₍ᵢ₊₁₎ = sᵢ + median over j of z(i+1, j) − z(i, j).</summary>
    MedianOfDifferences,
    /// <summary>
    /// Like median of differences but a weighted mean of the row differences, each column weighted
    /// by exp(−c²/2q) where c is the local second difference (curvature) of the two rows and q its
    /// mean square: flat regions decide the offset, features and edges barely count.
    /// </summary>
    Matching,
}

/// <summary>Removes per-scan-line offsets (the most common STM artefact: feedback jumps between lines).</summary>
public static class RowAlignment
{
    /// <summary>
    /// Subtracts from each row its estimated offset minus the mean of all offsets, so the image's
    /// mean level is kept. Rows with no finite pixel are left as they are (offset 0 before centring).
    /// </summary>
    public static StmImage Apply(StmImage image, RowAlignMethod method = RowAlignMethod.Median) =>
        image.WithData(Apply(image.Data, image.Width, image.Height, method));

    /// <summary>The same on a row-major <paramref name="width"/> × <paramref name="height"/> array (a new array is returned).</summary>
    public static float[] Apply(float[] data, int width, int height, RowAlignMethod method = RowAlignMethod.Median)
    {
        var s = Offsets(data, width, height, method);
        double mean = s.Average();
        var o = new float[data.Length];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                o[y * width + x] = (float)(data[y * width + x] - (s[y] - mean));
        return o;
    }

    /// <summary>The estimated offset of every row (before centring).</summary>
    public static double[] Offsets(float[] data, int width, int height, RowAlignMethod method)
    {
        var s = new double[height];
        var buf = new List<double>(width);
        if (method == RowAlignMethod.Median)
        {
            for (int y = 0; y < height; y++)
            {
                buf.Clear();
                for (int x = 0; x < width; x++) if (float.IsFinite(data[y * width + x])) buf.Add(data[y * width + x]);
                s[y] = buf.Count > 0 ? Median(buf) : 0;
            }
            return s;
        }
        for (int y = 1; y < height; y++)
        {
            double step = method == RowAlignMethod.MedianOfDifferences
                ? MedianDifference(data, width, y, buf)
                : MatchingDifference(data, width, y);
            s[y] = s[y - 1] + step;
        }
        return s;
    }

    private static double MedianDifference(float[] d, int w, int y, List<double> buf)
    {
        buf.Clear();
        for (int x = 0; x < w; x++)
        {
            double diff = d[y * w + x] - d[(y - 1) * w + x];
            if (double.IsFinite(diff)) buf.Add(diff);
        }
        return buf.Count > 0 ? Median(buf) : 0;
    }

    private static double MatchingDifference(float[] d, int w, int y)
    {
        int a = (y - 1) * w, b = y * w;
        if (w < 3) return MedianDifference(d, w, y, new List<double>(w));
        var curv = new double[w];
        double sum = 0;
        int n = 0;
        for (int x = 1; x < w - 1; x++)
        {
            double ca = d[a + x - 1] - 2.0 * d[a + x] + d[a + x + 1];
            double cb = d[b + x - 1] - 2.0 * d[b + x] + d[b + x + 1];
            double c2 = ca * ca + cb * cb;
            curv[x] = c2;
            if (double.IsFinite(c2)) { sum += c2; n++; }
        }
        double q = n > 0 ? sum / n : 0;
        double ws = 0, wd = 0;
        for (int x = 1; x < w - 1; x++)
        {
            double diff = d[b + x] - d[a + x];
            if (!double.IsFinite(diff) || !double.IsFinite(curv[x])) continue;
            double weight = q > 0 ? Math.Exp(-curv[x] / (2 * q)) : 1;
            ws += weight;
            wd += weight * diff;
        }
        return ws > 0 ? wd / ws : 0;
    }

    /// <summary>Median of a list (sorted in place); the mean of the two middle values for even counts.</summary>
    internal static double Median(List<double> v)
    {
        v.Sort();
        int m = v.Count / 2;
        return v.Count % 2 == 1 ? v[m] : 0.5 * (v[m - 1] + v[m]);
    }
}
