using System.Numerics;
using StmKernel.Imaging.Fourier;

namespace StmKernel.Orbitals.Baselines;

/// <summary>
/// One p_z atom's images at the origin of an image grid, the kernels of the derivative-rule deconvolutions:
/// PSF_s = φ² and PSF_p = |∇∥φ|²/κ² at the tip height, laid out with the atom at pixel (0, 0) (wrapped), so their
/// transforms act as circular convolutions of the same size as the image.
/// </summary>
public sealed class AtomPsf
{
    private AtomPsf(Complex[] s, Complex[] p, int width, int height) => (S, P, Width, Height) = (s, p, width, height);

    /// <summary>FFT of PSF_s.</summary>
    public Complex[] S { get; }

    /// <summary>FFT of PSF_p.</summary>
    public Complex[] P { get; }

    /// <summary>Grid width.</summary>
    public int Width { get; }

    /// <summary>Grid height.</summary>
    public int Height { get; }

    /// <summary>The kernels for <paramref name="grid"/>'s pixel size, tip height and κ.</summary>
    public static AtomPsf For(OrbitalRender grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        int w = grid.Width, h = grid.Height;
        var s = new Complex[w * h];
        var p = new Complex[w * h];
        for (int i = 0; i < h; i++)
        {
            double y = (i <= h / 2 ? i : i - h) * grid.PixelSize; // wrapped: the atom at pixel (0, 0)
            for (int j = 0; j < w; j++)
            {
                double x = (j <= w / 2 ? j : j - w) * grid.PixelSize;
                var (v, dx, dy, _) = PzTail.At(x, y, grid.Height0, grid.Kappa);
                s[i * w + j] = v * v;
                p[i * w + j] = (dx * dx + dy * dy) / (grid.Kappa * grid.Kappa);
            }
        }
        Fft.Transform2D(s, h, w);
        Fft.Transform2D(p, h, w);
        return new AtomPsf(s, p, w, h);
    }

    /// <summary>The image's 2-D transform.</summary>
    public static Complex[] Forward(ReadOnlySpan<float> image, int width, int height)
    {
        var f = new Complex[width * height];
        for (int i = 0; i < f.Length; i++) f[i] = image[i];
        Fft.Transform2D(f, height, width);
        return f;
    }

    /// <summary>The real part of the inverse transform (normalised).</summary>
    public static float[] Inverse(Complex[] spectrum, int width, int height)
    {
        var f = (Complex[])spectrum.Clone();
        Fft.Transform2D(f, height, width, inverse: true);
        return [.. f.Select(c => (float)(c.Real / f.Length))];
    }
}
