namespace StmKernel.Imaging.Metrics;

/// <summary>
/// Peak signal-to-noise ratio, 10·log10(R² / MSE) in dB, with the data range R stated by the caller
/// (2 for images in [−1, 1], as the paper's normalised channels; 1 for [0, 1]). Same definition as
/// skimage.metrics.peak_signal_noise_ratio.
/// </summary>
public static class Psnr
{
    /// <summary>PSNR of <paramref name="test"/> against <paramref name="reference"/>; +∞ when they are identical.</summary>
    /// <exception cref="ArgumentException">Lengths differ, are zero, or the data range is not positive.</exception>
    public static double Compute(ReadOnlySpan<float> reference, ReadOnlySpan<float> test, double dataRange)
    {
        if (reference.Length != test.Length || reference.Length == 0)
            throw new ArgumentException($"PSNR needs two non-empty images of equal size, got {reference.Length} and {test.Length} pixels");
        if (!(dataRange > 0) || !double.IsFinite(dataRange)) throw new ArgumentException($"data range must be positive, got {dataRange}");
        double sum = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            double d = (double)reference[i] - test[i];
            sum += d * d;
        }
        double mse = sum / reference.Length;
        return mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(dataRange * dataRange / mse);
    }
}
