using StmKernel.Synthesis.Degradations;
using StmKernel.Synthesis.Pairs;
using StmKernel.UNet.Weights;

namespace StmKernel.Cli.Tests;

public class ShardTests
{
    [Fact]
    public void ShardsCoverEveryInputOnceWithTheUnshardedBytes()
    {
        string dir = TestData.TempDir();
        string model = TestData.TinyModel(dir, "tiny-fm", "restore", SamplerSettings.FlowMatching);
        string inputs = Path.Combine(dir, "in");
        Directory.CreateDirectory(inputs);
        for (int i = 0; i < 5; i++) TestData.GwyInput(inputs, $"s{i}.gwy", 60 + 4 * i, 64);

        string whole = Path.Combine(dir, "whole");
        Assert.Equal(0, TestData.Run("restore", inputs, "-o", whole, "--model", model, "--threads", "2"));
        var expected = Directory.GetFiles(whole).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(10, expected.Count); // five .gwy + five previews

        var seen = new List<string>();
        for (int k = 1; k <= 3; k++)
        {
            string part = Path.Combine(dir, $"part{k}");
            Assert.Equal(0, TestData.Run("restore", inputs, "-o", part, "--model", model, "--threads", "2", "--shard", $"{k}/3"));
            foreach (var f in Directory.GetFiles(part))
            {
                seen.Add(Path.GetFileName(f));
                Assert.Equal(File.ReadAllBytes(Path.Combine(whole, Path.GetFileName(f))), File.ReadAllBytes(f));
            }
        }
        Assert.Equal(expected, seen.Order(StringComparer.Ordinal).ToList()); // each exactly once
        // Documented partition: item i (0-based) goes to shard i mod N + 1, so shard 1/3 holds s0 and s3.
        Assert.Equal(["s0.restored.gwy", "s0.restored.png", "s3.restored.gwy", "s3.restored.png"],
            Directory.GetFiles(Path.Combine(dir, "part1")).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void AnEmptyShardIsNotAnError()
    {
        string dir = TestData.TempDir();
        string model = TestData.TinyModel(dir, "tiny-fm", "restore", SamplerSettings.FlowMatching);
        string input = TestData.GwyInput(dir, "in.gwy", 64, 64);
        Assert.Equal(0, TestData.Run("restore", input, "-o", Path.Combine(dir, "out"), "--model", model, "--shard", "2/2"));
        Assert.False(Directory.Exists(Path.Combine(dir, "out")));
    }

    [Theory]
    [InlineData("0/3")]
    [InlineData("4/3")]
    [InlineData("1/0")]
    [InlineData("3")]
    [InlineData("a/b")]
    [InlineData("-1/2")]
    [InlineData("1/2/3")]
    public void BadShardValuesAreUsageErrors(string shard)
    {
        string dir = TestData.TempDir();
        string model = TestData.TinyModel(dir, "tiny-fm", "restore", SamplerSettings.FlowMatching);
        string input = TestData.GwyInput(dir, "in.gwy", 64, 64);
        Assert.Equal(2, TestData.Run("restore", input, "-o", Path.Combine(dir, "out"), "--model", model, $"--shard={shard}"));
        Assert.Equal(2, TestData.Run("upscale", input, "--factor", "2", "-o", Path.Combine(dir, "out"), "--model", model, $"--shard={shard}"));
        Assert.Equal(2, TestData.Run("eval", "--test-set", dir, "--models", model, $"--shard={shard}"));
        Assert.False(Directory.Exists(Path.Combine(dir, "out")));
        var e = Assert.Throws<CliException>(() => ShardOption.Parse(shard));
        Assert.Contains("--shard", e.Message);
        Assert.Contains("K", e.Message);
    }

    [Fact]
    public void TheShardOptionIsParsedAndSelectsEveryNthItem()
    {
        Assert.Equal(new ShardOption(2, 3), ShardOption.Parse("2/3"));
        Assert.Equal([1, 4, 7], new ShardOption(2, 3).Select([0, 1, 2, 3, 4, 5, 6, 7]));
        Assert.Empty(new ShardOption(3, 3).Select([0, 1]));
    }

    [Fact]
    public void EvalShardsSplitTheSetsAndKeepEachSetsScores()
    {
        string dir = TestData.TempDir();
        string model = TestData.TinyModel(dir, "tiny-fm", "restore", SamplerSettings.FlowMatching);
        string sets = Path.Combine(dir, "sets");
        foreach (var mode in new[] { DegradationMode.Lines, DegradationMode.Blunt })
        {
            var pairs = new PairSource(new ProceduralSource(ProceduralSource.DefaultParameters, 11), DegradationSettings.ForMode(mode), 11);
            TestSetWriter.Write(Path.Combine(sets, DegradationModeNames.Name(mode)), pairs, DataSplit.Test, 2, DegradationModeNames.Name(mode));
        }
        string report = Path.Combine(dir, "report");
        Assert.Equal(0, TestData.Run("eval", "--test-set", sets, "--models", model, "--steps", "1", "-o", report, "--threads", "2"));
        for (int k = 1; k <= 2; k++)
            Assert.Equal(0, TestData.Run("eval", "--test-set", sets, "--models", model, "--steps", "1", "-o", report, "--threads", "2", "--shard", $"{k}/2"));

        // Sets sorted by name: blunt (shard 1), lines (shard 2); the whole table's columns are blunt then lines.
        var whole = Rows(Path.Combine(report, "eval.md"));
        var first = Rows(Path.Combine(report, "shard-1-of-2", "eval.md"));
        var second = Rows(Path.Combine(report, "shard-2-of-2", "eval.md"));
        Assert.Contains("blunt PSNR (dB)", first[0]);
        Assert.DoesNotContain(first[0], c => c.Contains("lines", StringComparison.Ordinal));
        Assert.Equal(whole.Count, first.Count);
        for (int r = 0; r < whole.Count; r++)
            Assert.Equal(whole[r], first[r].Concat(second[r][2..]).ToArray());
    }

    [Fact]
    public void MergedEvalShardsAreTheUnshardedReportByteForByte()
    {
        string dir = TestData.TempDir();
        string model = TestData.TinyModel(dir, "tiny-fm", "restore", SamplerSettings.FlowMatching);
        string sets = Path.Combine(dir, "sets");
        foreach (var mode in new[] { DegradationMode.Lines, DegradationMode.Blunt })
        {
            var pairs = new PairSource(new ProceduralSource(ProceduralSource.DefaultParameters, 13), DegradationSettings.ForMode(mode), 13);
            TestSetWriter.Write(Path.Combine(sets, DegradationModeNames.Name(mode)), pairs, DataSplit.Test, 2, DegradationModeNames.Name(mode));
        }
        string[] eval = ["eval", "--test-set", sets, "--models", model, "--steps", "1", "--check", "--ensemble", "2", "--threads", "2"];
        string whole = Path.Combine(dir, "whole"), sharded = Path.Combine(dir, "sharded");
        Assert.Equal(0, TestData.Run([.. eval, "-o", whole]));
        // Three shards of two sets: the third has none, and still leaves a report for the merge to find.
        for (int k = 1; k <= 3; k++) Assert.Equal(0, TestData.Run([.. eval, "-o", sharded, "--shard", $"{k}/3"]));
        var merge = TestData.Capture(() => TestData.Run("eval-merge", sharded));
        Assert.True(merge.Code == 0, merge.Err);

        string[] names = ["eval.md", "psnr.svg", "ssim.svg", "eval.json"];
        foreach (var name in names)
            Assert.Equal(File.ReadAllBytes(Path.Combine(whole, name)), File.ReadAllBytes(Path.Combine(sharded, name)));
        // Not equal by accident: each shard holds only its own set, and the merged report both.
        Assert.DoesNotContain("lines PSNR", File.ReadAllText(Path.Combine(sharded, "shard-1-of-3", "eval.md")));
        Assert.Contains("blunt PSNR (dB) | lines PSNR (dB)", File.ReadAllText(Path.Combine(sharded, "eval.md")).Replace(" blunt SSIM |", "", StringComparison.Ordinal));

        // A merge refuses to replace its report without --force, and names a missing shard.
        Assert.Equal(2, TestData.Run("eval-merge", sharded));
        Directory.Delete(Path.Combine(sharded, "shard-2-of-3"), true);
        var (code, _, err) = TestData.Capture(() => TestData.Run("eval-merge", sharded, "--force"));
        Assert.Equal(2, code);
        Assert.Contains("shard(s) 2/3 have no eval.json", err, StringComparison.Ordinal);
    }

    // The table's rows as cells (without the outer pipes).
    private static List<string[]> Rows(string table) =>
        File.ReadAllLines(table).Where(l => l.StartsWith('|')).Select(l => l.Trim('|').Split('|').Select(c => c.Trim()).ToArray()).ToList();
}
