using System.Numerics;
using StmKernel.Imaging.Fourier;

namespace StmKernel.Synthesis.Realism;

/// <summary>
/// Hann-windowed periodogram of a mean-removed image, unshifted (DC at index 0), normalised so that
/// the sum over all bins is the windowed image's mean square per pixel (Parseval), whatever its size.
/// </summary>
internal sealed class PowerSpectrum
{
    /// <summary>|F(kx, ky)|² / (N · mean w²), row-major height × width, index (ky mod H)·W + (kx mod W).</summary>
    public double[] Power { get; }

    /// <summary>Columns (kx bins).</summary>
    public int Width { get; }

    /// <summary>Rows (ky bins).</summary>
    public int Height { get; }

    public PowerSpectrum(ReadOnlySpan<double> image, int width, int height)
    {
        Width = width;
        Height = height;
        double mean = 0;
        foreach (double v in image) mean += v;
        mean /= image.Length;
        var wx = Hann(width);
        var wy = Hann(height);
        var buffer = new Complex[width * height];
        double w2 = 0;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                double w = wx[x] * wy[y];
                buffer[y * width + x] = (image[y * width + x] - mean) * w;
                w2 += w * w;
            }
        Fft.Transform2D(buffer, height, width);
        // Σ|F|² = N Σ|x w|²; dividing by N Σw² gives the mean square of x where the window is 1.
        double norm = 1 / (image.Length * w2);
        Power = new double[buffer.Length];
        for (int i = 0; i < buffer.Length; i++) Power[i] = (buffer[i].Real * buffer[i].Real + buffer[i].Imaginary * buffer[i].Imaginary) * norm;
    }

    /// <summary>Signed frequency (cycles/px) of column <paramref name="kx"/>.</summary>
    public double Fx(int kx) => (kx <= Width / 2 ? kx : kx - Width) / (double)Width;

    /// <summary>Signed frequency (cycles/px) of row <paramref name="ky"/>.</summary>
    public double Fy(int ky) => (ky <= Height / 2 ? ky : ky - Height) / (double)Height;

    private static double[] Hann(int n)
    {
        var w = new double[n];
        for (int i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.Cos(2 * Math.PI * (i + 0.5) / n);
        return w;
    }
}
