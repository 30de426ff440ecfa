namespace StmKernel.Synthesis.Degradations;

/// <summary>Step 5, blunt tip: a Gaussian blur with σ ~ U(0.3, 0.6) px (applied with probability 0.6 by the pipeline).</summary>
public static class BluntTip
{
    /// <summary>Draws σ in px.</summary>
    public static double Sample(Rng rng) => rng.Uniform(0.3, 0.6);

    /// <summary>Blurs the whole image; σ = 0 is the identity.</summary>
    public static Plane Apply(Plane src, double sigma) => Filters.Gaussian(src, sigma);
}
