using StmKernel.UNet.Weights;

namespace StmKernel.Cli.Tests;

/// <summary>Uses $STMKERNEL_WEIGHTS; the only test class that sets it, and its tests run one after another.</summary>
public class ModelsCommandTests
{
    [Fact]
    public void ListsInstalledModelsAndResolvesThemByName()
    {
        string dir = TestData.TempDir();
        string weights = Path.Combine(dir, "weights");
        Directory.CreateDirectory(weights);
        string previous = Environment.GetEnvironmentVariable("STMKERNEL_WEIGHTS") ?? "";
        try
        {
            Environment.SetEnvironmentVariable("STMKERNEL_WEIGHTS", weights);
            Assert.Equal(0, TestData.Run("models")); // none: says so and succeeds
            TestData.TinyModel(weights, "fm-tiny-restore", "restore", SamplerSettings.FlowMatching);
            File.WriteAllText(Path.Combine(weights, "broken.stmw"), "not weights");
            Assert.Equal(1, TestData.Run("models")); // the broken file is reported

            string input = TestData.GwyInput(dir, "in.gwy", 64, 64);
            Assert.Equal(0, TestData.Run("restore", input, "-o", Path.Combine(dir, "o.gwy"), "--model", "fm-tiny-restore"));
            Assert.Equal(2, TestData.Run("restore", input, "-o", Path.Combine(dir, "p.gwy"), "--model", "no-such-model"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("STMKERNEL_WEIGHTS", previous.Length > 0 ? previous : null);
        }
    }
}
