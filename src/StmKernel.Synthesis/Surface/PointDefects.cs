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

    public static Counts Render(Rng rng, Plane heights, LatticeSites lattice, SurfaceParameters sp)
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
            if (!lattice.TryDraw(rng, out var site)) continue;
            double amp = sp.DanglingBondHeight.Sample(rng);
            bool pair = rng.Bernoulli(sp.DanglingBondPairFraction);
            int side = rng.Bernoulli(0.5) ? 1 : -1;
            foreach (int s in pair ? new[] { -1, 1 } : new[] { side })
            {
                double x = site.X + s * atomOffset * site.AcrossX, y = site.Y + s * atomOffset * site.AcrossY;
                StampDanglingBond(heights, x, y, amp, dbSigma);
                dbs++;
            }
        }

        int dvEvents = rng.Poisson(sp.DimerVacancyFraction.Sample(rng) * sites / 2 / (1 + 2 * sp.VacancyComplexFraction));
        int missing = 0;
        for (int i = 0; i < dvEvents; i++)
        {
            if (!lattice.TryDraw(rng, out var site)) continue;
            var pattern = site.Pattern;
            double depth = sp.VacancyDepth.Sample(rng);
            double c = Math.Cos(pattern.RowAngle), s = Math.Sin(pattern.RowAngle);
            // 1+2 complex: a missing dimer, one kept, then two missing, along the row.
            int[] offsets = rng.Bernoulli(sp.VacancyComplexFraction) ? [0, 2, 3] : [0];
            foreach (int j in offsets)
            {
                double x = site.X + j * pattern.DimerPeriod * c, y = site.Y + j * pattern.DimerPeriod * s;
                GaussianStamp.Add(heights, x, y, -depth, 0.6 * pattern.DimerPeriod, 0.45 * pattern.RowPeriod, pattern.RowAngle);
                missing++;
            }
        }

        int clusterEvents = rng.Poisson(sp.BrightClusterFraction * sites);
        int clusters = 0;
        for (int i = 0; i < clusterEvents; i++)
        {
            if (!lattice.TryDraw(rng, out var site)) continue;
            GaussianStamp.Add(heights, site.X, site.Y, rng.Uniform(0.6e-10, 1.0e-10), 0.35e-9 / px, 0.55e-9 / px, site.Pattern.RowAngle);
            clusters++;
        }
        return new Counts(dbs, missing, clusters);
    }

    /// <summary>One dangling bond at (x, y): the ~1 nm protrusion (σ <paramref name="sigma"/> px) plus a weak, wider screening halo (~2 nm).</summary>
    public static void StampDanglingBond(Plane heights, double x, double y, double amp, double sigma)
    {
        GaussianStamp.Add(heights, x, y, amp, sigma, sigma, 0);
        GaussianStamp.Add(heights, x, y, 0.08 * amp, 2.2 * sigma, 2.2 * sigma, 0);
    }
}
