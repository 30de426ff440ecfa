namespace StmKernel.Orbitals;

/// <summary>What <see cref="MoleculeLibrary.Build"/> puts in the library and how it splits it.</summary>
public sealed record LibraryOptions
{
    /// <summary>Benzenoids with 1 … this many hexagons (8 gives 1435 benzenoids, of which the closed shells are kept).</summary>
    public int MaxHexagons { get; init; } = 6;

    /// <summary>Per benzenoid, one seeded variant with k pyridinic N for each k = 1 … this (0 for none).</summary>
    public int MaxAza { get; init; } = 4;

    /// <summary>Per benzenoid, one seeded variant with k B–N pairs for each k = 1 … this (0 for none).</summary>
    public int MaxBoronNitrogen { get; init; } = 2;

    /// <summary>Seed of the heteroatom positions: it changes which molecules are in the library, not their splits.</summary>
    public int Seed { get; init; }

    /// <summary>Seed of the split: it changes which skeletons go to train, validation and test, not the molecules.</summary>
    public int SplitSeed { get; init; }

    /// <summary>Expected share of the non-family skeletons in validation.</summary>
    public double ValidationShare { get; init; } = 0.1;

    /// <summary>Expected share of the non-family skeletons in test.</summary>
    public double TestShare { get; init; } = 0.1;
}
