using System.Text.Json.Nodes;
using StmKernel.Imaging;
using StmKernel.UNet.Weights;

namespace StmKernel.Cli.Tests;

/// <summary>
/// The orbital model end to end at toy size: `train --task orbital` records the task and pixel size, `orbitals eval`
/// scores it beside the baselines on both held-out sets, `orbitals reconstruct` keeps a scan's physical size, and the
/// scan commands refuse an orbital model (and the orbital command a scan model).
/// </summary>
public class OrbitalModelTests
{
    private static string Train(string dir, params string[] extra)
    {
        string model = Path.Combine(dir, "orbital.stmw");
        Assert.Equal(0, TestData.Run(["train", "--task", "orbital", "--method", "ae", "--preset", "tiny", "--crop", "32", "--batch", "2",
            "--steps", "2", "--threads", "1", "--validate-every", "0", "--checkpoint-every", "0", "--val-count", "2", "--pixel-nm", "0.08",
            "--seed", "5", "-o", model, .. extra]));
        return model;
    }

    [Fact]
    public void TrainEvalAndReconstructAnOrbitalModel()
    {
        string dir = TestData.TempDir();
        string model = Train(dir);
        var meta = WeightSet.Load(model).Metadata;
        Assert.Equal("orbital", meta.Task);
        Assert.Null(meta.Sampler);
        Assert.Equal(0.08e-9, meta.PixelSizeRange!.Value.Min, 15);
        Assert.Equal(0.08e-9, meta.PixelSizeRange!.Value.Max, 15);
        Assert.Null(meta.LatticePeriods); // no lattice check: molecules have none

        string report = Path.Combine(dir, "eval.md");
        Assert.Equal(0, TestData.Run(["orbitals", "eval", "--model", model, "--count", "5", "--fit-pairs", "4", "--size", "32", "--threads", "1",
            "--figures", Path.Combine(dir, "figures"), "-o", report]));
        Assert.Equal(["h2nc-homo.png", "h2nc-lumo.png", "pentacene-homo.png", "pentacene-lumo.png"],
            Directory.GetFiles(Path.Combine(dir, "figures")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var json = JsonNode.Parse(File.ReadAllText(Path.ChangeExtension(report, ".json")))!;
        foreach (var set in new[] { "test", "families" })
        {
            Assert.Equal(5, json[set]!["pairs"]!.GetValue<int>());
            foreach (var m in new[] { "model", "identity", "oracle Wiener", "Richardson-Lucy", "learned Wiener" })
                Assert.InRange(json[set]!["methods"]![m]!["ssim"]!.GetValue<double>(), -1, 1);
            var gain = json[set]!["gain_ssim"]!;
            Assert.InRange(gain["mean"]!.GetValue<double>(), gain["ci95_low"]!.GetValue<double>() - 1e-9, gain["ci95_high"]!.GetValue<double>() + 1e-9);
            Assert.Equal(5, json[set]!["by_height"]!.AsArray().Sum(b => b!["pairs"]!.GetValue<int>()));
            Assert.InRange(json[set]!["clean_pure_s_ssim_vs_identity"]!.GetValue<double>(), -2, 1e-9);
        }
        Assert.Equal(2, TestData.Run(["orbitals", "eval", "--model", model, "--count", "5", "-o", report])); // never overwritten
        // --validation scores the validation split alone (for choosing runs), never the held-out sets.
        string valReport = Path.Combine(dir, "val.md");
        Assert.Equal(0, TestData.Run(["orbitals", "eval", "--model", model, "--count", "3", "--fit-pairs", "4", "--size", "32", "--threads", "1", "--validation", "-o", valReport]));
        var val = JsonNode.Parse(File.ReadAllText(Path.ChangeExtension(valReport, ".json")))!.AsObject();
        Assert.Equal(3, val["validation"]!["pairs"]!.GetValue<int>());
        Assert.False(val.ContainsKey("test"));
        Assert.False(val.ContainsKey("families"));

        // A 40 × 36 CO-tip image at 0.1 nm/px: resampled to the model's 0.08 nm and back, so the output keeps size and extent.
        string pairs = Path.Combine(dir, "pairs");
        Assert.Equal(0, TestData.Run(["orbitals", "synth", "--count", "1", "--size", "40", "--pixel-angstrom", "1", "--max-hexagons", "3", "-o", pairs]));
        var (input, _) = NpyFile.Read(Path.Combine(pairs, "input.npy"));
        string scan = Path.Combine(dir, "co-tip.npy");
        NpyFile.Write(scan, input.AsSpan(0, 40 * 36).ToArray(), 36, 40);
        string outDir = Path.Combine(dir, "out");
        Assert.Equal(0, TestData.Run(["orbitals", "reconstruct", scan, "--model", model, "--pixel-size", "0.1nm", "--threads", "1", "-o", outDir]));
        var doc = StmFile.Read(Path.Combine(outDir, "co-tip.orbital.gwy"));
        var result = doc.Channels[0];
        Assert.Equal((40, 36), (result.Width, result.Height));
        Assert.Equal(4e-9, result.RealWidth, 12);
        Assert.Equal(3.6e-9, result.RealHeight, 12);

        // The task fixes the pipeline both ways.
        var (code, _, err) = TestData.Capture(() => TestData.Run(["restore", scan, "--model", model, "--pixel-size", "0.1nm", "-o", Path.Combine(dir, "r")]));
        Assert.NotEqual(0, code);
        Assert.Contains("trained for 'orbital'", err);
        string scanModel = TestData.TinyModel(dir, "scan", "restore", SamplerSettings.FlowMatching);
        Assert.NotEqual(0, TestData.Run(["orbitals", "reconstruct", scan, "--model", scanModel, "--pixel-size", "0.1nm", "-o", Path.Combine(dir, "o2")]));
    }

    [Fact]
    public void BatchesAreNormalisedReproducibleAndTheControlShufflesOnlyTargets()
    {
        var library = StmKernel.Orbitals.MoleculeLibrary.Build(new StmKernel.Orbitals.LibraryOptions { MaxHexagons = 5 });
        var grid = new StmKernel.Orbitals.OrbitalRender { Width = 24, Height = 24, PixelSize = 1 };
        var plain = new Cli.Orbitals.OrbitalBatches(library, 3, grid, 3, 1);
        var (clean, degraded) = plain.Get(2);
        var (clean2, degraded2) = new Cli.Orbitals.OrbitalBatches(library, 3, grid, 3, 2).Get(2);
        Assert.Equal(clean.Data, clean2.Data);      // the step picks the data, whatever the thread count
        Assert.Equal(degraded.Data, degraded2.Data);
        for (int i = 0; i < 3; i++)
            foreach (var t in new[] { clean, degraded })
            {
                var plane = t.Data.AsSpan(i * 576, 576).ToArray();
                Assert.Equal(-1f, plane.Min(), 5);
                Assert.Equal(1f, plane.Max(), 5);
            }
        var (shuffledClean, shuffledDegraded) = new Cli.Orbitals.OrbitalBatches(library, 3, grid, 3, 1, shuffledTargets: true).Get(2);
        Assert.Equal(degraded.Data, shuffledDegraded.Data);
        Assert.NotEqual(clean.Data, shuffledClean.Data);
        Assert.Throws<ArgumentException>(() => plain.Get(0, Synthesis.Pairs.DataSplit.Test)); // eval's sets are never training data
    }

    [Fact]
    public void IdentityPairsTakeTheirShareAndFeedTheTargetAsInput()
    {
        var library = StmKernel.Orbitals.MoleculeLibrary.Build(new StmKernel.Orbitals.LibraryOptions { MaxHexagons = 5 });
        var grid = new StmKernel.Orbitals.OrbitalRender { Width = 15, Height = 13, PixelSize = 1 };
        const int batch = 7, batches = 12, plane = 15 * 13;
        var plain = new Cli.Orbitals.OrbitalBatches(library, 9, grid, batch, 1);
        var mixed = new Cli.Orbitals.OrbitalBatches(library, 9, grid, batch, 1, identityShare: 0.3);
        int identical = 0, plainIdentical = 0;
        for (int b = 0; b < batches; b++)
        {
            var (clean, degraded) = plain.Get(b);
            var (mixedClean, mixedDegraded) = mixed.Get(b);
            Assert.Equal(clean.Data, mixedClean.Data); // the targets do not depend on the share
            for (int i = 0; i < batch; i++)
            {
                var target = clean.Data.AsSpan(i * plane, plane);
                bool same = mixedDegraded.Data.AsSpan(i * plane, plane).SequenceEqual(target);
                if (same) identical++;
                else Assert.True(mixedDegraded.Data.AsSpan(i * plane, plane).SequenceEqual(degraded.Data.AsSpan(i * plane, plane)));
                if (degraded.Data.AsSpan(i * plane, plane).SequenceEqual(target)) plainIdentical++;
            }
        }
        Assert.Equal(0, plainIdentical);
        // 84 draws at p = 0.3: mean 25.2, sd 4.2; [13, 38] is beyond 2.9 sd on either side.
        Assert.InRange(identical, 13, 38);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Cli.Orbitals.OrbitalBatches(library, 9, grid, batch, 1, identityShare: 1));
    }

    [Fact]
    public void OrbitalTrainingRefusesScanOptions()
    {
        string dir = TestData.TempDir();
        string[] baseArgs = ["train", "--task", "orbital", "--preset", "tiny", "--crop", "32", "--steps", "1", "-o", Path.Combine(dir, "x.stmw")];
        Assert.Equal(2, TestData.Run([.. baseArgs, "--method", "fm"]));
        Assert.Equal(2, TestData.Run([.. baseArgs, "--method", "ae", "--clean-p", "1"]));
        Assert.Equal(2, TestData.Run([.. baseArgs, "--method", "ae", "--pixel-nm", "0.05:0.1"]));
        Assert.Equal(2, TestData.Run([.. baseArgs, "--method", "ae", "--line-flatten"]));
        Assert.Equal(2, TestData.Run(["train", "--task", "restore", "--method", "ae", "--preset", "tiny", "--crop", "32", "--steps", "1", "--shuffle-targets", "-o", Path.Combine(dir, "x.stmw")]));
        Assert.False(File.Exists(Path.Combine(dir, "x.stmw")));
    }
}
