namespace StmKernel.Synthesis.Surface;

/// <summary>Adds anisotropic Gaussians to a height map: the shape of every point-like feature of the generator.</summary>
internal static class GaussianStamp
{
    /// <summary>Adds amp·exp(−u²/2σ_along² − v²/2σ_across²) within 3.5 σ, u along the direction <paramref name="angle"/> (radians from +x).</summary>
    public static void Add(Plane p, double cx, double cy, double amp, double sigmaAlong, double sigmaAcross, double angle)
    {
        double reach = 3.5 * Math.Max(sigmaAlong, sigmaAcross);
        int x0 = Math.Max(0, (int)Math.Floor(cx - reach)), x1 = Math.Min(p.Width - 1, (int)Math.Ceiling(cx + reach));
        int y0 = Math.Max(0, (int)Math.Floor(cy - reach)), y1 = Math.Min(p.Height - 1, (int)Math.Ceiling(cy + reach));
        double c = Math.Cos(angle), s = Math.Sin(angle);
        double ia = 1 / (2 * sigmaAlong * sigmaAlong), ic = 1 / (2 * sigmaAcross * sigmaAcross);
        for (int y = y0; y <= y1; y++)
        {
            for (int x = x0; x <= x1; x++)
            {
                double dx = x - cx, dy = y - cy;
                double u = dx * c + dy * s, v = -dx * s + dy * c;
                p[y, x] += (float)(amp * Math.Exp(-u * u * ia - v * v * ic));
            }
        }
    }
}
