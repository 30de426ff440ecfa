namespace StmKernel.Sampling;

/// <summary>
/// The scan-line part of <see cref="InventedMap"/>'s artefact model. Each scan line of the input is
/// explained by the same line of the (ghost-corrected) restored image, blurred by one of a few σ (blunt
/// tip everywhere; tip change from one line on), moved sideways by a whole number of pixels (line
/// misalignment), scaled, and with its own offset and linear ramp (line noise, tip jumps, drift): one
/// least-squares fit per line and candidate, the candidate with the smallest squared error wins.
/// </summary>
internal static class InventedMapRows
{
    /// <summary>Blurs tried per line, px: blunt tips have σ 0.3–0.6, tip changes 0.8–1.6 (docs/synthesis.md).</summary>
    private static readonly double[] Blurs = [0, 0.45, 0.8, 1.1, 1.4, 1.8];

    /// <summary>Largest sideways shift tried, px (misalignment draws round(N(0, 0.8)): |s| ≤ 3 in 99.9 % of lines).</summary>
    public const int MaxShift = 3;

    /// <summary>Range of the per-line gain (blur already lowers a line's contrast through σ).</summary>
    private const double MinGain = 0.8, MaxGain = 1.25;

    /// <summary>
    /// The input as explained line by line from <paramref name="explained"/> (the global fit). All pixels of
    /// a line count: fitting only the global fit's inliers skips exactly the pixels that line artefacts
    /// displaced (measured: validation AUROC on multi-tip 0.88 → 0.63).
    /// </summary>
    public static float[] Fit(float[] input, float[] explained, int height, int width)
    {
        var blurred = Blurs.Select(s => InventedMapFilters.Gaussian(explained, height, width, s)).ToArray();
        var fitted = new float[input.Length];
        var best = new float[width];
        var candidate = new float[width];
        var use = new bool[width];
        Array.Fill(use, true);
        for (int y = 0; y < height; y++)
        {
            var row = input.AsSpan(y * width, width);
            double bestSse = double.PositiveInfinity;
            foreach (var plane in blurred)
                for (int s = -MaxShift; s <= MaxShift; s++)
                {
                    for (int x = 0; x < width; x++) candidate[x] = plane[y * width + Math.Clamp(x - s, 0, width - 1)];
                    double sse = FitLine(row, candidate, use);
                    if (sse < bestSse)
                    {
                        bestSse = sse;
                        candidate.CopyTo(best, 0);
                    }
                }
            FitLine(row, best, use, fitted.AsSpan(y * width, width));
        }
        return fitted;
    }

    /// <summary>
    /// Least squares row ≈ β₀ + β₁·t + α·c over the used pixels (t = x / width), α then clamped to
    /// [<see cref="MinGain"/>, <see cref="MaxGain"/>] and β refitted; returns the squared error over the
    /// used pixels and writes the fit of every pixel if asked.
    /// </summary>
    private static double FitLine(ReadOnlySpan<float> row, float[] c, bool[] use, Span<float> output = default)
    {
        int w = row.Length;
        // Normal equations of [1, t, c]: symmetric 3 × 3 sums.
        double n = 0, st = 0, stt = 0, sc = 0, stc = 0, scc = 0, sr = 0, str = 0, scr = 0;
        for (int x = 0; x < w; x++)
        {
            if (!use[x]) continue;
            double t = (double)x / w, v = c[x], r = row[x];
            n++; st += t; stt += t * t; sc += v; stc += t * v; scc += v * v; sr += r; str += t * r; scr += v * r;
        }
        double alpha = SolveThree(n, st, sc, stt, stc, scc, sr, str, scr);
        alpha = Math.Clamp(double.IsFinite(alpha) ? alpha : 1, MinGain, MaxGain);
        // Offset and ramp for row − α·c (2 × 2).
        double r0 = sr - alpha * sc, r1 = str - alpha * stc, det = n * stt - st * st;
        double b0 = det > 1e-12 ? (r0 * stt - r1 * st) / det : r0 / Math.Max(n, 1);
        double b1 = det > 1e-12 ? (n * r1 - st * r0) / det : 0;
        double sse = 0;
        for (int x = 0; x < w; x++)
        {
            double fit = b0 + b1 * x / w + alpha * c[x];
            if (use[x]) sse += (row[x] - fit) * (row[x] - fit);
            if (!output.IsEmpty) output[x] = (float)fit;
        }
        return sse;
    }

    /// <summary>The third unknown (α) of the symmetric system [[a, b, c], [b, d, e], [c, e, f]]·β = [g, h, i], by Cramer's rule.</summary>
    private static double SolveThree(double a, double b, double c, double d, double e, double f, double g, double h, double i)
    {
        double det = a * (d * f - e * e) - b * (b * f - e * c) + c * (b * e - d * c);
        if (Math.Abs(det) < 1e-12) return double.NaN;
        return (a * (d * i - h * e) - b * (b * i - h * c) + g * (b * e - d * c)) / det;
    }
}
