namespace StmKernel.Orbitals;

/// <summary>
/// Seeded heteroatom variants of an all-carbon molecule that keep the π electron count, so a closed shell stays one:
/// pyridinic N for C (one π electron each) and B–N for a C–C bond (B none, N two, as in the azaborines).
/// </summary>
public static class Heterosubstitution
{
    /// <summary>
    /// <paramref name="count"/> pyridinic N on distinct edge carbons (two bonds, i.e. C–H positions: an N on a fusion
    /// carbon would carry two π electrons, graphitic rather than pyridinic), no two N bonded (no N=N), chosen by
    /// <paramref name="seed"/>: the carbons are taken greedily in a seeded random order. Null when that pick ends with
    /// fewer than <paramref name="count"/> (benzene holds three N only as 1,3,5, so some seeds give null for three).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> &lt; 1.</exception>
    public static Molecule? Aza(Molecule molecule, int count, int seed)
    {
        ArgumentNullException.ThrowIfNull(molecule);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var sites = molecule.Sites.ToArray();
        var chosen = new List<int>();
        foreach (int i in Shuffled(sites.Length, new Random(seed)))
        {
            if (chosen.Count == count) break;
            if (sites[i].Kind != SiteKind.Carbon || Degree(molecule, i) != 2 || chosen.Any(j => molecule.Distance[i, j] == 1)) continue;
            chosen.Add(i);
        }
        if (chosen.Count < count) return null;
        foreach (int i in chosen) sites[i] = sites[i] with { Kind = SiteKind.PyridinicN };
        return new Molecule($"{molecule.Name} {count}N@{string.Join(',', chosen.Order())}", sites);
    }

    /// <summary>
    /// <paramref name="pairs"/> C–C bonds turned into B–N (B: no π electron; N: pyrrolic, two), the pairs not bonded to
    /// each other (no B–B, N–N or second B–N between them), taken greedily in a seeded random order and oriented by
    /// <paramref name="seed"/>. Null when that pick ends with fewer than <paramref name="pairs"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pairs"/> &lt; 1.</exception>
    public static Molecule? BoronNitrogen(Molecule molecule, int pairs, int seed)
    {
        ArgumentNullException.ThrowIfNull(molecule);
        ArgumentOutOfRangeException.ThrowIfLessThan(pairs, 1);
        int n = molecule.Sites.Count;
        var bonds = new List<(int A, int B)>();
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                if (molecule.Distance[i, j] == 1) bonds.Add((i, j));
        var random = new Random(seed);
        var used = new List<int>();
        var chosen = new List<(int Boron, int Nitrogen)>();
        foreach (int b in Shuffled(bonds.Count, random))
        {
            if (chosen.Count == pairs) break;
            var (i, j) = bonds[b];
            if (molecule.Sites[i].Kind != SiteKind.Carbon || molecule.Sites[j].Kind != SiteKind.Carbon) continue;
            if (used.Any(u => molecule.Distance[u, i] <= 1 || molecule.Distance[u, j] <= 1)) continue;
            chosen.Add(random.Next(2) == 0 ? (i, j) : (j, i));
            used.AddRange([i, j]);
        }
        if (chosen.Count < pairs) return null;
        var sites = molecule.Sites.ToArray();
        foreach (var (boron, nitrogen) in chosen)
        {
            sites[boron] = sites[boron] with { Kind = SiteKind.Boron };
            sites[nitrogen] = sites[nitrogen] with { Kind = SiteKind.PyrrolicN };
        }
        return new Molecule($"{molecule.Name} {pairs}BN@{string.Join(',', chosen.Select(p => $"{p.Boron}-{p.Nitrogen}"))}", sites);
    }

    private static int Degree(Molecule molecule, int i) => Enumerable.Range(0, molecule.Sites.Count).Count(j => molecule.Distance[i, j] == 1);

    // A permutation of 0 … n − 1 fixed by the seed (System.Random with a seed is the same sequence on every run).
    private static int[] Shuffled(int n, Random random)
    {
        var order = Enumerable.Range(0, n).ToArray();
        random.Shuffle(order);
        return order;
    }
}
