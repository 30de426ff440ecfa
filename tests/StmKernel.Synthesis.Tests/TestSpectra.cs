namespace StmKernel.Synthesis.Tests;

/// <summary>Naive spectral measurements for tests: a direct DFT at any frequency, no FFT, so they check the library's FFT-based statistics independently.</summary>
internal static class TestSpectra
{
    /// <summary>Hann-windowed periodogram of the mean-removed plane at (fx, fy) cycles/px.</summary>
    public static double Power(Plane p, double fx, double fy)
    {
        int w = p.Width, h = p.Height;
        double mean = p.Data.Average(v => (double)v);
        double re = 0, im = 0;
        for (int y = 0; y < h; y++)
        {
            double wy = 0.5 - 0.5 * Math.Cos(2 * Math.PI * (y + 0.5) / h);
            for (int x = 0; x < w; x++)
            {
                double wx = 0.5 - 0.5 * Math.Cos(2 * Math.PI * (x + 0.5) / w);
                double v = (p[y, x] - mean) * wx * wy, a = -2 * Math.PI * (fx * x + fy * y);
                re += v * Math.Cos(a);
                im += v * Math.Sin(a);
            }
        }
        return re * re + im * im;
    }

    /// <summary>Period (px) of the strongest frequency along the unit direction (cx, cy), |f| in [fLo, fHi]: coarse then fine scan.</summary>
    public static double StrongestPeriod(Plane p, double cx, double cy, double fLo, double fHi)
    {
        double bestF = 0, best = -1;
        for (double f = fLo; f <= fHi; f += 0.004)
        {
            double pw = Power(p, f * cx, f * cy);
            if (pw > best) { best = pw; bestF = f; }
        }
        double centre = bestF;
        for (double f = centre - 0.004; f <= centre + 0.004; f += 0.0001)
        {
            double pw = Power(p, f * cx, f * cy);
            if (pw > best) { best = pw; bestF = f; }
        }
        return 1 / bestF;
    }
}
