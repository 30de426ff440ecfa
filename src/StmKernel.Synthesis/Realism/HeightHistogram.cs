namespace StmKernel.Synthesis.Realism;

/// <summary>
/// Histogram of robustly standardised heights (median 0, MAD-σ 1): its shape shows what the
/// lattice alone cannot — the bright tail of adsorbates and dangling bonds, the dark tail of
/// vacancies and pits, the second mode of a lower terrace.
/// </summary>
public static class HeightHistogram
{
    /// <summary>Lower edge of the first bin (robust σ).</summary>
    public const double Low = -6;

    /// <summary>Upper edge of the last bin (robust σ).</summary>
    public const double High = 6;

    /// <summary>Number of bins (width 0.25 σ).</summary>
    public const int Bins = 48;

    /// <summary>Centre of bin <paramref name="i"/> in robust σ.</summary>
    public static double BinCentre(int i) => Low + (i + 0.5) * (High - Low) / Bins;

    /// <summary>Probability density per bin (fraction of pixels / bin width); values outside [Low, High) go to the end bins.</summary>
    internal static double[] Compute(ReadOnlySpan<double> standardised)
    {
        var density = new double[Bins];
        double width = (High - Low) / Bins;
        foreach (double z in standardised)
        {
            int b = Math.Clamp((int)Math.Floor((z - Low) / width), 0, Bins - 1);
            density[b]++;
        }
        for (int b = 0; b < Bins; b++) density[b] /= standardised.Length * width;
        return density;
    }
}
