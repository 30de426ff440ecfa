namespace StmKernel.Imaging.Metrics;

/// <summary>
/// Structural similarity (Wang et al. 2004): local statistics under an 11×11 Gaussian window
/// (σ = 1.5, truncated at 3.5σ), population covariances, K1 = 0.01, K2 = 0.03, averaged over the
/// pixels whose window lies inside the image. Matches skimage.metrics.structural_similarity(
/// gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=R): skimage filters
/// with mirrored borders and then discards a 5-pixel border, so only in-image windows count.
/// </summary>
public static class Ssim
{
    /// <summary>Gaussian window σ in pixels.</summary>
    public const double Sigma = 1.5;

    /// <summary>Window radius: ⌊3.5σ + 0.5⌋ = 5, an 11-tap window.</summary>
    public const int Radius = 5;

    /// <summary>Luminance and contrast stabilisers relative to the data range.</summary>
    public const double K1 = 0.01, K2 = 0.03;

    private static readonly double[] Window = BuildWindow();

    private static double[] BuildWindow()
    {
        var k = new double[2 * Radius + 1];
        double sum = 0;
        for (int i = -Radius; i <= Radius; i++) sum += k[i + Radius] = Math.Exp(-0.5 * i * i / (Sigma * Sigma));
        for (int i = 0; i < k.Length; i++) k[i] /= sum;
        return k;
    }

    /// <summary>Mean SSIM of two row-major width × height images with data range R.</summary>
    /// <exception cref="ArgumentException">Sizes disagree, an image is smaller than 11×11, or R is not positive.</exception>
    public static double Compute(ReadOnlySpan<float> reference, ReadOnlySpan<float> test, int width, int height, double dataRange)
    {
        if (width < 2 * Radius + 1 || height < 2 * Radius + 1)
            throw new ArgumentException($"SSIM needs images of at least {2 * Radius + 1}×{2 * Radius + 1}, got {width}×{height}");
        if (reference.Length != (long)width * height || test.Length != reference.Length)
            throw new ArgumentException($"SSIM needs two {width}×{height} images, got {reference.Length} and {test.Length} pixels");
        if (!(dataRange > 0) || !double.IsFinite(dataRange)) throw new ArgumentException($"data range must be positive, got {dataRange}");

        // Horizontal pass over every row for the five moments, valid columns only.
        int vw = width - 2 * Radius, vh = height - 2 * Radius;
        var rows = new double[5][];
        for (int m = 0; m < 5; m++) rows[m] = new double[height * vw];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < vw; x++)
            {
                double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
                for (int j = 0; j <= 2 * Radius; j++)
                {
                    double a = reference[y * width + x + j], b = test[y * width + x + j], k = Window[j];
                    sx += k * a; sy += k * b; sxx += k * a * a; syy += k * b * b; sxy += k * a * b;
                }
                int o = y * vw + x;
                rows[0][o] = sx; rows[1][o] = sy; rows[2][o] = sxx; rows[3][o] = syy; rows[4][o] = sxy;
            }
        }

        double c1 = K1 * dataRange * (K1 * dataRange), c2 = K2 * dataRange * (K2 * dataRange);
        double total = 0;
        for (int y = 0; y < vh; y++)
        {
            for (int x = 0; x < vw; x++)
            {
                double ux = 0, uy = 0, uxx = 0, uyy = 0, uxy = 0;
                for (int j = 0; j <= 2 * Radius; j++)
                {
                    int o = (y + j) * vw + x;
                    double k = Window[j];
                    ux += k * rows[0][o]; uy += k * rows[1][o]; uxx += k * rows[2][o]; uyy += k * rows[3][o]; uxy += k * rows[4][o];
                }
                double vx = uxx - ux * ux, vy = uyy - uy * uy, vxy = uxy - ux * uy;
                total += (2 * ux * uy + c1) * (2 * vxy + c2) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
            }
        }
        return total / ((double)vw * vh);
    }
}
