using System.Numerics;

namespace StmKernel.Orbitals.Baselines;

/// <summary>
/// The oracle baseline: with the true tip weights, height and κ, model the image as I ≈ (w_s PSF_s + w_p PSF_p) ∗ ρ
/// and estimate the s-wave image Ŝ = F⁻¹[K_s K_m* / (|K_m|² + ε) Ĩ], K_m = F(w_s PSF_s + w_p PSF_p), K_s = F(PSF_s).
/// Exact for one atom; blind to interference between atoms, which is where a network should win.
/// </summary>
public static class DerivativeRuleWiener
{
    /// <summary>Deconvolves <paramref name="image"/> (grid-sized) seen by <paramref name="tip"/>; <paramref name="epsilon"/> is relative to max |K_m|².</summary>
    public static float[] Apply(ReadOnlySpan<float> image, TipModel tip, AtomPsf psf, double epsilon = 1e-4)
    {
        ArgumentNullException.ThrowIfNull(tip);
        ArgumentNullException.ThrowIfNull(psf);
        if (image.Length != psf.Width * psf.Height) throw new ArgumentException($"image has {image.Length} pixels, the kernels {psf.Width}×{psf.Height}");
        var spectrum = AtomPsf.Forward(image, psf.Width, psf.Height);
        var km = new Complex[spectrum.Length];
        double peak = 0;
        for (int k = 0; k < km.Length; k++)
        {
            km[k] = tip.Ws * psf.S[k] + tip.Wp * psf.P[k];
            peak = Math.Max(peak, km[k].Magnitude * km[k].Magnitude);
        }
        double eps = epsilon * peak;
        for (int k = 0; k < spectrum.Length; k++)
            spectrum[k] *= psf.S[k] * Complex.Conjugate(km[k]) / (km[k].Magnitude * km[k].Magnitude + eps);
        return AtomPsf.Inverse(spectrum, psf.Width, psf.Height);
    }
}
