namespace StmKernel.Synthesis.Realism;

/// <summary>
/// The realism statistics of one height image, in units that do not depend on its pixel size
/// (lengths in dimer-row periods): radially averaged log spectrum, height histogram, bright and dark
/// feature censuses, autocorrelation along and across the rows, and the row peak found in the spectrum.
/// </summary>
/// <param name="LogSpectrum">log₁₀ power density per <see cref="RadialSpectrum"/> bin (NaN where the image has no bin).</param>
/// <param name="Histogram">Density per <see cref="HeightHistogram"/> bin.</param>
/// <param name="Bright">Bright features (<see cref="FeatureCensus"/>).</param>
/// <param name="Dark">Dark features.</param>
/// <param name="AcfAlong">Autocorrelation along the rows per <see cref="Autocorrelation"/> lag.</param>
/// <param name="AcfAcross">Autocorrelation across the rows.</param>
/// <param name="Peak">The row peak (period, row direction, prominence).</param>
public sealed record SurfaceStatistics(double[] LogSpectrum, double[] Histogram, FeatureCensus.Census Bright, FeatureCensus.Census Dark,
    double[] AcfAlong, double[] AcfAcross, LatticePeak Peak)
{
    /// <summary>
    /// Statistics of a height image (any units: each scan line's least-squares line is removed and the
    /// result min–max scaled to [0, 1] first, as the real set was exported) whose dimer rows are
    /// <paramref name="rowPeriodPx"/> pixels apart (0.768 nm / pixel size). The row direction is taken
    /// from the spectrum's strongest peak within ±25 % of that period. <paramref name="flattenLines"/>
    /// false skips the line flattening (for images that must not get its streaks beside tall features).
    /// </summary>
    public static SurfaceStatistics Compute(ReadOnlySpan<float> heights, int width, int height, double rowPeriodPx, bool flattenLines = true)
    {
        if (!(rowPeriodPx >= 2) || rowPeriodPx > Math.Min(width, height) / 2.0)
            throw new ArgumentOutOfRangeException(nameof(rowPeriodPx), $"row period must be 2 px … half the smaller side of the {width}×{height} image, got {rowPeriodPx}");
        var unit = ImagePreparation.FlattenAndScale(heights, width, height, flattenLines);
        var spectrum = new PowerSpectrum(ImagePreparation.RobustStandardise(unit), width, height);
        var peak = LatticePeak.Find(spectrum, rowPeriodPx);
        var (bright, dark) = FeatureCensus.Compute(unit, width, height, rowPeriodPx);
        var (along, across) = Autocorrelation.Compute(unit, width, height, rowPeriodPx, peak.RowAngle);
        return new SurfaceStatistics(RadialSpectrum.Compute(spectrum, rowPeriodPx), HeightHistogram.Compute(ImagePreparation.RobustStandardise(unit)),
            bright, dark, along, across, peak);
    }
}
