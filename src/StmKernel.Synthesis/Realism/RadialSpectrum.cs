namespace StmKernel.Synthesis.Realism;

/// <summary>
/// Radially averaged power spectral density against κ = frequency × row period (cycles per dimer-row
/// spacing), so that images at different pixel sizes compare: the rows sit at κ = 1, the dimers of
/// a resolved row at κ = 2. Bins are log-spaced over [<see cref="KappaMin"/>, <see cref="KappaMax"/>].
/// </summary>
public static class RadialSpectrum
{
    /// <summary>Lowest κ (a 10-row wavelength, 7.7 nm: the lowest frequency a 300 px scan with 31 px rows resolves).</summary>
    public const double KappaMin = 0.1;

    /// <summary>Highest κ (the finest scale the coarsest train images resolve: Nyquist at 7.2 px rows is κ = 3.6).</summary>
    public const double KappaMax = 3.5;

    /// <summary>Number of log-spaced bins (ratio 1.19: at κ ≥ 0.5 every bin of a 300 px scan with 31 px rows holds FFT bins).</summary>
    public const int Bins = 20;

    /// <summary>Centre of bin <paramref name="i"/> (geometric mean of its edges).</summary>
    public static double BinCentre(int i) => KappaMin * Math.Pow(KappaMax / KappaMin, (i + 0.5) / Bins);

    /// <summary>
    /// log₁₀ of the mean density per bin in units of (row period)² — power per pixel /
    /// (κ-area of one FFT bin), so a flat spectrum reads the same at every image size — or NaN
    /// where no FFT bin falls (below the lowest or above the Nyquist frequency of the image).
    /// </summary>
    internal static double[] Compute(PowerSpectrum s, double rowPeriodPx)
    {
        var sum = new double[Bins];
        var count = new int[Bins];
        double binArea = rowPeriodPx * rowPeriodPx / ((double)s.Width * s.Height);
        double logRange = Math.Log(KappaMax / KappaMin);
        for (int ky = 0; ky < s.Height; ky++)
            for (int kx = 0; kx < s.Width; kx++)
            {
                double fx = s.Fx(kx), fy = s.Fy(ky);
                double kappa = Math.Sqrt(fx * fx + fy * fy) * rowPeriodPx;
                if (kappa < KappaMin || kappa >= KappaMax) continue;
                int b = (int)(Bins * Math.Log(kappa / KappaMin) / logRange);
                sum[b] += s.Power[ky * s.Width + kx] / binArea;
                count[b]++;
            }
        var log = new double[Bins];
        for (int b = 0; b < Bins; b++) log[b] = count[b] > 0 ? Math.Log10(Math.Max(sum[b] / count[b], 1e-30)) : double.NaN;
        return log;
    }
}
