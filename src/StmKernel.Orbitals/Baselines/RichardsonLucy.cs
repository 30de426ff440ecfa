using System.Numerics;

namespace StmKernel.Orbitals.Baselines;

/// <summary>
/// Richardson–Lucy deconvolution of the image with the tip's single-atom kernel K_m = w_s PSF_s + w_p PSF_p (true tip
/// weights, height and κ), then re-blurred with PSF_s: the positive iterative counterpart of the oracle Wiener filter.
/// </summary>
public static class RichardsonLucy
{
    /// <summary>Runs <paramref name="iterations"/> multiplicative updates from a flat start; negative input pixels count as 0.</summary>
    public static float[] Apply(ReadOnlySpan<float> image, TipModel tip, AtomPsf psf, int iterations = 30)
    {
        ArgumentNullException.ThrowIfNull(tip);
        ArgumentNullException.ThrowIfNull(psf);
        int n = psf.Width * psf.Height;
        if (image.Length != n) throw new ArgumentException($"image has {image.Length} pixels, the kernels {psf.Width}×{psf.Height}");
        var km = new Complex[n];
        for (int k = 0; k < n; k++) km[k] = tip.Ws * psf.S[k] + tip.Wp * psf.P[k];
        // Normalise the kernel to unit sum (its DC term), so the estimate keeps the image's scale.
        var dc = km[0];
        for (int k = 0; k < n; k++) km[k] /= dc;
        var observed = new float[n];
        for (int i = 0; i < n; i++) observed[i] = Math.Max(image[i], 0);
        float mean = Math.Max(observed.Average(), 1e-12f);
        var estimate = Enumerable.Repeat(mean, n).ToArray();
        for (int it = 0; it < iterations; it++)
        {
            var blurred = Convolve(estimate, km, psf, conjugate: false);
            var ratio = new float[n];
            for (int i = 0; i < n; i++) ratio[i] = observed[i] / Math.Max(blurred[i], 1e-12f);
            var correction = Convolve(ratio, km, psf, conjugate: true);
            for (int i = 0; i < n; i++) estimate[i] *= Math.Max(correction[i], 0);
        }
        var s = new Complex[n];
        for (int k = 0; k < n; k++) s[k] = psf.S[k] / psf.S[0];
        return Convolve(estimate, s, psf, conjugate: false);
    }

    private static float[] Convolve(float[] image, Complex[] kernel, AtomPsf psf, bool conjugate)
    {
        var f = AtomPsf.Forward(image, psf.Width, psf.Height);
        for (int k = 0; k < f.Length; k++) f[k] *= conjugate ? Complex.Conjugate(kernel[k]) : kernel[k];
        return AtomPsf.Inverse(f, psf.Width, psf.Height);
    }
}
