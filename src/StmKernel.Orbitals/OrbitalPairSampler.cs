using StmKernel.Synthesis;

namespace StmKernel.Orbitals;

/// <summary>
/// Pair <c>i</c> of one split of the molecule library: the molecule from stream (seed, i, 1), the pair itself from
/// <see cref="OrbitalPairs.Draw"/> with (seed, i), so any pair can be regenerated alone (`orbitals synth`, training
/// batches and `orbitals eval` draw the same pair for the same seed and index).
/// </summary>
public sealed class OrbitalPairSampler
{
    private readonly IReadOnlyList<LibraryEntry> _molecules;

    /// <summary>
    /// Pairs of <paramref name="split"/> of <paramref name="library"/> on <paramref name="grid"/>'s pixels (with
    /// <paramref name="surroundings"/>: see <see cref="OrbitalSurroundings"/>; with <paramref name="constantCurrent"/>:
    /// constant-current topographs, see <see cref="OrbitalPairs.Draw"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The split holds no molecule.</exception>
    public OrbitalPairSampler(MoleculeLibrary library, Split split, long seed, OrbitalRender grid, bool surroundings = false, ConstantCurrent? constantCurrent = null)
    {
        ArgumentNullException.ThrowIfNull(library);
        ArgumentNullException.ThrowIfNull(grid);
        _molecules = [.. library.In(split)];
        if (_molecules.Count == 0) throw new ArgumentException($"the library has no molecule in split {split}", nameof(split));
        Split = split; Seed = seed; Grid = grid; Surroundings = surroundings; ConstantCurrent = constantCurrent;
    }

    /// <summary>The split the molecules come from.</summary>
    public Split Split { get; }

    /// <summary>The pair seed.</summary>
    public long Seed { get; }

    /// <summary>The pixel grid (size, pixel size); each pair sets its own height, rotation and offset.</summary>
    public OrbitalRender Grid { get; }

    /// <summary>True when pairs carry drift, background, standing waves and adsorbates.</summary>
    public bool Surroundings { get; }

    /// <summary>Constant-current imaging settings, or null for constant-height pairs.</summary>
    public ConstantCurrent? ConstantCurrent { get; }

    /// <summary>Molecules in the split.</summary>
    public int MoleculeCount => _molecules.Count;

    /// <summary>Pair <paramref name="index"/>: the molecule's entry, the CO-tip input, the s-wave target (both normalised to their maximum) and every drawn parameter.</summary>
    public (LibraryEntry Entry, float[] Input, float[] Target, OrbitalPairParameters Parameters) Draw(long index)
    {
        var entry = _molecules[Rng.Derive(Seed, index, 1).UniformInt(0, _molecules.Count - 1)];
        var (input, target, parameters) = OrbitalPairs.Draw(entry.Molecule, Seed, index, Grid, Surroundings, ConstantCurrent);
        return (entry, input, target, parameters);
    }
}
