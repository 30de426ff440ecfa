namespace StmKernel.Orbitals;

/// <summary>
/// Hand-built molecules by coordinates (Å, centred, long axis along x where there is one): the paper's and STM's
/// classics beside the enumerated benzenoids. Porphyrinoids are in <see cref="Porphyrinoids"/>.
/// </summary>
public static class NamedMolecules
{
    private const double Bond = 1.42;

    /// <summary>Pentacene C22H14, the 5-acene: 22 π sites and electrons.</summary>
    public static Molecule Pentacene() => Molecule.Acene(5);

    /// <summary>
    /// PTCDA (perylene-3,4,9,10-tetracarboxylic dianhydride) C24H8O6: perylene plus, at each end, an anhydride ring
    /// C–C(=O)–O–C(=O)–C on the two free peri positions. 30 π sites: 24 C, 2 ether O (two π electrons each), 4 carbonyl O
    /// (one each); 32 π electrons.
    /// </summary>
    /// <remarks>
    /// The anhydride ring is a honeycomb cell next to both rings of a naphthalene half, so the skeleton is the 7-cell
    /// polyhex of perylene (a cell and four of its neighbours) plus those two cells; its far corners become the ether O,
    /// their neighbours the carbonyl C, and each carbonyl O sits 1.21 Å out along the bisector of its carbon's ring bonds.
    /// </remarks>
    public static Molecule Ptcda()
    {
        var skeleton = Molecule.Polyhex("PTCDA", [(0, 0), (1, 0), (1, -1), (-1, 0), (-1, 1), (2, -1), (-2, 1)], Bond);
        var sites = skeleton.Sites.ToArray();
        int n = sites.Length;
        double Radius(int i) => Math.Sqrt(sites[i].X * sites[i].X + sites[i].Y * sites[i].Y);
        double far = Enumerable.Range(0, n).Max(Radius);
        var ethers = Enumerable.Range(0, n).Where(i => Radius(i) > far - 0.01).ToArray();
        if (ethers.Length != 2) throw new InvalidOperationException($"PTCDA: expected 2 far corners for the ether O, found {ethers.Length}");
        var carbonylO = new List<Site>();
        foreach (int o in ethers)
        {
            sites[o] = sites[o] with { Kind = SiteKind.EtherO };
            foreach (int c in Enumerable.Range(0, n).Where(j => skeleton.Distance[o, j] == 1))
            {
                var ring = Enumerable.Range(0, n).Where(j => skeleton.Distance[c, j] == 1).ToArray();
                double dx = 2 * sites[c].X - sites[ring[0]].X - sites[ring[1]].X, dy = 2 * sites[c].Y - sites[ring[0]].Y - sites[ring[1]].Y;
                double norm = Math.Sqrt(dx * dx + dy * dy);
                carbonylO.Add(new Site(SiteKind.CarbonylO, sites[c].X + 1.21 * dx / norm, sites[c].Y + 1.21 * dy / norm));
            }
        }
        // Turn the O…O axis onto x.
        double angle = -Math.Atan2(sites[ethers[0]].Y, sites[ethers[0]].X);
        return new Molecule("PTCDA", [.. sites.Concat(carbonylO).Select(s => Rotate(s, angle))]);
    }

    /// <summary>
    /// TCNQ (7,7,8,8-tetracyanoquinodimethane) C12H4N4: a quinoid ring, two exocyclic C, four C≡N. 16 π sites, 16 π
    /// electrons.
    /// </summary>
    /// <remarks>
    /// Only the p_z system is modelled: the nitrile N is a pyridinic-like N (one p_z electron, h 0.5, k 1.0) and each
    /// nitrile C a carbon; the in-plane π bond of C≡N is orthogonal to p_z and left out. The triple bond's stronger p_z
    /// coupling (1.15 Å) is not given a larger k, as the site kinds carry no nitrile entry; a nitrile-specific
    /// (h, k) would be a new <see cref="SiteKind"/>.
    /// </remarks>
    public static Molecule Tcnq()
    {
        var sites = new List<Site>();
        for (int k = 0; k < 6; k++) sites.Add(new Site(SiteKind.Carbon, Bond * Math.Cos(k * Math.PI / 3), Bond * Math.Sin(k * Math.PI / 3)));
        foreach (int side in new[] { 1, -1 })
        {
            double exo = side * (Bond + 1.38);
            sites.Add(new Site(SiteKind.Carbon, exo, 0));
            foreach (int up in new[] { 1, -1 })
            {
                // C(CN)2: the cyano groups leave the exocyclic C at ±60° from the molecular axis.
                double ux = side * Math.Cos(Math.PI / 3), uy = up * Math.Sin(Math.PI / 3);
                sites.Add(new Site(SiteKind.Carbon, exo + 1.43 * ux, 1.43 * uy));
                sites.Add(new Site(SiteKind.PyridinicN, exo + 2.58 * ux, 2.58 * uy));
            }
        }
        return new Molecule("TCNQ", sites);
    }

