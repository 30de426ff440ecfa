namespace StmKernel.Orbitals;

/// <summary>Where a library molecule is used.</summary>
public enum Split
{
    /// <summary>Training set.</summary>
    Train,

    /// <summary>Validation set (model selection).</summary>
    Validation,

    /// <summary>Held-out molecules: skeletons never seen in train or validation.</summary>
    Test,

    /// <summary>The second test set: whole held-out families (<see cref="MoleculeFamily"/>), never in the other splits.</summary>
    Families,
}

/// <summary>The held-out families a molecule belongs to (none for most).</summary>
[Flags]
public enum MoleculeFamily
{
    /// <summary>No held-out family.</summary>
    None = 0,

    /// <summary>Acene skeletons, naphthalene and up, with any heteroatoms on them.</summary>
    Acene = 1,

    /// <summary>Porphyrinoids: porphine, phthalocyanine, naphthalocyanine.</summary>
    Porphyrinoid = 2,

    /// <summary>Molecules with an oxygen site (carbonyl or ether), e.g. PTCDA.</summary>
    Oxygen = 4,
}

/// <summary>A library molecule with its canonical graph hash, its families and its split.</summary>
/// <param name="Molecule">The molecule.</param>
/// <param name="GraphHash">Its <see cref="Orbitals.GraphHash.Of"/>, unique in the library.</param>
/// <param name="SkeletonHash">Its <see cref="Orbitals.GraphHash.Skeleton"/>, shared by all heteroatom variants of one skeleton.</param>
/// <param name="Families">The held-out families it belongs to.</param>
/// <param name="Split">Its split: <see cref="Split.Families"/> whenever <paramref name="Families"/> is not none.</param>
public sealed record LibraryEntry(Molecule Molecule, string GraphHash, string SkeletonHash, MoleculeFamily Families, Split Split);
