using System.Numerics;
using StmKernel.Imaging.Fourier;

namespace StmKernel.Synthesis.Realism;

/// <summary>
/// Normalised autocorrelation of the mean-removed image (through the FFT, zero-padded to a power of
/// two ≥ 2W × 2H so no lag wraps, each lag divided by its overlap count) sampled along and across the rows at lags of
/// 0, 1/8, …, <see cref="MaxLag"/> row periods (bilinear between pixel lags). Along the rows it shows
/// the dimer period and how far rows stay straight; across, the row period and its contrast.
/// </summary>
public static class Autocorrelation
{
    /// <summary>Largest lag, in row periods.</summary>
    public const double MaxLag = 4;

    /// <summary>Lags per row period.</summary>
    public const int StepsPerPeriod = 8;

    /// <summary>Number of lags sampled (0 … MaxLag inclusive).</summary>
    public static int Lags => (int)(MaxLag * StepsPerPeriod) + 1;

    /// <summary>Lag <paramref name="i"/> in row periods.</summary>
    public static double Lag(int i) => i / (double)StepsPerPeriod;

    /// <summary>(along, across) correlation curves; NaN at lags beyond half the smaller image side.</summary>
    internal static (double[] Along, double[] Across) Compute(ReadOnlySpan<double> image, int width, int height, double rowPeriodPx, double rowAngle)
    {
        int w2 = (int)BitOperations.RoundUpToPowerOf2((uint)(2 * width)), h2 = (int)BitOperations.RoundUpToPowerOf2((uint)(2 * height));
        double mean = 0;
        foreach (double v in image) mean += v;
        mean /= image.Length;
        var buffer = new Complex[w2 * h2];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++) buffer[y * w2 + x] = image[y * width + x] - mean;
        Fft.Transform2D(buffer, h2, w2);
        for (int i = 0; i < buffer.Length; i++) buffer[i] = buffer[i].Real * buffer[i].Real + buffer[i].Imaginary * buffer[i].Imaginary;
        Fft.Transform2D(buffer, h2, w2, inverse: true);
        double At(int dx, int dy)
        {
            double overlap = (width - Math.Abs(dx)) * (double)(height - Math.Abs(dy));
            return buffer[((dy + h2) % h2) * w2 + (dx + w2) % w2].Real / overlap;
        }
        double zero = At(0, 0);
        double Bilinear(double x, double y)
        {
            int x0 = (int)Math.Floor(x), y0 = (int)Math.Floor(y);
            double fx = x - x0, fy = y - y0;
            return (1 - fy) * ((1 - fx) * At(x0, y0) + fx * At(x0 + 1, y0)) + fy * ((1 - fx) * At(x0, y0 + 1) + fx * At(x0 + 1, y0 + 1));
        }
        double c = Math.Cos(rowAngle), s = Math.Sin(rowAngle), limit = Math.Min(width, height) / 2.0;
        var along = new double[Lags];
        var across = new double[Lags];
        for (int i = 0; i < Lags; i++)
        {
            double r = Lag(i) * rowPeriodPx;
            bool inside = r <= limit && zero > 0;
            along[i] = inside ? Bilinear(r * c, r * s) / zero : double.NaN;
            across[i] = inside ? Bilinear(-r * s, r * c) / zero : double.NaN;
        }
        return (along, across);
    }
}
