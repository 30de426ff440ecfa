namespace StmKernel.Orbitals.Tests;

public class HuckelTests
{
    private const double Beta = -2.7;

    [Fact]
    public void BenzeneHasTheTextbookLevels()
    {
        // α + 2β, α + β (×2), α − β (×2), α − 2β, with α = 0 and β < 0: bonding levels first.
        var s = HuckelSolution.Solve(Molecule.Acene(1));
        double[] expected = [2 * Beta, Beta, Beta, -Beta, -Beta, -2 * Beta];
        for (int k = 0; k < 6; k++) Assert.Equal(expected[k], s.Energies[k], 10);
        Assert.Equal([1, 2, 2, 1], s.Levels.Select(l => l.Orbitals.Length));
        Assert.Equal(2, s.Homo); // 6 π electrons
        Assert.Equal([1, 2], s.LevelOf(s.Homo).Orbitals);
        Assert.Equal([3, 4], s.LevelOf(s.Lumo).Orbitals);
    }

    [Fact]
    public void NaphthaleneHasTheClosedFormLevels()
    {
        // x = (±1 ± √13)/2, (±1 ± √5)/2, ±1 in units of β.
        double r13 = Math.Sqrt(13), r5 = Math.Sqrt(5);
        var x = new[] { (1 + r13) / 2, (-1 + r13) / 2, (1 + r5) / 2, 1, (-1 + r5) / 2 };
        var expected = x.Concat(x.Select(v => -v)).Select(v => v * Beta).Order().ToArray();
        var s = HuckelSolution.Solve(Molecule.Acene(2));
        Assert.Equal(10, s.Energies.Length);
        for (int k = 0; k < 10; k++) Assert.Equal(expected[k], s.Energies[k], 10);
    }

    [Fact]
    public void PentaceneHasTwentyTwoElectronsAndHomoEleven()
    {
        var s = HuckelSolution.Solve(Molecule.Acene(5));
        Assert.Equal(22, s.Molecule.Sites.Count);
        Assert.Equal(22, s.Molecule.PiElectrons);
        Assert.Equal(10, s.Homo); // the 11th orbital
        Assert.True(s.Energies[s.Homo] < 0 && s.Energies[s.Lumo] > 0);
        // Alternant hydrocarbon: the spectrum is symmetric about α (the pairing theorem).
        for (int k = 0; k < 11; k++) Assert.Equal(-s.Energies[k], s.Energies[21 - k], 9);
    }

    [Fact]
    public void AHeteroatomLowersItsSiteAndBreaksThePairing()
    {
        var c = Molecule.Acene(1);
        var pyridine = new Molecule("pyridine", [c.Sites[0] with { Kind = SiteKind.PyridinicN }, .. c.Sites.Skip(1)]);
        var s = HuckelSolution.Solve(pyridine);
        Assert.Equal(6, pyridine.PiElectrons);
        // h = 0.5: α_N = α + 0.5β < α, so the lowest level drops below benzene's 2β and the spectrum is no longer symmetric.
        Assert.True(s.Energies[0] < 2 * Beta);
        Assert.NotEqual(-s.Energies[0], s.Energies[5], 3);
    }
}
