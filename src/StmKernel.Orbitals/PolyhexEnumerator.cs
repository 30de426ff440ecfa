namespace StmKernel.Orbitals;

/// <summary>
/// Enumerates free polyhexes (hexagonal animals) by growth: every (h+1)-cell polyhex is an h-cell one plus a cell
/// (remove a leaf of a spanning tree of its cells), so adding each empty neighbour cell to each canonical h-cell shape
/// and keeping one per canonical key reaches all of them. Canonical = smallest sorted cell list over the 12 symmetries
/// of the honeycomb (6 rotations × a reflection) after translating to q, r ≥ 0.
/// </summary>
/// <remarks>
/// Lattice cells cannot overlap, so helicenes that coil onto themselves (geometrically non-planar, [7]helicene and up)
/// are not polyhexes and never appear. What does appear: 1, 1, 3, 7, 22, 82, 333, 1448 free polyhexes for h = 1…8
/// (OEIS A000228), of which 0, 0, 0, 0, 0, 1, 2, 13 enclose a hole (coronoids); the simply connected rest are the
/// benzenoids, 1, 1, 3, 7, 22, 81, 331, 1435 (OEIS A018190). Benzenoids include radicals (phenalenyl, odd carbon count)
/// and non-Kekuléan ones (triangulene): <see cref="MoleculeLibrary"/> keeps only closed shells. Benzenoids also include
/// [5]helicene-like shapes whose flat drawing closes a fjord (its end carbons 1.42 Å apart), which the library drops
/// (<see cref="MoleculeLibrary.IsFlat"/>).
/// </remarks>
public static class PolyhexEnumerator
{
    // The six neighbour directions in cyclic order round a cell.
    private static readonly (int Q, int R)[] Directions = [(1, 0), (1, -1), (0, -1), (-1, 0), (-1, 1), (0, 1)];

    /// <summary>All free polyhexes with 1 … <paramref name="maxHexagons"/> cells: element h − 1 holds those with h cells, sorted by key.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxHexagons"/> &lt; 1.</exception>
    public static IReadOnlyList<IReadOnlyList<PolyhexShape>> UpTo(int maxHexagons)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxHexagons, 1);
        var levels = new List<IReadOnlyList<PolyhexShape>> { new[] { Shape([(0, 0)]) } };
        while (levels.Count < maxHexagons)
        {
            var next = new SortedDictionary<string, PolyhexShape>(StringComparer.Ordinal);
            foreach (var shape in levels[^1])
            {
                var cells = shape.Cells.ToHashSet();
                foreach (var (q, r) in shape.Cells)
                    foreach (var (dq, dr) in Directions)
                    {
                        var cell = (q + dq, r + dr);
                        if (cells.Contains(cell)) continue;
                        var grown = Shape([.. shape.Cells, cell]);
                        next.TryAdd(grown.Key, grown);
                    }
            }
            levels.Add([.. next.Values]);
        }
        return levels;
    }

    /// <summary>
    /// How many fixed polyhexes (distinct up to translation only) the free one <paramref name="shape"/> stands for: 12
    /// divided by the order of its symmetry group. Summed over the free polyhexes of h cells it gives the fixed count
    /// (OEIS A001207), an independent check on the canonical form.
    /// </summary>
    public static int Orientations(PolyhexShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return Images(shape.Cells).Select(image => string.Join(';', image)).Distinct().Count();
    }

    /// <summary>The canonical shape of <paramref name="cells"/> (any position and orientation).</summary>
    /// <exception cref="ArgumentException">No cells, a repeated cell, or cells that are not edge-connected.</exception>
    public static PolyhexShape Shape(IReadOnlyCollection<(int Q, int R)> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var set = cells.ToHashSet();
        if (set.Count == 0 || set.Count != cells.Count) throw new ArgumentException($"a polyhex needs distinct cells, got {cells.Count} with {set.Count} distinct", nameof(cells));
        if (Reach(set.First(), set, _ => true).Count != set.Count) throw new ArgumentException($"cells {string.Join(' ', cells)} are not edge-connected", nameof(cells));
        var best = Images([.. set]).Aggregate((a, b) => Compare(a, b) <= 0 ? a : b);
        return new PolyhexShape(best, HasHole(set));
    }

    // The 12 images under rotation (q, r) → (−r, q + r) and reflection (q, r) → (q, −q − r), each translated to
    // q, r ≥ 0 and sorted.
    private static IEnumerable<(int Q, int R)[]> Images(IReadOnlyList<(int Q, int R)> cells)
    {
        var current = cells.ToArray();
        for (int reflect = 0; reflect < 2; reflect++)
        {
            for (int turn = 0; turn < 6; turn++)
            {
                int mq = current.Min(c => c.Q), mr = current.Min(c => c.R);
                yield return [.. current.Select(c => (c.Q - mq, c.R - mr)).Order()];
                current = [.. current.Select(c => (-c.R, c.Q + c.R))];
            }
            current = [.. current.Select(c => (c.Q, -c.Q - c.R))];
        }
    }

    private static int Compare((int Q, int R)[] a, (int Q, int R)[] b)
    {
        for (int i = 0; i < a.Length; i++)
        {
            int c = a[i].CompareTo(b[i]);
            if (c != 0) return c;
        }
        return 0;
    }

    // A hole is an empty cell that cannot reach the outside: flood the empty cells of the bounding parallelogram grown
    // by one from a corner (the grown border is all empty and connected, and any way out crosses it).
    private static bool HasHole(HashSet<(int Q, int R)> cells)
    {
        int q0 = cells.Min(c => c.Q) - 1, q1 = cells.Max(c => c.Q) + 1, r0 = cells.Min(c => c.R) - 1, r1 = cells.Max(c => c.R) + 1;
        bool InBox((int Q, int R) c) => c.Q >= q0 && c.Q <= q1 && c.R >= r0 && c.R <= r1;
        var empty = new HashSet<(int Q, int R)>();
        for (int q = q0; q <= q1; q++)
            for (int r = r0; r <= r1; r++)
                if (!cells.Contains((q, r))) empty.Add((q, r));
        return Reach((q0, r0), empty, InBox).Count != empty.Count;
    }

    // The cells of `within` reachable from `start` by neighbour steps that stay inside `allowed`.
    private static HashSet<(int Q, int R)> Reach((int Q, int R) start, HashSet<(int Q, int R)> within, Func<(int Q, int R), bool> allowed)
    {
        var seen = new HashSet<(int Q, int R)> { start };
        var queue = new Queue<(int Q, int R)>([start]);
        while (queue.TryDequeue(out var c))
            foreach (var (dq, dr) in Directions)
            {
                var n = (c.Q + dq, c.R + dr);
                if (within.Contains(n) && allowed(n) && seen.Add(n)) queue.Enqueue(n);
            }
        return seen;
    }
}
