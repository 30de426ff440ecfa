using StmKernel.Synthesis.Degradations;
using StmKernel.Synthesis.Pairs;

namespace StmKernel.Cli.Tests;

public class DegradeCommandTests
{
    [Fact]
    public void CropWritesSetsAtThatSizeFromTheSameStreamAsTheLibrary()
    {
        string dir = TestData.TempDir();
        string set = Path.Combine(dir, "lines48");

        Assert.Equal(0, TestData.Run("degrade", "--mode", "lines", "--count", "3", "--seed", "5", "--crop", "48", "-o", set));

        var written = TestSet.Load(set);
        Assert.Equal([3, 1, 48, 48], written.Clean.Shape);
        Assert.Equal([3, 1, 48, 48], written.Degraded.Shape);
        // The same pairs, drawn directly from the pair stream at a 48² crop.
        var pairs = new PairSource(new ProceduralSource(ProceduralSource.DefaultParameters, 5),
            DegradationSettings.ForMode(DegradationMode.Lines) with { CropSize = 48 }, 5);
        for (int i = 0; i < 3; i++)
        {
            var pair = pairs.Get(DataSplit.Test, i);
            Assert.Equal(pair.Clean.Data, written.Clean.Data.AsSpan(i * 48 * 48, 48 * 48).ToArray());
            Assert.Equal(pair.Degraded.Data, written.Degraded.Data.AsSpan(i * 48 * 48, 48 * 48).ToArray());
        }
    }

    [Fact]
    public void DefaultsToThePapersCropAndRejectsATinyOne()
    {
        string dir = TestData.TempDir();
        Assert.Equal(0, TestData.Run("degrade", "--mode", "clean", "--count", "1", "-o", Path.Combine(dir, "a")));
        Assert.Equal([1, 1, 128, 128], TestSet.Load(Path.Combine(dir, "a")).Clean.Shape);

        Assert.NotEqual(0, TestData.Run("degrade", "--mode", "clean", "--count", "1", "--crop", "8", "-o", Path.Combine(dir, "b")));
        Assert.False(Directory.Exists(Path.Combine(dir, "b")) && Directory.EnumerateFiles(Path.Combine(dir, "b")).Any());
    }
}
