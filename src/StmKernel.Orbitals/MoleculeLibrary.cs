using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace StmKernel.Orbitals;

/// <summary>
/// The molecule library: the hand-built molecules (<see cref="NamedMolecules"/>, <see cref="Porphyrinoids"/>), the
/// acenes, every closed-shell benzenoid up to <see cref="LibraryOptions.MaxHexagons"/> hexagons and its seeded aza and
/// B–N variants, de-duplicated by <see cref="GraphHash.Of"/> (the first of equal graphs is kept, named molecules first).
/// </summary>
/// <remarks>
/// Splits go by skeleton, not by labelled graph: all heteroatom variants of one skeleton share its split, so a test
/// skeleton is never seen in training with other atoms on it; as each graph has one skeleton, no graph hash is in two
/// splits. The split of a skeleton is a seeded hash of its <see cref="GraphHash.Skeleton"/>, so adding molecules never
/// moves the others. Held-out families (acene skeletons from naphthalene up, porphyrinoids, anything with O) form
/// <see cref="Split.Families"/> whatever their hash. Benzene is not held out as an acene: it is the unit ring of every
/// benzenoid family, not a linear fusion. Benzenoids that flat coordinates cannot draw with their own bonds (holes,
/// closed fjords: <see cref="IsFlat"/>) are left out. Closed shell means an even π electron count and a HOMO–LUMO gap: benzenoid
/// radicals (odd carbon count, e.g. phenalenyl) and non-Kekuléan ones (zero-energy pairs, e.g. triangulene) are left
/// out with their variants; the substitutions keep the electron count, so variants of a closed shell stay even.
/// </remarks>
public sealed class MoleculeLibrary
{
    private MoleculeLibrary(IReadOnlyList<LibraryEntry> entries) => Entries = entries;

    /// <summary>All molecules, named ones first, then benzenoids by hexagon count, each followed by its variants.</summary>
    public IReadOnlyList<LibraryEntry> Entries { get; }

    /// <summary>The molecules of one split.</summary>
    public IEnumerable<LibraryEntry> In(Split split) => Entries.Where(e => e.Split == split);

