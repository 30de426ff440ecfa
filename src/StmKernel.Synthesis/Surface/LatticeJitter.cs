namespace StmKernel.Synthesis.Surface;

/// <summary>
/// Line-to-line displacement of the lattice along the fast axis: an Ornstein–Uhlenbeck process over
/// the scan lines (RMS <see cref="SurfaceParameters.LatticeJitterRms"/>, correlation length
/// <see cref="SurfaceParameters.LatticeJitterCorrelation"/>), the wavy rows that piezo creep, thermal
/// drift and feedback jitter give real scans. It broadens the row peak of the spectrum (the real
/// train scans' row peak is 5× less prominent than the first generator's: docs/synthesis.md).
/// </summary>
internal static class LatticeJitter
{
    /// <summary>Shift in px per scan line; all zero (no draws) when the RMS is 0.</summary>
    public static double[] Draw(Rng rng, int lines, SurfaceParameters sp)
    {
        var shift = new double[lines];
        if (sp.LatticeJitterRms == 0) return shift;
        double sigma = sp.LatticeJitterRms / sp.PixelSize;
        double rho = Math.Exp(-sp.PixelSize / sp.LatticeJitterCorrelation), kick = sigma * Math.Sqrt(1 - rho * rho);
        double d = sigma * rng.Normal();
        for (int y = 0; y < lines; y++)
        {
            shift[y] = d;
            d = rho * d + kick * rng.Normal();
        }
        return shift;
    }
}
