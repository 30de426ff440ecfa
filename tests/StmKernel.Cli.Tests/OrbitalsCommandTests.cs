using StmKernel.Imaging;

namespace StmKernel.Cli.Tests;

/// <summary>`stmkernel orbitals synth`: stacks and manifest of orbital pairs, reproducible, never overwriting.</summary>
public class OrbitalsCommandTests
{
    private static string[] Synth(string dir, params string[] extra) =>
        ["orbitals", "synth", "--count", "3", "--seed", "4", "--size", "32", "--pixel-angstrom", "0.8", "--max-hexagons", "3", "-o", dir, .. extra];

    [Fact]
    public void SynthWritesStacksAndAManifestThatReproduce()
    {
        string root = TestData.TempDir();
        string a = Path.Combine(root, "a"), b = Path.Combine(root, "b");
        Assert.Equal(0, TestData.Run(Synth(a)));
        Assert.Equal(0, TestData.Run(Synth(b)));

        var (input, shape) = NpyFile.Read(Path.Combine(a, "input.npy"));
        var (target, targetShape) = NpyFile.Read(Path.Combine(a, "target.npy"));
        Assert.Equal([3, 1, 32, 32], shape);
        Assert.Equal(shape, targetShape);
        for (int i = 0; i < 3; i++) Assert.Equal(1f, target.AsSpan(i * 1024, 1024).ToArray().Max(), 6); // each target normalised to its maximum
        Assert.NotEqual(input, target);

        var manifest = OrbitalManifest.Read(Path.Combine(a, "manifest.json"));
        Assert.Equal(3, manifest.Pairs.Count);
        Assert.Equal("train", manifest.Split);
        Assert.All(manifest.Pairs, p => Assert.InRange(p.HeightAngstrom, 4.5, 9));
        Assert.Equal(File.ReadAllBytes(Path.Combine(a, "input.npy")), File.ReadAllBytes(Path.Combine(b, "input.npy")));
        Assert.Equal(File.ReadAllText(Path.Combine(a, "manifest.json")), File.ReadAllText(Path.Combine(b, "manifest.json")));
    }

    [Fact]
    public void ConstantCurrentWritesTopographsAndSaysSoInTheManifest()
    {
        string root = TestData.TempDir();
        string height = Path.Combine(root, "height"), current = Path.Combine(root, "current");
        Assert.Equal(0, TestData.Run(Synth(height)));
        Assert.Equal(0, TestData.Run(Synth(current, "--constant-current")));
        var plain = OrbitalManifest.Read(Path.Combine(height, "manifest.json"));
        var topo = OrbitalManifest.Read(Path.Combine(current, "manifest.json"));
        Assert.All(plain.Pairs, p => { Assert.Equal("constant-height", p.Imaging); Assert.Null(p.SubstrateCurrentShare); });
        Assert.All(topo.Pairs, p => { Assert.Equal("constant-current", p.Imaging); Assert.InRange(p.SubstrateCurrentShare!.Value, 0.05, 0.3); });
        // The same molecules, levels and tips, imaged differently.
        Assert.Equal(plain.Pairs.Select(p => (p.Molecule, p.LevelFromHomo, p.TipWp)), topo.Pairs.Select(p => (p.Molecule, p.LevelFromHomo, p.TipWp)));
        var (a, _) = NpyFile.Read(Path.Combine(height, "target.npy"));
        var (b, _) = NpyFile.Read(Path.Combine(current, "target.npy"));
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void ExistingOutputsAndBadOptionsAreRefused()
    {
        string dir = TestData.TempDir();
        Assert.Equal(0, TestData.Run(Synth(dir)));
        var before = File.GetLastWriteTimeUtc(Path.Combine(dir, "input.npy"));
        Assert.Equal(2, TestData.Run(Synth(dir)));
        Assert.Equal(before, File.GetLastWriteTimeUtc(Path.Combine(dir, "input.npy")));
        Assert.Equal(2, TestData.Run(Synth(Path.Combine(dir, "x"), "--split", "holdout")));
        Assert.Equal(2, TestData.Run(["orbitals", "reconstruct", "-o", dir]));
        Assert.False(Directory.Exists(Path.Combine(dir, "x")));
    }
}
