namespace StmKernel.Orbitals;

/// <summary>
/// Which orbitals an image shows and with what weight: a dI/dV map at one resonance (Lorentzian of width η around E₀),
/// a constant-height current map over a bias window, or one level (a degenerate level's whole subspace). The same
/// weights serve the input (CO tip) and the target (s tip).
/// </summary>
public static class StateWeights
{
    /// <summary>
    /// dI/dV at bias energy <paramref name="e0"/> (eV): w_n = (η/2)² / ((E_n − E₀)² + (η/2)²), full width η (0.02–0.2 eV),
    /// for orbitals with a weight above 1e-4 of the largest.
    /// </summary>
    public static (int[] Orbitals, double[] Weights) Resonance(HuckelSolution solution, double e0, double eta)
    {
        ArgumentNullException.ThrowIfNull(solution);
        if (!(eta > 0)) throw new ArgumentOutOfRangeException(nameof(eta), eta, "the resonance width must be > 0 eV");
        double half = eta / 2;
        var w = solution.Energies.Select(e => half * half / ((e - e0) * (e - e0) + half * half)).ToArray();
        double max = w.Max();
        int[] kept = [.. Enumerable.Range(0, w.Length).Where(k => w[k] >= 1e-4 * max)];
        return (kept, [.. kept.Select(k => w[k])]);
    }

    /// <summary>A current map: every orbital with energy in [<paramref name="from"/>, <paramref name="to"/>] (eV) at weight 1.</summary>
    public static (int[] Orbitals, double[] Weights) Window(HuckelSolution solution, double from, double to)
    {
        ArgumentNullException.ThrowIfNull(solution);
        if (!(to >= from)) throw new ArgumentException($"bias window [{from}, {to}] eV is empty");
        int[] kept = [.. Enumerable.Range(0, solution.Energies.Length).Where(k => solution.Energies[k] >= from && solution.Energies[k] <= to)];
        if (kept.Length == 0) throw new ArgumentException($"{solution.Molecule.Name}: no orbital in the bias window [{from}, {to}] eV");
        return (kept, [.. kept.Select(_ => 1.0)]);
    }
}
