namespace StmKernel.Synthesis.Surface;

/// <summary>Where point-like features go: a uniform point snapped to the nearest dimer of the terrace it falls on.</summary>
internal sealed class LatticeSites(int[] terrace, int width, int height, Func<int, LatticePattern> patternOf)
{
    /// <summary>A dimer site: centre, unit vector across the row (where its two atoms sit) and the terrace lattice.</summary>
    public readonly record struct Site(double X, double Y, double AcrossX, double AcrossY, LatticePattern Pattern);

    /// <summary>Draws a site; false when it falls off the image or on another terrace than the drawn point.</summary>
    public bool TryDraw(Rng rng, out Site site)
    {
        double x = rng.Uniform(0, width), y = rng.Uniform(0, height);
        int n = terrace[Math.Min(height - 1, (int)y) * width + Math.Min(width - 1, (int)x)];
        var pattern = patternOf(n);
        var d = pattern.NearestDimer(x, y);
        site = new Site(d.X, d.Y, d.AcrossX, d.AcrossY, pattern);
        return OnTerrace(d.X, d.Y, n);
    }

    /// <summary>Whether (x, y) rounds to a pixel of the image on terrace <paramref name="n"/>.</summary>
    public bool OnTerrace(double x, double y, int n)
    {
        int sx = (int)Math.Round(x), sy = (int)Math.Round(y);
        return sx >= 0 && sy >= 0 && sx < width && sy < height && terrace[sy * width + sx] == n;
    }

    /// <summary>Terrace index at pixel (x, y), which must lie inside the image.</summary>
    public int TerraceAt(double x, double y) => terrace[(int)Math.Round(y) * width + (int)Math.Round(x)];
}
