using StmKernel.UNet.Weights;

namespace StmKernel.Cli.Tests;

/// <summary>`restore --timings` (captures the console, so it never runs beside another console test).</summary>
[Collection(ConsoleCollection.Name)]
public class RestoreTimingsTests
{
    [Fact]
    public void TimingsPrintEveryPhaseWithTheForwardCount()
    {
        string dir = TestData.TempDir();
        string model = TestData.TinyModel(dir, "tiny-fm", "restore", SamplerSettings.FlowMatching);
        string input = TestData.GwyInput(dir, "in.gwy", 150, 131);
        var (code, output, _) = TestData.Capture(() => TestData.Run("restore", input, "-o", Path.Combine(dir, "o.gwy"), "--model", model, "--timings", "--threads", "1"));
        Assert.Equal(0, code);
        string line = output.Split('\n').Single(l => l.Contains("timings:"));
        // 150 × 131 at tile 128, overlap 32: 2 × 2 tiles; RK2 at the default 2 steps: 4 evaluations each.
        Assert.Contains("(16 forwards in", line);
        foreach (string phase in new[] { "read", "prepare", "tile", "network", "sampler", "blend", "post", "write", "total" })
            Assert.Matches($@"\b{phase} \d+\.\d ms", line);
        var (plain, quiet, _) = TestData.Capture(() => TestData.Run("restore", input, "-o", Path.Combine(dir, "p.gwy"), "--model", model, "--threads", "1"));
        Assert.Equal(0, plain);
        Assert.DoesNotContain("timings:", quiet);
    }
}