    /// <summary>Builds the library with <paramref name="options"/> (defaults: 6 hexagons, 4 aza and 2 B–N variants, seeds 0).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative counts or shares, or shares adding up to more than 1.</exception>
    /// <exception cref="InvalidOperationException">A hand-built molecule is not a closed shell (a bug in its coordinates).</exception>
    public static MoleculeLibrary Build(LibraryOptions? options = null)
    {
        options ??= new LibraryOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxHexagons);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxAza);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxBoronNitrogen);
        if (options.ValidationShare < 0 || options.TestShare < 0 || options.ValidationShare + options.TestShare > 1)
            throw new ArgumentOutOfRangeException(nameof(options), $"validation {options.ValidationShare} and test {options.TestShare} shares must be ≥ 0 and add up to ≤ 1");

        var candidates = new List<(Molecule Molecule, MoleculeFamily Tag)>();
        foreach (var named in new[] { NamedMolecules.Ptcda(), NamedMolecules.Tcnq(), NamedMolecules.Azulene(), NamedMolecules.Fluoranthene() })
            candidates.Add((Checked(named), MoleculeFamily.None));
        foreach (var named in new[] { Porphyrinoids.Porphine(), Porphyrinoids.Phthalocyanine(), Porphyrinoids.Naphthalocyanine() })
            candidates.Add((Checked(named), MoleculeFamily.Porphyrinoid));
        int longestAcene = Math.Max(options.MaxHexagons, 5); // pentacene is in the library whatever the benzenoid limit
        for (int n = 1; n <= longestAcene; n++) candidates.Add((Checked(Molecule.Acene(n)), MoleculeFamily.None));

        var levels = PolyhexEnumerator.UpTo(Math.Max(options.MaxHexagons, 1));
        for (int h = 1; h <= options.MaxHexagons; h++)
            for (int index = 0; index < levels[h - 1].Count; index++)
            {
                var shape = levels[h - 1][index];
                var benzenoid = Molecule.Polyhex($"benzenoid-{h}-{index:D4}", shape.Cells);
                if (!IsFlat(shape, benzenoid) || !IsClosedShell(benzenoid)) continue;
                candidates.Add((benzenoid, MoleculeFamily.None));
                for (int k = 1; k <= options.MaxAza; k++)
                    if (Heterosubstitution.Aza(benzenoid, k, VariantSeed(options.Seed, shape.Key, "N", k)) is { } aza) candidates.Add((aza, MoleculeFamily.None));
                for (int k = 1; k <= options.MaxBoronNitrogen; k++)
                    if (Heterosubstitution.BoronNitrogen(benzenoid, k, VariantSeed(options.Seed, shape.Key, "BN", k)) is { } bn) candidates.Add((bn, MoleculeFamily.None));
            }

        var aceneSkeletons = Enumerable.Range(2, longestAcene - 1).Select(n => GraphHash.Skeleton(Molecule.Acene(n))).ToHashSet();
        var seen = new HashSet<string>();
        var entries = new List<LibraryEntry>();
        foreach (var (molecule, tag) in candidates)
        {
            string hash = GraphHash.Of(molecule);
            if (!seen.Add(hash)) continue;
            string skeleton = GraphHash.Skeleton(molecule);
            var families = tag;
            if (aceneSkeletons.Contains(skeleton)) families |= MoleculeFamily.Acene;
            if (molecule.Sites.Any(s => s.Kind is SiteKind.CarbonylO or SiteKind.EtherO)) families |= MoleculeFamily.Oxygen;
            var split = families != MoleculeFamily.None ? Split.Families : SplitOf(skeleton, options.SplitSeed, options.ValidationShare, options.TestShare);
            entries.Add(new LibraryEntry(molecule, hash, skeleton, families, split));
        }
        return new MoleculeLibrary(entries);
    }

    /// <summary>
    /// The split of a skeleton hash under <paramref name="splitSeed"/>: u = the first 53 bits of SHA-256("seed:hash")
    /// as a uniform number in [0, 1); test below <paramref name="testShare"/>, validation below the sum of both shares,
    /// train above.
    /// </summary>
    public static Split SplitOf(string skeletonHash, int splitSeed, double validationShare, double testShare)
    {
        ArgumentNullException.ThrowIfNull(skeletonHash);
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"{splitSeed}:{skeletonHash}"));
        double u = (BinaryPrimitives.ReadUInt64BigEndian(digest) >> 11) * (1.0 / (1UL << 53));
        return u < testShare ? Split.Test : u < testShare + validationShare ? Split.Validation : Split.Train;
    }

    /// <summary>
    /// Whether the flat coordinates of <paramref name="shape"/> bond exactly its cells' edges: 6h minus one per pair of
    /// neighbouring cells. Not so when an empty cell's edge has both ends on the molecule: the 1.42 Å distance rule then
    /// adds a bond no cell has. That happens round holes (the ring of six round an empty cell has coronene's graph) and
    /// in closed fjords: flat [5]helicene puts its two inner end carbons 1.42 Å apart and gets benzo[ghi]perylene's
    /// graph, while the real molecule twists them apart out of plane.
    /// </summary>
    public static bool IsFlat(PolyhexShape shape, Molecule benzenoid)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(benzenoid);
        var cells = shape.Cells.ToHashSet();
        int neighbourPairs = shape.Cells.Sum(c => new[] { (1, 0), (0, 1), (-1, 1) }.Count(d => cells.Contains((c.Q + d.Item1, c.R + d.Item2))));
        int n = benzenoid.Sites.Count, bonds = 0;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                if (benzenoid.Distance[i, j] == 1) bonds++;
        return bonds == 6 * shape.Count - neighbourPairs;
    }

    private static bool IsClosedShell(Molecule molecule)
    {
        if (molecule.PiElectrons == 0 || molecule.PiElectrons % 2 != 0) return false;
        var solution = HuckelSolution.Solve(molecule);
        return !ReferenceEquals(solution.LevelOf(solution.Homo), solution.LevelOf(solution.Lumo));
    }

    private static Molecule Checked(Molecule molecule) => IsClosedShell(molecule)
        ? molecule
        : throw new InvalidOperationException($"{molecule.Name} is not a closed shell: {molecule.PiElectrons} π electrons, or HOMO and LUMO in one level");

    // A variant's seed from the library seed and what it is a variant of; SHA-256 rather than string.GetHashCode, which
    // changes from process to process.
    private static int VariantSeed(int seed, string shapeKey, string kind, int count) =>
        BinaryPrimitives.ReadInt32BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}:{shapeKey}:{kind}:{count}")));
}
