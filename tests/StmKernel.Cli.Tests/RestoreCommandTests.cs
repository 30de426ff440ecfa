using StmKernel.Imaging;
using StmKernel.UNet.Weights;

namespace StmKernel.Cli.Tests;

public class RestoreCommandTests
{
    [RealDataFact]
    public void RestoresARealFileToGwyWithUncertaintyAndOriginals()
    {
        string dir = TestData.TempDir();
        string model = TestData.TinyModel(dir, "tiny-fm", "restore", SamplerSettings.FlowMatching);
        string input = TestData.Real("pf_nanonis.sxm");
        string outDir = Path.Combine(dir, "out");

        Assert.Equal(0, TestData.Run("restore", input, "-o", outDir, "--model", model, "--ensemble", "2", "--threads", "2"));

        var original = StmFile.Read(input);
        var source = original.Channels.First(c => c.Direction == ScanDirection.Forward);
        var written = StmFile.Read(Path.Combine(outDir, "pf_nanonis.restored.gwy"));
        Assert.True(File.Exists(Path.Combine(outDir, "pf_nanonis.restored.png")));
        // restored, uncertainty, invented (--ensemble implies --check), then the originals.
        Assert.Equal(3 + original.Channels.Count, written.Channels.Count);
        var restored = written.Channels[0];
        var uncertainty = written.Channels[1];
        var invented = written.Channels[2];
        Assert.Contains("restored", restored.Channel);
        Assert.Contains("uncertainty", uncertainty.Channel);
        Assert.EndsWith("invented", invented.Channel);
        Assert.Equal((source.Width, source.Height), (invented.Width, invented.Height));
        Assert.All(invented.Data, v => Assert.InRange(v, 0f, 1f));
        Assert.True(File.Exists(Path.Combine(outDir, "pf_nanonis.restored.check.png")));
        foreach (var c in new[] { restored, uncertainty })
        {
            Assert.Equal((source.Width, source.Height), (c.Width, c.Height));
            Assert.Equal(source.RealWidth, c.RealWidth, 1e-15);
            Assert.Equal(source.RealHeight, c.RealHeight, 1e-15);
            Assert.Equal(source.ZUnit, c.ZUnit);
        }
        // The originals follow unchanged.
        for (int i = 0; i < original.Channels.Count; i++)
        {
            Assert.Equal(original.Channels[i].Channel, written.Channels[3 + i].Channel);
            Assert.Equal(original.Channels[i].Data, written.Channels[3 + i].Data);
        }
        Assert.All(restored.Data, v => Assert.True(float.IsFinite(v)));
        Assert.All(uncertainty.Data, v => Assert.True(v >= 0));
        Assert.NotEqual(source.Data, restored.Data);
        Assert.Contains(uncertainty.Data, v => v > 0); // two seeds of a random model disagree
        // Restored values stay in the input's physical range scale (tile min/max mapping), not in [−1, 1].
        double range = source.Data.Max() - (double)source.Data.Min();
        Assert.True(restored.Data.Max() - (double)restored.Data.Min() < 20 * range);
    }

    [Fact]
    public void SameSeedGivesIdenticalOutputAndAnotherSeedDiffers()
    {
        string dir = TestData.TempDir();
        string model = TestData.TinyModel(dir, "tiny-fm", "restore", SamplerSettings.FlowMatching);
        string input = TestData.GwyInput(dir, "in.gwy", 150, 131);
        float[] Restore(string name, string seed, string batch)
        {
            string output = Path.Combine(dir, name);
            Assert.Equal(0, TestData.Run("restore", input, "-o", output, "--model", model, "--seed", seed, "--batch", batch, "--threads", "1"));
            return StmFile.Read(output).Channels[0].Data;
        }
        var a = Restore("a.gwy", "5", "1");
        var b = Restore("b.gwy", "5", "8");
        var c = Restore("c.gwy", "6", "8");
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void NeverOverwritesWithoutForceAndNeverAnInput()
    {
        string dir = TestData.TempDir();
        string model = TestData.TinyModel(dir, "tiny-fm", "restore", SamplerSettings.FlowMatching);
        string input = TestData.GwyInput(dir, "in.gwy", 64, 64);
        byte[] inputBytes = File.ReadAllBytes(input);
        string output = Path.Combine(dir, "out.gwy");
        File.WriteAllText(output, "keep me");

        Assert.Equal(1, TestData.Run("restore", input, "-o", output, "--model", model));
        Assert.Equal("keep me", File.ReadAllText(output));

        Assert.Equal(0, TestData.Run("restore", input, "-o", output, "--model", model, "--force"));
        Assert.Equal(64, StmFile.Read(output).Channels[0].Width);

        Assert.Equal(1, TestData.Run("restore", input, "-o", input, "--model", model, "--force"));
        Assert.Equal(inputBytes, File.ReadAllBytes(input));
    }

    [Fact]
    public void ABadFileIsReportedAndTheRestContinue()
    {
        string dir = TestData.TempDir();
        string model = TestData.TinyModel(dir, "tiny-fm", "restore", SamplerSettings.FlowMatching);
        string inputs = Path.Combine(dir, "in");
        Directory.CreateDirectory(inputs);
        TestData.GwyInput(inputs, "a.gwy", 70, 60);
        File.WriteAllText(Path.Combine(inputs, "b.sxm"), ":NANONIS_VERSION:\n2\n:SCAN_PIXELS:\nnot numbers\n");
        TestData.GwyInput(inputs, "c.gwy", 60, 70);
        File.WriteAllText(Path.Combine(inputs, "notes.txt"), "not an image: skipped when a folder is expanded");
        string outDir = Path.Combine(dir, "out");

        Assert.Equal(1, TestData.Run("restore", inputs, "-o", outDir, "--model", model));
        Assert.True(File.Exists(Path.Combine(outDir, "a.restored.gwy")));
        Assert.True(File.Exists(Path.Combine(outDir, "c.restored.gwy")));
        Assert.False(File.Exists(Path.Combine(outDir, "b.restored.gwy")));
        Assert.False(File.Exists(Path.Combine(outDir, "notes.restored.gwy")));
    }

    [Fact]
    public void OnePassModelsRunAndRefuseEnsembles()
    {
        string dir = TestData.TempDir();
        string model = TestData.TinyModel(dir, "tiny-ae", "restore", sampler: null, inChannels: 1);
        string input = TestData.GwyInput(dir, "in.gwy", 100, 90);
        Assert.Equal(0, TestData.Run("restore", input, "-o", Path.Combine(dir, "ae.gwy"), "--model", model));
        Assert.Equal(2, TestData.Run("restore", input, "-o", Path.Combine(dir, "ae2.gwy"), "--model", model, "--ensemble", "2"));
        Assert.False(File.Exists(Path.Combine(dir, "ae2.gwy")));
    }

    [Fact]
    public void AModelForAnotherTaskIsRefused()
    {
        string dir = TestData.TempDir();
        string model = TestData.TinyModel(dir, "tiny-sr2", "sr2", SamplerSettings.FlowMatching);
        string input = TestData.GwyInput(dir, "in.gwy", 64, 64);
        Assert.Equal(2, TestData.Run("restore", input, "-o", Path.Combine(dir, "o.gwy"), "--model", model));
        Assert.Equal(2, TestData.Run("upscale", input, "--factor", "4", "-o", Path.Combine(dir, "o.gwy"), "--model", model));
    }
}
