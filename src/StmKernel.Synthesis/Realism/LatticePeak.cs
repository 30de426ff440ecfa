namespace StmKernel.Synthesis.Realism;

/// <summary>
/// The dimer-row peak of a spectrum: the strongest bin in an annulus around the expected row
/// frequency, refined by the power-weighted centroid of its 3×3 neighbourhood.
/// </summary>
/// <param name="PeriodPx">Row period in pixels (1 / |k|).</param>
/// <param name="RowAngle">Direction along the rows, radians from +x (perpendicular to k), in [0, π).</param>
/// <param name="Prominence">Peak power over the median power of the annulus (≫ 1 for visible rows).</param>
public readonly record struct LatticePeak(double PeriodPx, double RowAngle, double Prominence)
{
    /// <summary>
    /// Finds the peak with period within ±<paramref name="tolerance"/> (relative) of
    /// <paramref name="expectedPeriodPx"/>; the whole band 2.2 px – half the image when no period is expected.
    /// </summary>
    internal static LatticePeak Find(PowerSpectrum s, double? expectedPeriodPx, double tolerance = 0.25)
    {
        double fLo, fHi;
        if (expectedPeriodPx is { } p) { fLo = 1 / (p * (1 + tolerance)); fHi = 1 / (p * (1 - tolerance)); }
        else { fLo = 2.0 / Math.Min(s.Width, s.Height); fHi = 1 / 2.2; }
        int best = -1;
        double bestPower = -1;
        var annulus = new List<double>();
        // Half plane (ky ≥ 0 side, by sign) suffices: the spectrum of a real image is symmetric.
        for (int ky = 0; ky < s.Height; ky++)
        {
            double fy = s.Fy(ky);
            if (fy < 0) continue;
            for (int kx = 0; kx < s.Width; kx++)
            {
                double fx = s.Fx(kx);
                if (fy == 0 && fx < 0) continue;
                double f = Math.Sqrt(fx * fx + fy * fy);
                if (f < fLo || f > fHi) continue;
                double pw = s.Power[ky * s.Width + kx];
                annulus.Add(pw);
                if (pw > bestPower) { bestPower = pw; best = ky * s.Width + kx; }
            }
        }
        if (best < 0) throw new ArgumentException($"no spectrum bin with a period of {1 / fHi:0.##}–{1 / fLo:0.##} px in a {s.Width}×{s.Height} image");
        int bx = best % s.Width, by = best / s.Width;
        double sx = 0, sy = 0, sw = 0;
        for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++)
            {
                int kx = ((bx + dx) % s.Width + s.Width) % s.Width, ky = ((by + dy) % s.Height + s.Height) % s.Height;
                double pw = s.Power[ky * s.Width + kx];
                // Signed frequencies continued across the wrap so that the centroid is local.
                sx += pw * (s.Fx(bx) + dx / (double)s.Width);
                sy += pw * (s.Fy(by) + dy / (double)s.Height);
                sw += pw;
            }
        double cfx = sx / sw, cfy = sy / sw;
        double median = ImagePreparation.Median(annulus.ToArray());
        double angle = Math.Atan2(cfy, cfx) + Math.PI / 2;
        angle = ((angle % Math.PI) + Math.PI) % Math.PI;
        return new LatticePeak(1 / Math.Sqrt(cfx * cfx + cfy * cfy), angle, bestPower / Math.Max(median, 1e-12 * bestPower));
    }
}
