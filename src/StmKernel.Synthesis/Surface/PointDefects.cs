namespace StmKernel.Synthesis.Surface;

/// <summary>
/// Point defects placed on lattice sites of the terrace they fall on: dangling bonds (bright, ~1 nm,
/// on one atom of a dimer, or both for a double DB), dimer vacancies and 1+2 vacancy complexes
/// (dark, elongated across the row) and bright clusters (raised Si, dihydride, adsorbates).
/// </summary>
internal static class PointDefects
{
    /// <summary>Numbers of each defect actually placed.</summary>
    public readonly record struct Counts(int DanglingBonds, int Vacancies, int Clusters);

    public static Counts Render(Rng rng, Plane heights, int[] terrace, Func<int, LatticePattern> patternOf, SurfaceParameters sp)
    {
        int w = heights.Width, h = heights.Height;
        double px = sp.PixelSize;
        double sites = w * h * px * px * SiH2x1Generator.SitesPerSquareMetre;

        // Dimer-bond half length ≈ 1.2 Å: where the two atoms of a dimer sit either side of the row centre.
        double atomOffset = 1.2e-10 / px;
        double dbSigma = sp.DanglingBondWidth / 2.3548 / px;
        int dbEvents = rng.Poisson(sp.DanglingBondFraction.Sample(rng) * sites / (1 + sp.DanglingBondPairFraction));
        int dbs = 0;
        for (int i = 0; i < dbEvents; i++)
        {
            if (!TrySite(rng, terrace, w, h, patternOf, out var site, out var pattern)) continue;
            double amp = sp.DanglingBondHeight.Sample(rng);
            bool pair = rng.Bernoulli(sp.DanglingBondPairFraction);
            int side = rng.Bernoulli(0.5) ? 1 : -1;
            foreach (int s in pair ? new[] { -1, 1 } : new[] { side })
            {
                double x = site.X + s * atomOffset * site.AcrossX, y = site.Y + s * atomOffset * site.AcrossY;
                // The ~1 nm protrusion plus a weak, wider screening halo (~2 nm).
                Stamp(heights, x, y, amp, dbSigma, dbSigma, 0);
                Stamp(heights, x, y, 0.08 * amp, 2.2 * dbSigma, 2.2 * dbSigma, 0);
                dbs++;
            }
        }

        int dvEvents = rng.Poisson(sp.DimerVacancyFraction.Sample(rng) * sites / 2 / (1 + 2 * sp.VacancyComplexFraction));
        int missing = 0;
        for (int i = 0; i < dvEvents; i++)
        {
            if (!TrySite(rng, terrace, w, h, patternOf, out var site, out var pattern)) continue;
            double depth = sp.VacancyDepth.Sample(rng);
            double c = Math.Cos(pattern.RowAngle), s = Math.Sin(pattern.RowAngle);
            // 1+2 complex: a missing dimer, one kept, then two missing, along the row.
            int[] offsets = rng.Bernoulli(sp.VacancyComplexFraction) ? [0, 2, 3] : [0];
            foreach (int j in offsets)
            {
                double x = site.X + j * pattern.DimerPeriod * c, y = site.Y + j * pattern.DimerPeriod * s;
                Stamp(heights, x, y, -depth, 0.6 * pattern.DimerPeriod, 0.45 * pattern.RowPeriod, pattern.RowAngle);
                missing++;
            }
        }

        int clusterEvents = rng.Poisson(sp.BrightClusterFraction * sites);
        int clusters = 0;
        for (int i = 0; i < clusterEvents; i++)
        {
            if (!TrySite(rng, terrace, w, h, patternOf, out var site, out var pattern)) continue;
            Stamp(heights, site.X, site.Y, rng.Uniform(0.6e-10, 1.0e-10), 0.35e-9 / px, 0.55e-9 / px, pattern.RowAngle);
            clusters++;
        }
        return new Counts(dbs, missing, clusters);
    }

    /// <summary>A uniformly drawn point snapped to the nearest dimer of its terrace; false when the site falls off the image or on another terrace.</summary>
    private static bool TrySite(Rng rng, int[] terrace, int w, int h, Func<int, LatticePattern> patternOf,
        out (double X, double Y, double AcrossX, double AcrossY) site, out LatticePattern pattern)
    {
        double x = rng.Uniform(0, w), y = rng.Uniform(0, h);
        int n = terrace[Math.Min(h - 1, (int)y) * w + Math.Min(w - 1, (int)x)];
        pattern = patternOf(n);
        site = pattern.NearestDimer(x, y);
        int sx = (int)Math.Round(site.X), sy = (int)Math.Round(site.Y);
        return sx >= 0 && sy >= 0 && sx < w && sy < h && terrace[sy * w + sx] == n;
    }

    /// <summary>Adds an anisotropic Gaussian (σ along / across the direction <paramref name="angle"/>) within 3.5 σ.</summary>
    private static void Stamp(Plane p, double cx, double cy, double amp, double sigmaAlong, double sigmaAcross, double angle)
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
