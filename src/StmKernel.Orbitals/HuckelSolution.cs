namespace StmKernel.Orbitals;

/// <summary>A (possibly degenerate) energy level: its energy and the indices of its orbitals in <see cref="HuckelSolution"/>.</summary>
/// <param name="Energy">The level's energy (eV), the mean of its orbitals'.</param>
/// <param name="Orbitals">Indices into the ascending orbital list; more than one for a degenerate level.</param>
public sealed record EnergyLevel(double Energy, int[] Orbitals);

/// <summary>
/// The π orbitals of a molecule in the Hückel / tight-binding model: H_ii = α_i, H_ij = β_ij for bonds (and t2, t3 for
/// second and third neighbours), diagonalised by <see cref="SymmetricEigen"/>. Orbitals ascend in energy (β &lt; 0, so
/// bonding first); the π electrons fill them two by two, which fixes HOMO and LUMO.
/// </summary>
public sealed class HuckelSolution
{
    /// <summary>Orbitals whose energies differ by less than this (eV) form one degenerate level.</summary>
    public const double DegeneracyTolerance = 1e-6;

    private HuckelSolution(Molecule molecule, double[] energies, double[,] coefficients, IReadOnlyList<EnergyLevel> levels)
    {
        Molecule = molecule;
        Energies = energies;
        Coefficients = coefficients;
        Levels = levels;
    }

    /// <summary>The molecule.</summary>
    public Molecule Molecule { get; }

    /// <summary>Orbital energies (eV), ascending.</summary>
    public double[] Energies { get; }

    /// <summary>LCAO coefficients: Coefficients[site, orbital], orthonormal columns.</summary>
    public double[,] Coefficients { get; }

    /// <summary>The energy levels, ascending, with degenerate orbitals grouped.</summary>
    public IReadOnlyList<EnergyLevel> Levels { get; }

    /// <summary>Index of the highest occupied orbital: π electrons / 2 − 1 (pentacene, 22 electrons: orbital 10, the 11th).</summary>
    /// <exception cref="InvalidOperationException">An odd electron count (a radical) or none.</exception>
    public int Homo
    {
        get
        {
            int e = Molecule.PiElectrons;
            if (e == 0 || e % 2 != 0) throw new InvalidOperationException($"{Molecule.Name} has {e} π electrons: HOMO needs a closed shell");
            return e / 2 - 1;
        }
    }

    /// <summary>Index of the lowest unoccupied orbital.</summary>
    public int Lumo => Homo + 1;

    /// <summary>The level holding orbital <paramref name="orbital"/> (its degenerate partners included).</summary>
    public EnergyLevel LevelOf(int orbital) => Levels[LevelIndexOf(orbital)];

    /// <summary>The index into <see cref="Levels"/> of the level holding orbital <paramref name="orbital"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No level holds it (not an orbital index of this molecule).</exception>
    public int LevelIndexOf(int orbital)
    {
        for (int l = 0; l < Levels.Count; l++)
            if (Levels[l].Orbitals.Contains(orbital)) return l;
        throw new ArgumentOutOfRangeException(nameof(orbital), orbital, $"{Molecule.Name} has orbitals 0 … {Energies.Length - 1}");
    }

    /// <summary>Solves the π system of <paramref name="molecule"/> with <paramref name="p"/>.</summary>
    public static HuckelSolution Solve(Molecule molecule, HuckelParameters? p = null)
    {
        ArgumentNullException.ThrowIfNull(molecule);
        p ??= new HuckelParameters();
        int n = molecule.Sites.Count;
        var h = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            var (hi, ki) = HuckelParameters.Heteroatom(molecule.Sites[i].Kind);
            h[i, i] = p.Alpha + hi * p.Beta;
            for (int j = 0; j < n; j++)
            {
                if (i == j) continue;
                var (_, kj) = HuckelParameters.Heteroatom(molecule.Sites[j].Kind);
                // A bond between two heteroatoms takes the product of their k (carbon's k is 1).
                h[i, j] = molecule.Distance[i, j] switch
                {
                    1 => ki * kj * p.Beta,
                    2 => Math.Sign(p.Beta) * p.T2,
                    3 => Math.Sign(p.Beta) * p.T3,
                    _ => 0,
                };
            }
        }
        var eigen = SymmetricEigen.Of(h);
        var levels = new List<EnergyLevel>();
        for (int k = 0; k < n;)
        {
            int end = k + 1;
            while (end < n && eigen.Values[end] - eigen.Values[k] < DegeneracyTolerance) end++;
            levels.Add(new EnergyLevel(eigen.Values[k..end].Average(), [.. Enumerable.Range(k, end - k)]));
            k = end;
        }
        return new HuckelSolution(molecule, eigen.Values, eigen.Vectors, levels);
    }
}
