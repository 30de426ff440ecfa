namespace StmKernel.Synthesis.Realism;

/// <summary>
/// Bright and dark features: connected regions (8-neighbour) beyond ±<see cref="Threshold"/> robust σ
/// of the image with its row lattice removed (Gaussian blur σ = half a row period, <see cref="FftBlur"/>:
/// the row harmonic is multiplied by e^{−2π²/4} = 0.007) and its background subtracted
/// (<see cref="MedianBackground"/>), at least
/// <see cref="MinArea"/> row periods² large. Densities are per 100 (row period)² (100 × 0.59 nm² =
/// 59 nm² on Si(001)); sizes are equivalent diameters 2√(A/π) in row periods.
/// </summary>
public static class FeatureCensus
{
    /// <summary>Detection threshold in robust σ of the lattice-free, background-free image.</summary>
    public const double Threshold = 3;

    /// <summary>Smallest counted region, in row periods² (half: 3 σ excursions of noise blurred by σ = P/2 are smaller).</summary>
    public const double MinArea = 0.5;

    /// <summary>Upper edges of the size classes (equivalent diameter, row periods); the last class is open.</summary>
    public static readonly double[] SizeEdges = [1, 1.5, 2, 3, 4];

    /// <summary>The census of one sign.</summary>
    /// <param name="Density">Features per 100 row periods².</param>
    /// <param name="SizeFractions">Share of features per size class (<see cref="SizeEdges"/>, then ≥ the last edge); all 0 without features.</param>
    /// <param name="MeanDiameter">Mean equivalent diameter (row periods); NaN without features.</param>
    public sealed record Census(double Density, double[] SizeFractions, double MeanDiameter);

    /// <summary>Bright and dark censuses of a [0, 1] image with rows <paramref name="rowPeriodPx"/> apart.</summary>
    internal static (Census Bright, Census Dark) Compute(ReadOnlySpan<double> image, int width, int height, double rowPeriodPx)
    {
        var smooth = FftBlur.Apply(image, width, height, 0.5 * rowPeriodPx);
        var background = MedianBackground.Estimate(smooth, width, height, rowPeriodPx);
        for (int i = 0; i < smooth.Length; i++) smooth[i] -= background[i];
        var z = ImagePreparation.RobustStandardise(smooth);
        double areaRows = width * (double)height / (rowPeriodPx * rowPeriodPx);
        return (Count(z, width, height, +1, rowPeriodPx, areaRows), Count(z, width, height, -1, rowPeriodPx, areaRows));
    }

    private static Census Count(double[] z, int width, int height, int sign, double rowPeriodPx, double areaRows)
    {
        var seen = new bool[z.Length];
        var stack = new Stack<int>();
        var diameters = new List<double>();
        double minPixels = MinArea * rowPeriodPx * rowPeriodPx;
        for (int start = 0; start < z.Length; start++)
        {
            if (seen[start] || sign * z[start] <= Threshold) continue;
            int area = 0;
            seen[start] = true;
            stack.Push(start);
            while (stack.Count > 0)
            {
                int i = stack.Pop();
                area++;
                int x = i % width, y = i / width;
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        int nx = x + dx, ny = y + dy;
                        if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
                        int j = ny * width + nx;
                        if (seen[j] || sign * z[j] <= Threshold) continue;
                        seen[j] = true;
                        stack.Push(j);
                    }
            }
            if (area >= minPixels) diameters.Add(2 * Math.Sqrt(area / Math.PI) / rowPeriodPx);
        }
        var fractions = new double[SizeEdges.Length + 1];
        foreach (double d in diameters)
        {
            int c = 0;
            while (c < SizeEdges.Length && d >= SizeEdges[c]) c++;
            fractions[c] += 1.0 / diameters.Count;
        }
        return new Census(100 * diameters.Count / areaRows, fractions, diameters.Count > 0 ? diameters.Average() : double.NaN);
    }
}
