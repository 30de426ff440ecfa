using System.Numerics;

namespace StmKernel.Imaging.Fourier;

/// <summary>
/// Discrete Fourier transforms of any length in double precision: iterative radix-2 for powers of
/// two, Bluestein's chirp-z (three power-of-two FFTs) otherwise. Forward:
/// <c>X_k = Σ_n x_n e^{−2πi kn/N}</c>; inverse is unnormalised (<c>Σ_k X_k e^{+2πi kn/N}</c>),
/// which is exactly the adjoint a loss gradient needs.
/// </summary>
public static class Fft
{
    /// <summary>In-place transform of <paramref name="data"/>.</summary>
    public static void Transform(Span<Complex> data, bool inverse = false)
    {
        int n = data.Length;
        if (n <= 1) return;
        if ((n & (n - 1)) == 0) Radix2(data, inverse);
        else Bluestein(data, inverse);
    }

    /// <summary>In-place 2-D transform of a row-major <paramref name="height"/>×<paramref name="width"/> array.</summary>
    public static void Transform2D(Span<Complex> data, int height, int width, bool inverse = false)
    {
        if (data.Length != height * width) throw new ArgumentException($"2-D FFT buffer has {data.Length} values, expected {height}×{width}");
        for (int y = 0; y < height; y++) Transform(data.Slice(y * width, width), inverse);
        var column = new Complex[height];
        for (int x = 0; x < width; x++)
        {
            for (int y = 0; y < height; y++) column[y] = data[y * width + x];
            Transform(column, inverse);
            for (int y = 0; y < height; y++) data[y * width + x] = column[y];
        }
    }

    private static void Radix2(Span<Complex> a, bool inverse)
    {
        int n = a.Length;
        for (int i = 1, j = 0; i < n; i++)
        {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) j ^= bit;
            j ^= bit;
            if (i < j) (a[i], a[j]) = (a[j], a[i]);
        }
        double sign = inverse ? 1 : -1;
        for (int len = 2; len <= n; len <<= 1)
        {
            int half = len / 2;
            for (int k = 0; k < half; k++)
            {
                // Twiddles computed directly (not by repeated multiplication) to keep the error at rounding level.
                var w = Complex.FromPolarCoordinates(1, sign * 2 * Math.PI * k / len);
                for (int i = k; i < n; i += len)
                {
                    var u = a[i];
                    var v = a[i + half] * w;
                    a[i] = u + v;
                    a[i + half] = u - v;
                }
            }
        }
    }

    /// <summary>kn = (k² + n² − (k−n)²)/2 turns the DFT into a convolution with the chirp e^{∓πi m²/N}.</summary>
    private static void Bluestein(Span<Complex> data, bool inverse)
    {
        int n = data.Length, m = 1;
        while (m < 2 * n - 1) m <<= 1;
        double sign = inverse ? 1 : -1;
        var chirp = new Complex[n];
        for (int k = 0; k < n; k++)
        {
            long k2 = (long)k * k % (2L * n); // exact reduction keeps the angle accurate for large k
            chirp[k] = Complex.FromPolarCoordinates(1, sign * Math.PI * k2 / n);
        }
        var a = new Complex[m];
        var b = new Complex[m];
        for (int k = 0; k < n; k++) a[k] = data[k] * chirp[k];
        b[0] = Complex.Conjugate(chirp[0]);
        for (int k = 1; k < n; k++) b[k] = b[m - k] = Complex.Conjugate(chirp[k]);
        Radix2(a, false);
        Radix2(b, false);
        for (int i = 0; i < m; i++) a[i] *= b[i];
        Radix2(a, true);
        for (int k = 0; k < n; k++) data[k] = a[k] / m * chirp[k];
    }
}
