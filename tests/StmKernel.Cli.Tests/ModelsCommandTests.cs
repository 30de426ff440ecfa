using StmKernel.UNet.Weights;

namespace StmKernel.Cli.Tests;

/// <summary>Uses $STMKERNEL_WEIGHTS; the only test class that sets it, and its tests run one after another.</summary>
public class ModelsCommandTests
{
    [Fact]
    public void ListsInstalledModelsAndResolvesThemByName() => WithWeightsFolder((dir, weights) =>
    {
        Assert.Equal(0, TestData.Run("models")); // none: says so and succeeds
        TestData.TinyModel(weights, "fm-tiny-restore", "restore", SamplerSettings.FlowMatching);
        File.WriteAllText(Path.Combine(weights, "broken.stmw"), "not weights");
        Assert.Equal(1, TestData.Run("models")); // the broken file is reported

        string input = TestData.GwyInput(dir, "in.gwy", 64, 64);
        Assert.Equal(0, TestData.Run("restore", input, "-o", Path.Combine(dir, "o.gwy"), "--model", "fm-tiny-restore"));
        Assert.Equal(2, TestData.Run("restore", input, "-o", Path.Combine(dir, "p.gwy"), "--model", "no-such-model"));
    });

    [Fact]
    public void FastPicksTheDistilledRestoreModelAndRefusesTheRest() => WithWeightsFolder((dir, weights) =>
    {
        TestData.TinyModel(weights, "fm-distill-small-restore", "restore", SamplerSettings.FlowMatching with { Solver = OdeSolver.Euler, DefaultSteps = 1 });
        string input = TestData.GwyInput(dir, "in.gwy", 65, 71);
        string output = Path.Combine(dir, "o.gwy");
        Assert.Equal(0, TestData.Run("restore", input, "-o", output, "--fast", "--threads", "1"));
        Assert.Contains("model fm-distill-small-restore, 1 steps", StmKernel.Imaging.StmFile.Read(output).Channels[0].Metadata["Processing"]);
        Assert.Equal(2, TestData.Run("restore", input, "-o", Path.Combine(dir, "p.gwy"), "--fast", "--model", "fm-distill-small-restore"));
        Assert.Equal(2, TestData.Run("upscale", input, "--factor", "2", "-o", Path.Combine(dir, "q.gwy"), "--fast"));
        Assert.False(File.Exists(Path.Combine(dir, "q.gwy")));
    });

    /// <summary>Runs <paramref name="test"/> (temp folder, its empty weights/ folder) with $STMKERNEL_WEIGHTS set to it, then restores the variable.</summary>
    private static void WithWeightsFolder(Action<string, string> test)
    {
        string dir = TestData.TempDir();
        string weights = Path.Combine(dir, "weights");
        Directory.CreateDirectory(weights);
        string previous = Environment.GetEnvironmentVariable("STMKERNEL_WEIGHTS") ?? "";
        try
        {
            Environment.SetEnvironmentVariable("STMKERNEL_WEIGHTS", weights);
            test(dir, weights);
        }
        finally
        {
            Environment.SetEnvironmentVariable("STMKERNEL_WEIGHTS", previous.Length > 0 ? previous : null);
        }
    }
}
