using System.Numerics;

namespace StmKernel.Imaging.Fourier;

/// <summary>The strongest periodicity of an image within a band of periods.</summary>
/// <param name="PeriodPx">Period in pixels (1 / |k|), from a power-weighted 3×3 centroid around the peak bin.</param>
/// <param name="AngleDegrees">Direction of the wave vector, degrees from +x in [0, 180) (rows run perpendicular to it).</param>
/// <param name="Prominence">Peak power over the median power of its ring of equal |k|: ≈ 5–15 for noise alone, hundreds and more for a lattice spot.</param>
public readonly record struct LatticePeak(double PeriodPx, double AngleDegrees, double Prominence);

/// <summary>
/// Finds an image's dominant lattice period with a Hann-windowed 2-D FFT (the estimator of
/// ../shared/data/real-si001/README.md): mean and best plane removed, strongest power bin with a period
/// in [minPeriod, maxPeriod] px relative to its ring's median, refined by a 3×3 power-weighted centroid. Bins within
/// 6° of the slow-scan axis (a wave vector along y) are skipped by default: there glitch lines, line offsets and
/// streaks put their power, not the lattice (the README found 61 of 81 short-period peaks there were such
/// artefacts; on the real-si001 frames the strongest ring-normalised peak lay at 88–95° in 33 of 48 before this).
/// </summary>
public static class LatticePeriod
{
    /// <summary>The strongest peak of a row-major <paramref name="width"/> × <paramref name="height"/> image; null when the band holds no bin.</summary>
    /// <param name="data">Pixels; NaN pixels count as the mean.</param>
    /// <param name="width">Pixels per row.</param>
    /// <param name="height">Rows.</param>
    /// <param name="minPeriod">Shortest period searched, px (≥ 2).</param>
    /// <param name="maxPeriod">Longest period searched, px.</param>
    /// <param name="slowAxisCone">Half-angle (degrees) of the cone around the slow-scan axis whose bins are skipped, with |kx| ≤ 1 (see the type's remarks); 0 skips none.</param>
    public static LatticePeak? Find(ReadOnlySpan<float> data, int width, int height, double minPeriod = 2, double maxPeriod = double.PositiveInfinity, double slowAxisCone = DefaultSlowAxisCone) =>
        LatticeSpectrum.Of(data, width, height).Find(minPeriod, maxPeriod, slowAxisCone);

    /// <summary>|FFT|² of the mean- and plane-removed, Hann-windowed image, in FFT order (DC at index 0).</summary>
    public static double[] PowerSpectrum(ReadOnlySpan<float> data, int width, int height)
    {
        var buffer = new Complex[data.Length];
        var (a, bx, by) = Plane(data, width, height);
        for (int y = 0; y < height; y++)
        {
            double wy = Hann(y, height);
            for (int x = 0; x < width; x++)
            {
                float v = data[y * width + x];
                double z = float.IsFinite(v) ? v - (a + bx * (x - (width - 1) / 2.0) + by * (y - (height - 1) / 2.0)) : 0;
                buffer[y * width + x] = z * wy * Hann(x, width);
            }
        }
        Fft.Transform2D(buffer, height, width);
        var power = new double[buffer.Length];
        for (int i = 0; i < power.Length; i++) power[i] = buffer[i].Real * buffer[i].Real + buffer[i].Imaginary * buffer[i].Imaginary;
        return power;
    }

    /// <summary>Default half-angle of the skipped cone around the slow-scan axis, degrees (the real-si001 README's ±6°).</summary>
    public const double DefaultSlowAxisCone = 6;

    private static double Hann(int i, int n) => n <= 1 ? 1 : 0.5 - 0.5 * Math.Cos(2 * Math.PI * i / (n - 1));

    /// <summary>Least-squares plane z = a + bx·(x − cx) + by·(y − cy) over the finite pixels (centred coordinates decouple the three).</summary>
    private static (double A, double Bx, double By) Plane(ReadOnlySpan<float> data, int width, int height)
    {
        double s = 0, sx = 0, sy = 0, sxx = 0, syy = 0;
        long n = 0;
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            float v = data[y * width + x];
            if (!float.IsFinite(v)) continue;
            double cx = x - (width - 1) / 2.0, cy = y - (height - 1) / 2.0;
            s += v; sx += v * cx; sy += v * cy; sxx += cx * cx; syy += cy * cy; n++;
        }
        if (n == 0) return (0, 0, 0);
        // With every pixel finite the centred sums are orthogonal; with NaNs this is an approximation that is good enough for a window.
        return (s / n, sxx > 0 ? sx / sxx : 0, syy > 0 ? sy / syy : 0);
    }
}
