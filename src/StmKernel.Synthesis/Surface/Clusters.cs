namespace StmKernel.Synthesis.Surface;

/// <summary>
/// Bright adsorbate clusters and dark vacancy clusters of varied size and shape: 1 + Poisson lobes,
/// each a round Gaussian of its own width and height, the lobes a random walk of about one lobe
/// width from the first. The real train scans show bright features up to 3 nm and irregular dark
/// patches that the single-Gaussian point defects cannot make (docs/synthesis.md).
/// </summary>
internal static class Clusters
{
    /// <summary>Places a Poisson number (density per m²) of clusters; sign +1 bright, −1 dark. Returns the number placed.</summary>
    public static int Render(Rng rng, Plane heights, SurfaceParameters sp, double density, ValueRange amplitude, int sign)
    {
        double px = sp.PixelSize;
        int count = rng.Poisson(density * heights.Width * heights.Height * px * px);
        for (int i = 0; i < count; i++)
        {
            double x = rng.Uniform(0, heights.Width), y = rng.Uniform(0, heights.Height);
            int lobes = 1 + rng.Poisson(sp.ClusterMeanLobes - 1);
            for (int j = 0; j < lobes; j++)
            {
                double sigma = sp.ClusterLobeWidth.Sample(rng) / 2.3548 / px;
                GaussianStamp.Add(heights, x, y, sign * amplitude.Sample(rng), sigma, sigma, 0);
                double step = 2.3548 * sigma * rng.Uniform(0.5, 1.0), angle = rng.Uniform(0, 2 * Math.PI);
                x += step * Math.Cos(angle);
                y += step * Math.Sin(angle);
            }
        }
        return count;
    }
}