    /// <summary>Azulene C10H8, a regular heptagon and pentagon sharing an edge (side 1.40 Å): non-alternant, 10 π electrons.</summary>
    public static Molecule Azulene()
    {
        const double side = 1.40;
        // The shared edge is vertical at x = 0; each ring's centre lies one apothem away on either side.
        var sites = Polygon(7, side, -side / (2 * Math.Tan(Math.PI / 7)), 0).ToList();
        sites.AddRange(Polygon(5, side, side / (2 * Math.Tan(Math.PI / 5)), Math.PI).Where(s => Math.Abs(s.X) > 0.01));
        return Centred("azulene", sites);
    }

    /// <summary>
    /// Fluoranthene C16H10: naphthalene whose peri positions 1 and 8 bond to the ortho carbons of a benzene ring, closing
    /// a five-membered ring: non-alternant, 16 π electrons.
    /// </summary>
    /// <remarks>
    /// Both six-rings are regular (1.42 Å) and the benzene edge runs parallel to the C1…C8 line, 2.46 Å long; the two
    /// inter-ring bonds are then 1.48 Å (X-ray 1.49 Å), closing a trapezoidal five-ring.
    /// </remarks>
    public static Molecule Fluoranthene()
    {
        double w = Math.Sqrt(3) * Bond, link = 1.48;
        var sites = new List<Site>();
        // Naphthalene: pointy-topped rings centred at (±w/2, 0), the fusion bond vertical at x = 0.
        foreach (double cx in new[] { -w / 2, w / 2 })
            for (int k = 0; k < 6; k++)
            {
                double t = Math.PI / 6 + k * Math.PI / 3, x = cx + Bond * Math.Cos(t), y = Bond * Math.Sin(t);
                if (!sites.Any(s => Math.Abs(s.X - x) < 0.01 && Math.Abs(s.Y - y) < 0.01)) sites.Add(new Site(SiteKind.Carbon, x, y));
            }
        // Benzene below C1 = (−w/2, −Bond) and C8 = (w/2, −Bond), with its top edge at ±Bond/2.
        double drop = Math.Sqrt(link * link - Math.Pow(w / 2 - Bond / 2, 2)), top = -Bond - drop, cy = top - Bond * Math.Sin(Math.PI / 3);
        for (int k = 0; k < 6; k++) sites.Add(new Site(SiteKind.Carbon, Bond * Math.Cos(k * Math.PI / 3), cy + Bond * Math.Sin(k * Math.PI / 3)));
        return Centred("fluoranthene", sites);
    }

    // A regular polygon of `corners` sides of length `side`, centred at (cx, 0), whose edge facing `facing` (radians,
    // seen from the centre) is perpendicular to that direction.
    private static IEnumerable<Site> Polygon(int corners, double side, double cx, double facing)
    {
        double r = side / (2 * Math.Sin(Math.PI / corners));
        double start = facing + Math.PI / corners; // the facing edge spans facing ± π/corners
        for (int k = 0; k < corners; k++)
        {
            double t = start + k * 2 * Math.PI / corners;
            yield return new Site(SiteKind.Carbon, cx + r * Math.Cos(t), r * Math.Sin(t));
        }
    }

    private static Site Rotate(Site s, double angle) =>
        s with { X = Math.Cos(angle) * s.X - Math.Sin(angle) * s.Y, Y = Math.Sin(angle) * s.X + Math.Cos(angle) * s.Y };

    private static Molecule Centred(string name, List<Site> sites)
    {
        double mx = sites.Average(s => s.X), my = sites.Average(s => s.Y);
        return new Molecule(name, [.. sites.Select(s => s with { X = s.X - mx, Y = s.Y - my })]);
    }
}
