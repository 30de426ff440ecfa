namespace StmKernel.Orbitals;

/// <summary>
/// Free-base porphyrinoids built by coordinates round a D4h macrocycle: four pyrrole (or isoindole, or
/// benz[f]isoindole) units on the ±x, ±y axes with their nitrogens pointing in, joined by four meso bridges on the
/// diagonals. The two inner NH (pyrrolic N, two π electrons each) sit on the x axis and the two bare inner N (pyridinic,
/// one each) on the y axis, so the π system is D2h, as in the real free bases: Hückel splits the pair of LUMOs that a
/// D4h macrocycle (a metal complex) would have as one degenerate e_g level, by a small amount next to the gap.
/// </summary>
/// <remarks>
/// Pyrroles are regular pentagons and benzo rings regular hexagons of side <c>a</c>; the meso site sits on the diagonal
/// at its bond length from both neighbouring Cα. Radii and bond lengths are rounded X-ray values (porphine N–centre
/// 2.05 Å, Pc 1.94 Å; C–N(meso) 1.33 Å, C–C(meso) 1.39 Å).
/// </remarks>
public static class Porphyrinoids
{
    /// <summary>Porphine (free-base porphyrin) C20H14N4: 24 π sites, 26 π electrons.</summary>
    public static Molecule Porphine() => Macrocycle("porphine", SiteKind.Carbon, mesoBond: 1.39, innerN: 2.05, side: 1.39, benzoRings: 0);

    /// <summary>Free-base phthalocyanine H2Pc, C32H18N8: 40 π sites, 42 π electrons.</summary>
    public static Molecule Phthalocyanine() => Macrocycle("H2Pc", SiteKind.PyridinicN, mesoBond: 1.33, innerN: 1.94, side: 1.40, benzoRings: 1);

    /// <summary>
    /// Free-base 2,3-naphthalocyanine H2Nc, C48H26N8 (Pc with one more ring fused linearly on each benzo unit, the
    /// molecule of the IBM tautomerisation and CO-tip orbital images): 56 π sites, 58 π electrons.
    /// </summary>
    public static Molecule Naphthalocyanine() => Macrocycle("H2Nc", SiteKind.PyridinicN, mesoBond: 1.33, innerN: 1.94, side: 1.40, benzoRings: 2);

    private static Molecule Macrocycle(string name, SiteKind meso, double mesoBond, double innerN, double side, int benzoRings)
    {
        double circumradius = side / (2 * Math.Sin(Math.PI / 5)), centre = innerN + circumradius;
        // The unit on the +x axis; the others are its quarter turns.
        var unit = new List<(bool InnerN, double X, double Y)> { (true, innerN, 0) };
        foreach (double degrees in new[] { 108.0, -108.0, 36.0, -36.0 }) // Cα, Cα, Cβ, Cβ seen from the pentagon's centre
        {
            double t = degrees * Math.PI / 180;
            unit.Add((false, centre + circumradius * Math.Cos(t), circumradius * Math.Sin(t)));
        }
        double betaX = centre + circumradius * Math.Cos(Math.PI / 5);
        for (int ring = 0; ring < benzoRings; ring++)
        {
            // Each hexagon shares its left edge with the previous ring and adds its four other corners.
            double hx = betaX + side * Math.Sqrt(3) / 2 + ring * side * Math.Sqrt(3);
            foreach (double degrees in new[] { 30.0, -30.0, 90.0, -90.0 })
            {
                double t = degrees * Math.PI / 180;
                unit.Add((false, hx + side * Math.Cos(t), side * Math.Sin(t)));
            }
        }
        var sites = new List<Site>();
        for (int k = 0; k < 4; k++)
        {
            double c = Math.Cos(k * Math.PI / 2), s = Math.Sin(k * Math.PI / 2);
            // NH on the x axis (k = 0, 2), bare N on the y axis: the free base's tautomer with D2h symmetry.
            var nitrogen = k % 2 == 0 ? SiteKind.PyrrolicN : SiteKind.PyridinicN;
            foreach (var (inner, x, y) in unit)
                sites.Add(new Site(inner ? nitrogen : SiteKind.Carbon, c * x - s * y, s * x + c * y));
        }
        // The meso site (m, m) is mesoBond from Cα at (ax, ay) and, by symmetry, from its mirror (ay, ax): the larger root
        // of 2m² − 2m(ax + ay) + ax² + ay² − mesoBond² = 0 (the smaller lies inside the ring).
        var (_, ax, ay) = unit[1];
        double disc = (ax + ay) * (ax + ay) - 2 * (ax * ax + ay * ay - mesoBond * mesoBond);
        if (disc < 0) throw new InvalidOperationException($"{name}: no meso position {mesoBond} Å from both Cα");
        double m = (ax + ay + Math.Sqrt(disc)) / 2;
        foreach (var (sx, sy) in new[] { (1, 1), (-1, 1), (-1, -1), (1, -1) }) sites.Add(new Site(meso, sx * m, sy * m));
        return new Molecule(name, sites);
    }
}
