namespace StmKernel.Orbitals.Tests;

public class NamedMoleculeTests
{
    public static TheoryData<string, int, int, int, int> Formulas => new()
    {
        // name, π sites (C + N + O of the formula; B none here), π electrons, bonds (sites + rings − 1), heteroatoms
        { "pentacene", 22, 22, 26, 0 },      // C22H14, 5 rings
        { "porphine", 24, 26, 28, 4 },       // C20H14N4: 2 NH (2 e each) + 2 N; 4 pyrroles + the macrocycle
        { "H2Pc", 40, 42, 48, 8 },           // C32H18N8: 4 aza N; 4 pyrroles, 4 benzo rings, the macrocycle
        { "H2Nc", 56, 58, 68, 8 },           // C48H26N8: 4 more benzo rings
        { "PTCDA", 30, 32, 36, 6 },          // C24H8O6: 2 ether O (2 e each) + 4 C=O; 5 + 2 rings
        { "TCNQ", 16, 16, 16, 4 },           // C12H4N4, 1 ring
        { "azulene", 10, 10, 11, 0 },        // C10H8, 2 rings
        { "fluoranthene", 16, 16, 19, 0 },   // C16H10, 4 rings
    };

    [Theory]
    [MemberData(nameof(Formulas))]
    public void SitesElectronsAndBondsMatchTheFormula(string name, int sites, int electrons, int bonds, int heteroatoms)
    {
        var m = Named(name);
        Assert.Equal(name, m.Name);
        Assert.Equal(sites, m.Sites.Count);
        Assert.Equal(electrons, m.PiElectrons);
        Assert.Equal(0, m.PiElectrons % 2);
        Assert.Equal(heteroatoms, m.Sites.Count(s => s.Kind != SiteKind.Carbon));
        int n = m.Sites.Count, found = 0;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                double d = Math.Sqrt(Math.Pow(m.Sites[i].X - m.Sites[j].X, 2) + Math.Pow(m.Sites[i].Y - m.Sites[j].Y, 2));
                Assert.True(d > 0.5, $"{name}: sites {i}, {j} {d:F2} Å apart");
                // A clear gap round the cutoff: bonds ≤ 1.5 Å, non-bonded pairs ≥ 2.1 Å (so jitter cannot flip one).
                if (m.Distance[i, j] == 1) { found++; Assert.True(d is > 1.1 and < 1.5, $"{name}: bond {i}-{j} is {d:F2} Å"); }
                else Assert.True(d > 2.1, $"{name}: non-bonded {i}, {j} at {d:F2} Å");
                Assert.NotEqual(int.MaxValue, m.Distance[i, j]); // connected
            }
        Assert.Equal(bonds, found);
        // Every π site of these molecules has two or three bonds except a terminal O or nitrile N.
        for (int i = 0; i < n; i++)
        {
            int degree = Enumerable.Range(0, n).Count(j => m.Distance[i, j] == 1);
            Assert.True(degree is 2 or 3 || (degree == 1 && m.Sites[i].Kind is SiteKind.CarbonylO or SiteKind.PyridinicN), $"{name}: site {i} has {degree} bonds");
        }
    }

    [Theory]
    [InlineData("pentacene", true, true)]
    [InlineData("porphine", true, true)]
    [InlineData("H2Pc", true, true)]
    [InlineData("H2Nc", true, true)]
    [InlineData("PTCDA", true, true)]
    [InlineData("TCNQ", true, true)]
    [InlineData("azulene", false, true)]      // C2v: the mirror through both rings' centres only
    [InlineData("fluoranthene", true, false)] // C2v: the mirror through the five-ring
    public void MirrorsMapSitesToSitesOfTheSameKind(string name, bool mirrorX, bool mirrorY)
    {
        var m = Named(name);
        Assert.Equal(mirrorX, Maps(m, s => s with { X = -s.X }));
        Assert.Equal(mirrorY, Maps(m, s => s with { Y = -s.Y }));
    }

    [Theory]
    [InlineData("porphine")]
    [InlineData("H2Pc")]
    [InlineData("H2Nc")]
    public void TheFreeBaseIsD2hAndItsMacrocycleD4h(string name)
    {
        var m = Named(name);
        Site Quarter(Site s) => s with { X = -s.Y, Y = s.X };
        // A quarter turn maps the frame onto itself but swaps NH and N.
        Assert.True(Maps(m, Quarter, ignoreKinds: true));
        Assert.False(Maps(m, Quarter));
    }

    [Theory]
    [InlineData("porphine")]
    [InlineData("H2Pc")]
    [InlineData("H2Nc")]
    public void TheD4hLumoIsADegeneratePairThatTheInnerHydrogensSplit(string name)
    {
        var freeBase = Named(name);
        var d4h = new Molecule(name + " D4h", [.. freeBase.Sites.Select(s => s.Kind == SiteKind.PyrrolicN ? s with { Kind = SiteKind.PyridinicN } : s)]);
        var split = HuckelSolution.Solve(freeBase);
        var pair = HuckelSolution.Solve(d4h);
        // Same orbital count below the gap: the free base's LUMO index is the D4h macrocycle's e_g level.
        var eg = pair.LevelOf(split.Lumo);
        Assert.Equal(2, eg.Orbitals.Length);
        Assert.Equal([split.Lumo, split.Lumo + 1], eg.Orbitals);
        Assert.Single(pair.LevelOf(split.Homo).Orbitals); // a_1u-like HOMO below it
        // The e_g partner with a node through the NH axis feels neither the NH on-site energy nor its bonds (its two Cα
        // next to each NH have opposite signs), so it keeps the D4h energy exactly; the other partner drops.
        Assert.Equal(eg.Energy, split.Energies[split.Lumo + 1], 9);
        Assert.True(split.Energies[split.Lumo] < eg.Energy - 0.1);
        Assert.True(split.Energies[split.Lumo] > split.Energies[split.Homo] + 0.3);
    }

    [Fact]
    public void AzuleneHasItsHuckelFrontierLevels()
    {
        // Textbook Hückel azulene: HOMO α + 0.477β, LUMO α − 0.400β; a non-alternant spectrum, not symmetric about α.
        var s = HuckelSolution.Solve(NamedMolecules.Azulene());
        Assert.Equal(0.4773 * -2.7, s.Energies[s.Homo], 3);
        Assert.Equal(-0.4004 * -2.7, s.Energies[s.Lumo], 3);
        Assert.NotEqual(-s.Energies[0], s.Energies[^1], 2);
    }

    [Fact]
    public void FluorantheneIsNonAlternantAndTheBenzenoidsAreNot()
    {
        // Sum of E² = 2β² × bonds for any graph (trace of H²); pairing E ↔ −E holds only for bipartite (alternant) ones.
        var f = HuckelSolution.Solve(NamedMolecules.Fluoranthene());
        Assert.Equal(2 * 2.7 * 2.7 * 19, f.Energies.Sum(e => e * e), 6);
        Assert.NotEqual(-f.Energies[0], f.Energies[^1], 2);
        var chrysene = HuckelSolution.Solve(Molecule.Polyhex("chrysene", [(0, 0), (1, 0), (1, 1), (2, 1)]));
        for (int k = 0; k < 9; k++) Assert.Equal(-chrysene.Energies[k], chrysene.Energies[17 - k], 9);
    }

    private static Molecule Named(string name) => name switch
    {
        "pentacene" => NamedMolecules.Pentacene(),
        "porphine" => Porphyrinoids.Porphine(),
        "H2Pc" => Porphyrinoids.Phthalocyanine(),
        "H2Nc" => Porphyrinoids.Naphthalocyanine(),
        "PTCDA" => NamedMolecules.Ptcda(),
        "TCNQ" => NamedMolecules.Tcnq(),
        "azulene" => NamedMolecules.Azulene(),
        "fluoranthene" => NamedMolecules.Fluoranthene(),
        _ => throw new ArgumentException(name),
    };

    // Whether `map` sends every site onto a site (within 1e-6 Å) of the same kind (or any kind).
    private static bool Maps(Molecule m, Func<Site, Site> map, bool ignoreKinds = false) =>
        m.Sites.All(s =>
        {
            var t = map(s);
            return m.Sites.Any(u => Math.Abs(u.X - t.X) < 1e-6 && Math.Abs(u.Y - t.Y) < 1e-6 && (ignoreKinds || u.Kind == t.Kind));
        });
}
