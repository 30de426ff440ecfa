namespace StmKernel.Synthesis.Realism;

/// <summary>
/// The mean statistics of a set of images (real or generated): curves averaged bin by bin over the
/// images that have the bin (log spectra are averaged in log, as the distance compares them),
/// feature densities and diameters averaged over images, the row-peak prominence as a mean log₁₀.
/// </summary>
/// <param name="Count">Number of images.</param>
/// <param name="LogSpectrum">Mean log₁₀ spectrum per bin.</param>
/// <param name="Histogram">Mean histogram density per bin.</param>
/// <param name="AcfAlong">Mean autocorrelation along the rows.</param>
/// <param name="AcfAcross">Mean autocorrelation across the rows.</param>
/// <param name="BrightDensity">Mean bright features per 100 row periods².</param>
/// <param name="DarkDensity">Mean dark features per 100 row periods².</param>
/// <param name="BrightDiameter">Mean bright-feature diameter (row periods) over images with features.</param>
/// <param name="DarkDiameter">Mean dark-feature diameter.</param>
/// <param name="LogProminence">Mean log₁₀ of the row-peak prominence.</param>
public sealed record StatisticsSummary(int Count, double[] LogSpectrum, double[] Histogram, double[] AcfAlong, double[] AcfAcross,
    double BrightDensity, double DarkDensity, double BrightDiameter, double DarkDiameter, double LogProminence)
{
    /// <summary>Summarises <paramref name="images"/> (at least one).</summary>
    public static StatisticsSummary Of(IReadOnlyList<SurfaceStatistics> images)
    {
        if (images.Count == 0) throw new ArgumentException("a statistics summary needs at least one image");
        return new StatisticsSummary(images.Count,
            MeanCurve(images.Select(s => s.LogSpectrum)), MeanCurve(images.Select(s => s.Histogram)),
            MeanCurve(images.Select(s => s.AcfAlong)), MeanCurve(images.Select(s => s.AcfAcross)),
            images.Average(s => s.Bright.Density), images.Average(s => s.Dark.Density),
            MeanFinite(images.Select(s => s.Bright.MeanDiameter)), MeanFinite(images.Select(s => s.Dark.MeanDiameter)),
            images.Average(s => Math.Log10(s.Peak.Prominence)));
    }

    private static double[] MeanCurve(IEnumerable<double[]> curves)
    {
        var list = curves.ToList();
        var mean = new double[list[0].Length];
        for (int i = 0; i < mean.Length; i++) mean[i] = MeanFinite(list.Select(c => c[i]));
        return mean;
    }

    private static double MeanFinite(IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).ToList();
        return finite.Count > 0 ? finite.Average() : double.NaN;
    }
}
