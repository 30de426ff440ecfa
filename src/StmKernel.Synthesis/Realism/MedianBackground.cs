namespace StmKernel.Synthesis.Realism;

/// <summary>
/// The slowly varying background under the features (terraces, drifts, broad halos): block means of
/// half a row period, a running median over 17 × 17 blocks (8.5 row periods, so a feature whose
/// tails reach ~4 row periods across covers less than half the window and does not move the median),
/// interpolated back bilinearly. A median, unlike a wide Gaussian, leaves no bright ring around a pit.
/// </summary>
internal static class MedianBackground
{
    private const int Radius = 8;

    /// <summary>The background of <paramref name="image"/>, same grid.</summary>
    public static double[] Estimate(ReadOnlySpan<double> image, int width, int height, double rowPeriodPx)
    {
        int b = Math.Max(1, (int)Math.Round(rowPeriodPx / 2));
        int gw = (width + b - 1) / b, gh = (height + b - 1) / b;
        var blocks = new double[gw * gh];
        var counts = new int[gw * gh];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++) { blocks[(y / b) * gw + x / b] += image[y * width + x]; counts[(y / b) * gw + x / b]++; }
        for (int i = 0; i < blocks.Length; i++) blocks[i] /= counts[i];
        var median = new double[blocks.Length];
        var window = new List<double>((2 * Radius + 1) * (2 * Radius + 1));
        for (int gy = 0; gy < gh; gy++)
            for (int gx = 0; gx < gw; gx++)
            {
                window.Clear();
                for (int dy = -Radius; dy <= Radius; dy++)
                    for (int dx = -Radius; dx <= Radius; dx++)
                    {
                        int x = gx + dx, y = gy + dy;
                        if (x >= 0 && y >= 0 && x < gw && y < gh) window.Add(blocks[y * gw + x]);
                    }
                median[gy * gw + gx] = ImagePreparation.Median(window.ToArray());
            }
        var result = new double[width * height];
        for (int y = 0; y < height; y++)
        {
            // Block centres sit at (i + 0.5) b − 0.5 px; clamp outside the outermost centres.
            double fy = Math.Clamp((y + 0.5) / b - 0.5, 0, gh - 1);
            int y0 = Math.Min((int)fy, gh - 1), y1 = Math.Min(y0 + 1, gh - 1);
            double ty = fy - y0;
            for (int x = 0; x < width; x++)
            {
                double fx = Math.Clamp((x + 0.5) / b - 0.5, 0, gw - 1);
                int x0 = Math.Min((int)fx, gw - 1), x1 = Math.Min(x0 + 1, gw - 1);
                double tx = fx - x0;
                result[y * width + x] = (1 - ty) * ((1 - tx) * median[y0 * gw + x0] + tx * median[y0 * gw + x1])
                    + ty * ((1 - tx) * median[y1 * gw + x0] + tx * median[y1 * gw + x1]);
            }
        }
        return result;
    }
}
