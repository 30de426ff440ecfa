namespace StmKernel.Synthesis.Surface;

/// <summary>
/// Chains of dangling bonds, as hydrogen desorption and STM lithography leave them on Si(001):H:
/// along one row (consecutive dimers, the same side of the row) or across the rows (one DB per row,
/// consecutive rows). A chain of two is a DB pair on neighbouring dimers. Each DB has the point
/// defect's shape; a chain stops where it would leave its terrace or the image.
/// </summary>
internal static class DanglingBondChains
{
    /// <summary>Numbers placed: chains and the dangling bonds in them.</summary>
    public readonly record struct Counts(int Chains, int DanglingBonds);

    public static Counts Render(Rng rng, Plane heights, LatticeSites lattice, SurfaceParameters sp)
    {
        double px = sp.PixelSize;
        int events = rng.Poisson(sp.DanglingBondChainDensity * heights.Width * heights.Height * px * px);
        double atomOffset = 1.2e-10 / px, sigma = sp.DanglingBondWidth / 2.3548 / px;
        // Length 2 + geometric on {0, 1, …} with mean (L̄ − 2): P(stop) = 1 / (L̄ − 1) per step.
        double stop = 1 / (sp.DanglingBondChainMeanLength - 1);
        int chains = 0, dbs = 0;
        for (int i = 0; i < events; i++)
        {
            if (!lattice.TryDraw(rng, out var site)) continue;
            int length = 2;
            while (!rng.Bernoulli(stop)) length++;
            bool across = rng.Bernoulli(sp.DanglingBondChainAcrossFraction);
            int side = rng.Bernoulli(0.5) ? 1 : -1;
            double amp = sp.DanglingBondHeight.Sample(rng);
            var p = site.Pattern;
            double c = Math.Cos(p.RowAngle), s = Math.Sin(p.RowAngle);
            // Step to the next dimer along the row, or to the same dimer position on the next row.
            double stepX = across ? p.RowPeriod * site.AcrossX : p.DimerPeriod * c, stepY = across ? p.RowPeriod * site.AcrossY : p.DimerPeriod * s;
            int n = lattice.TerraceAt(site.X, site.Y);
            int placed = 0;
            for (int k = 0; k < length; k++)
            {
                double x = site.X + k * stepX + side * atomOffset * site.AcrossX, y = site.Y + k * stepY + side * atomOffset * site.AcrossY;
                if (!lattice.OnTerrace(x, y, n)) break;
                PointDefects.StampDanglingBond(heights, x, y, amp, sigma);
                placed++;
            }
            chains++;
            dbs += placed;
        }
        return new Counts(chains, dbs);
    }
}
