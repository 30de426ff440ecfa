using System.Security.Cryptography;

namespace StmKernel.Orbitals;

/// <summary>
/// A canonical hash of a molecule's labelled bond graph (site kinds + bonds): equal for the same molecule renumbered,
/// rotated, mirrored or moved, and different for different graphs. Colour refinement (1-dimensional Weisfeiler–Lehman)
/// alone is not exact: it gives every vertex of a hexagon and of two triangles the same colour. So the refined colouring
/// is made exact by individualisation–refinement: pick the first colour class with more than one vertex, give each of
/// its vertices in turn a colour of its own, refine again, recurse; every branch ends in a discrete colouring, i.e. a
/// numbering of the vertices, and the smallest relabelled graph over all branches is the canonical form (the
/// search without automorphism pruning; a few hundred branches at most for molecules of this library). The hash is
/// SHA-256 of that form.
/// </summary>
public static class GraphHash
{
    /// <summary>The hash of <paramref name="molecule"/>'s graph with its site kinds, as 64 lowercase hex digits.</summary>
    public static string Of(Molecule molecule)
    {
        ArgumentNullException.ThrowIfNull(molecule);
        return Hash([.. molecule.Sites.Select(s => (int)s.Kind)], Adjacency(molecule));
    }

    /// <summary>The hash of <paramref name="molecule"/>'s bond graph with every site taken as the same kind: equal for
    /// aza-, BN- and all-carbon versions of one skeleton.</summary>
    public static string Skeleton(Molecule molecule)
    {
        ArgumentNullException.ThrowIfNull(molecule);
        return Hash(new int[molecule.Sites.Count], Adjacency(molecule));
    }

    private static int[][] Adjacency(Molecule molecule)
    {
        int n = molecule.Sites.Count;
        return [.. Enumerable.Range(0, n).Select(i => Enumerable.Range(0, n).Where(j => molecule.Distance[i, j] == 1).ToArray())];
    }

    private static string Hash(int[] labels, int[][] adjacency)
    {
        int[]? best = null;
        Search(labels, labels, adjacency, ref best);
        var bytes = new byte[best!.Length * sizeof(int)];
        Buffer.BlockCopy(best, 0, bytes, 0, bytes.Length);
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    private static void Search(int[] labels, int[] colours, int[][] adjacency, ref int[]? best)
    {
        colours = Refine(colours, adjacency);
        // The target class is chosen by colour, never by vertex number, so the search tree does not depend on numbering.
        int target = -1, size = 0;
        foreach (var group in colours.GroupBy(c => c).OrderBy(g => g.Key))
            if (group.Count() > 1) { target = group.Key; size = group.Count(); break; }
        if (size == 0)
        {
            var form = Form(labels, colours, adjacency);
            if (best is null || Compare(form, best) < 0) best = form;
            return;
        }
        for (int v = 0; v < colours.Length; v++)
        {
            if (colours[v] != target) continue;
            // v takes a colour just below the rest of its class; every other order between classes is kept.
            var individual = new int[colours.Length];
            for (int u = 0; u < colours.Length; u++) individual[u] = 2 * colours[u] + (u == v ? 0 : 1);
            Search(labels, individual, adjacency, ref best);
        }
    }

    // Colour refinement to the coarsest stable colouring finer than `colours`: a vertex's new colour is the rank of
    // (its colour, the sorted colours of its neighbours). Ranks are dense, 0 … classes − 1, and depend on colours only.
    private static int[] Refine(int[] colours, int[][] adjacency)
    {
        int n = colours.Length, classes = colours.Distinct().Count();
        while (true)
        {
            var signatures = new int[n][];
            for (int v = 0; v < n; v++)
            {
                var neighbours = adjacency[v].Select(u => colours[u]).Order();
                signatures[v] = [colours[v], .. neighbours];
            }
            var distinct = signatures.Distinct(SequenceComparer.Instance).Order(SequenceComparer.Instance).ToList();
            var rank = new Dictionary<int[], int>(SequenceComparer.Instance);
            for (int k = 0; k < distinct.Count; k++) rank[distinct[k]] = k;
            colours = [.. signatures.Select(s => rank[s])];
            if (distinct.Count == classes) return colours;
            classes = distinct.Count;
        }
    }

    // The graph relabelled by a discrete colouring: the vertex count, the labels in new order, then the sorted edges.
    private static int[] Form(int[] labels, int[] order, int[][] adjacency)
    {
        int n = labels.Length;
        var relabelled = new int[n];
        for (int v = 0; v < n; v++) relabelled[order[v]] = labels[v];
        var edges = new List<int>();
        for (int v = 0; v < n; v++)
            foreach (int u in adjacency[v])
                if (v < u) edges.Add(Math.Min(order[v], order[u]) * n + Math.Max(order[v], order[u]));
        edges.Sort();
        return [n, .. relabelled, .. edges];
    }

    private static int Compare(int[] a, int[] b) => SequenceComparer.Instance.Compare(a, b);

    private sealed class SequenceComparer : IComparer<int[]>, IEqualityComparer<int[]>
    {
        public static readonly SequenceComparer Instance = new();

        public int Compare(int[]? a, int[]? b)
        {
            for (int i = 0; i < Math.Min(a!.Length, b!.Length); i++)
                if (a[i] != b[i]) return a[i].CompareTo(b[i]);
            return a.Length.CompareTo(b.Length);
        }

        public bool Equals(int[]? a, int[]? b) => a.AsSpan().SequenceEqual(b);

        public int GetHashCode(int[] a)
        {
            var h = new HashCode();
            foreach (int v in a) h.Add(v);
            return h.ToHashCode();
        }
    }
}
