namespace StmKernel.Orbitals;

/// <summary>
/// A π-conjugated site of a planar molecule: what it contributes to the π system. Hückel parameters after
/// Streitwieser: α_X = α_C + h·β, β_CX = k·β (<see cref="HuckelParameters"/>); π electrons per site as counted for HOMO/LUMO.
/// </summary>
public enum SiteKind
{
    /// <summary>sp² carbon: h 0, one π electron.</summary>
    Carbon,

    /// <summary>Pyridinic (imine) nitrogen: h 0.5, k 1.0, one π electron.</summary>
    PyridinicN,

    /// <summary>Pyrrolic (amine, N–H) nitrogen: h 1.5, k 0.8, two π electrons.</summary>
    PyrrolicN,

    /// <summary>Carbonyl oxygen: h 1.0, k 1.0, one π electron.</summary>
    CarbonylO,

    /// <summary>Ether / furan oxygen: h 2.0, k 0.8, two π electrons.</summary>
    EtherO,

    /// <summary>Boron: h −1.0, k 0.7, no π electron.</summary>
    Boron,
}

/// <summary>One π site: its kind and position (Å) in the molecular plane.</summary>
public readonly record struct Site(SiteKind Kind, double X, double Y);

/// <summary>
/// A planar molecule's π sites. Bonds are the pairs closer than <see cref="BondCutoff"/>; second and third neighbours
/// (for t2, t3) are the pairs at graph distance 2 and 3.
/// </summary>
public sealed class Molecule
{
    /// <summary>Sites closer than this (Å) are bonded: C–C bonds are 1.40–1.42 Å, the next-nearest pair 2.4 Å.</summary>
    public const double BondCutoff = 1.6;

    /// <summary>A molecule named <paramref name="name"/> with the given sites.</summary>
    /// <exception cref="ArgumentException">No sites, a non-finite position, or two sites closer than 0.5 Å.</exception>
    public Molecule(string name, IReadOnlyList<Site> sites)
    {
        ArgumentNullException.ThrowIfNull(sites);
        if (sites.Count == 0) throw new ArgumentException($"molecule {name} has no sites", nameof(sites));
        Name = name;
        Sites = sites;
        int n = sites.Count;
        Distance = new int[n, n];
        for (int i = 0; i < n; i++)
        {
            if (!double.IsFinite(sites[i].X) || !double.IsFinite(sites[i].Y)) throw new ArgumentException($"molecule {name}: site {i} is at ({sites[i].X}, {sites[i].Y})");
            for (int j = 0; j < n; j++) Distance[i, j] = i == j ? 0 : int.MaxValue;
        }
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                double d = Math.Sqrt(Sq(sites[i].X - sites[j].X) + Sq(sites[i].Y - sites[j].Y));
                if (d < 0.5) throw new ArgumentException($"molecule {name}: sites {i} and {j} are {d:F2} Å apart");
                if (d < BondCutoff) Distance[i, j] = Distance[j, i] = 1;
            }
        // Graph distances by Floyd–Warshall (molecules have at most a few hundred sites).
        for (int k = 0; k < n; k++)
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    if (Distance[i, k] != int.MaxValue && Distance[k, j] != int.MaxValue && Distance[i, k] + Distance[k, j] < Distance[i, j])
                        Distance[i, j] = Distance[i, k] + Distance[k, j];
    }

    /// <summary>A short name, e.g. "pentacene".</summary>
    public string Name { get; }

    /// <summary>The π sites.</summary>
    public IReadOnlyList<Site> Sites { get; }

    /// <summary>Bond-graph distance between sites (0 on the diagonal, int.MaxValue between disconnected parts).</summary>
    public int[,] Distance { get; }

    /// <summary>π electrons: one per C, pyridinic N and carbonyl O, two per pyrrolic N and ether O, none per B.</summary>
    public int PiElectrons => Sites.Sum(s => s.Kind switch
    {
        SiteKind.Carbon or SiteKind.PyridinicN or SiteKind.CarbonylO => 1,
        SiteKind.PyrrolicN or SiteKind.EtherO => 2,
        _ => 0,
    });

    /// <summary>
    /// A benzenoid (polyhex) from hexagon centres in axial coordinates (q, r) on a honeycomb of C–C bond
    /// <paramref name="bond"/> Å, all carbon: (0,0),(1,0),…,(n−1,0) is the n-acene.
    /// </summary>
    public static Molecule Polyhex(string name, IEnumerable<(int Q, int R)> hexagons, double bond = 1.42)
    {
        // Pointy-topped hexagons: neighbours along q share a vertical edge (centres √3·bond apart), rows r are offset by half a hexagon.
        var sites = new List<Site>();
        double w = Math.Sqrt(3) * bond;
        foreach (var (q, r) in hexagons)
        {
            double cx = w * (q + r / 2.0), cy = 1.5 * bond * r;
            for (int k = 0; k < 6; k++)
            {
                double angle = Math.PI / 6 + k * Math.PI / 3; // corners of a pointy-topped hexagon
                double x = cx + bond * Math.Cos(angle), y = cy + bond * Math.Sin(angle);
                if (!sites.Any(s => Sq(s.X - x) + Sq(s.Y - y) < 0.01)) sites.Add(new Site(SiteKind.Carbon, x, y));
            }
        }
        // Centre the molecule on its centroid so that rotations in rendering turn it about itself.
        double mx = sites.Average(s => s.X), my = sites.Average(s => s.Y);
        return new Molecule(name, [.. sites.Select(s => s with { X = s.X - mx, Y = s.Y - my })]);
    }

    /// <summary>The n-acene (benzene n = 1, naphthalene 2, …, pentacene 5).</summary>
    public static Molecule Acene(int n) => n >= 1
        ? Polyhex(n switch { 1 => "benzene", 2 => "naphthalene", 3 => "anthracene", 4 => "tetracene", 5 => "pentacene", _ => $"{n}-acene" },
            Enumerable.Range(0, n).Select(i => (i, 0)))
        : throw new ArgumentOutOfRangeException(nameof(n), n, "an acene has at least one ring");

    private static double Sq(double v) => v * v;
}
