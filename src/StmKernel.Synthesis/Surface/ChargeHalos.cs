namespace StmKernel.Synthesis.Surface;

/// <summary>
/// Band bending around charged dopants and defects below or at the surface: broad (σ 1–2.5 nm),
/// shallow bright or dark Gaussians under the lattice. They carry the excess long-wavelength power of
/// the real scans (0.4 decades at κ &lt; 0.2 against the first generator) and their large dark patches.
/// </summary>
internal static class ChargeHalos
{
    /// <summary>Places a Poisson number of halos (centres uniform over the image, sign ±1 equally likely); returns the number placed.</summary>
    public static int Render(Rng rng, Plane heights, SurfaceParameters sp)
    {
        double px = sp.PixelSize;
        int count = rng.Poisson(sp.ChargeHaloDensity * heights.Width * heights.Height * px * px);
        for (int i = 0; i < count; i++)
        {
            double x = rng.Uniform(0, heights.Width), y = rng.Uniform(0, heights.Height);
            double sigma = sp.ChargeHaloSigma.Sample(rng) / px;
            double amp = sp.ChargeHaloAmplitude.Sample(rng) * (rng.Bernoulli(0.5) ? 1 : -1);
            GaussianStamp.Add(heights, x, y, amp, sigma, sigma, 0);
        }
        return count;
    }
}
