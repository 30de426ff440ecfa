namespace StmKernel.Synthesis.Realism;

/// <summary>
/// How far a generated set's statistics are from a real set's, one number per statistic (0 = equal):
/// mean |Δ| of the log spectra (decades), of the log₁₀ histogram densities (floored at 10⁻³ so
/// that empty tails count as 3 decades at most), of the autocorrelations, and |Δ| of the feature
/// densities (per 100 row periods²), diameters (row periods) and log prominence.
/// </summary>
/// <param name="Spectrum">Mean |Δ log₁₀ S| over bins both sets have.</param>
/// <param name="Histogram">Mean |Δ log₁₀ max(p, 10⁻³)| over bins.</param>
/// <param name="AcfAlong">Mean |Δ| of the along-row autocorrelation.</param>
/// <param name="AcfAcross">Mean |Δ| of the across-row autocorrelation.</param>
/// <param name="BrightDensity">|Δ| bright features per 100 row periods².</param>
/// <param name="DarkDensity">|Δ| dark features per 100 row periods².</param>
/// <param name="BrightDiameter">|Δ| mean bright diameter (row periods).</param>
/// <param name="DarkDiameter">|Δ| mean dark diameter (row periods).</param>
/// <param name="LogProminence">|Δ| mean log₁₀ row-peak prominence.</param>
public sealed record RealismDistance(double Spectrum, double Histogram, double AcfAlong, double AcfAcross,
    double BrightDensity, double DarkDensity, double BrightDiameter, double DarkDiameter, double LogProminence)
{
    /// <summary>Distances of <paramref name="generated"/> from <paramref name="real"/>.</summary>
    public static RealismDistance Between(StatisticsSummary real, StatisticsSummary generated) => new(
        MeanAbs(real.LogSpectrum, generated.LogSpectrum),
        MeanAbs(real.Histogram.Select(LogDensity).ToArray(), generated.Histogram.Select(LogDensity).ToArray()),
        MeanAbs(real.AcfAlong, generated.AcfAlong), MeanAbs(real.AcfAcross, generated.AcfAcross),
        Math.Abs(real.BrightDensity - generated.BrightDensity), Math.Abs(real.DarkDensity - generated.DarkDensity),
        Math.Abs(real.BrightDiameter - generated.BrightDiameter), Math.Abs(real.DarkDiameter - generated.DarkDiameter),
        Math.Abs(real.LogProminence - generated.LogProminence));

    private static double LogDensity(double p) => Math.Log10(Math.Max(p, 1e-3));

    /// <summary>Mean |a − b| over indices where both are finite; NaN when there are none.</summary>
    internal static double MeanAbs(double[] a, double[] b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"curves of different lengths {a.Length} and {b.Length}");
        double sum = 0;
        int n = 0;
        for (int i = 0; i < a.Length; i++)
        {
            if (!double.IsFinite(a[i]) || !double.IsFinite(b[i])) continue;
            sum += Math.Abs(a[i] - b[i]);
            n++;
        }
        return n > 0 ? sum / n : double.NaN;
    }
}
