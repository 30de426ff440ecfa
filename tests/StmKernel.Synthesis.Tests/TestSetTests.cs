using System.Text.Json;
using StmKernel.Synthesis.Degradations;
using StmKernel.Synthesis.Pairs;
using StmKernel.Synthesis.Surface;

namespace StmKernel.Synthesis.Tests;

public sealed class TestSetTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "stmk-testset-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static PairSource Source(DegradationMode mode) =>
        new(new ProceduralSource(new SurfaceParameters { Width = 140, Height = 140 }, 8), DegradationSettings.ForMode(mode), 8);

    [Fact]
    public void WrittenSetReadsBackAsTheSamePairsWithAFullManifest()
    {
        var pairs = Source(DegradationMode.All);
        int calls = 0;
        TestSetWriter.Write(_dir, pairs, DataSplit.Test, 4, "all", _ => calls++);
        Assert.Equal(4, calls);

        var set = TestSet.Load(_dir);
        Assert.Equal(4, set.Count);
        Assert.Equal("all", set.Mode);
        Assert.Equal(8, set.Seed);
        for (int i = 0; i < 4; i++)
        {
            var p = pairs.Get(DataSplit.Test, i);
            Assert.Equal(p.Clean.Data, set.Clean.Data.AsSpan(i * 128 * 128, 128 * 128).ToArray());
            Assert.Equal(p.Degraded.Data, set.Degraded.Data.AsSpan(i * 128 * 128, 128 * 128).ToArray());
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, TestSetWriter.ManifestFile)));
        var samples = doc.RootElement.GetProperty("samples");
        Assert.Equal(4, samples.GetArrayLength());
        var plan0 = pairs.Get(DataSplit.Test, 0).Plan;
        var json0 = samples[0].GetProperty("plan");
        Assert.Equal(90 * plan0.QuarterTurns, json0.GetProperty("rotation_degrees").GetInt32());
        var copies = json0.GetProperty("multi_tip").GetProperty("copies");
        Assert.Equal(plan0.MultiTip!.Copies.Length, copies.GetArrayLength());
        Assert.Equal(plan0.MultiTip.Copies[0].C, copies[0].GetProperty("c").GetDouble());
        Assert.Equal(plan0.MultiTip.Copies[0].Kernel.Kind.ToString().ToLowerInvariant(), copies[0].GetProperty("kernel").GetProperty("kind").GetString());
        Assert.Equal(plan0.CropX, json0.GetProperty("crop").GetProperty("x").GetInt32());
        Assert.Equal(1.0, doc.RootElement.GetProperty("settings").GetProperty("multi_tip_probability").GetDouble());
        Assert.Equal(0.195e-9, doc.RootElement.GetProperty("surface").GetProperty("pixel_size_m").GetDouble());
    }

    [Fact]
    public void ExistingFilesAreNeverOverwritten()
    {
        TestSetWriter.Write(_dir, Source(DegradationMode.Blunt), DataSplit.Test, 1, "blunt");
        byte[] before = File.ReadAllBytes(Path.Combine(_dir, TestSetWriter.CleanFile));
        Assert.Throws<IOException>(() => TestSetWriter.Write(_dir, Source(DegradationMode.Lines), DataSplit.Test, 1, "lines"));
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(_dir, TestSetWriter.CleanFile)));
    }

    [Fact]
    public void BrokenSetsAreReportedByFile()
    {
        TestSetWriter.Write(_dir, Source(DegradationMode.Sr2), DataSplit.Test, 2, "sr2");
        string manifest = Path.Combine(_dir, TestSetWriter.ManifestFile);
        string text = File.ReadAllText(manifest);
        File.WriteAllText(manifest, text.Replace("\"count\": 2", "\"count\": 3"));
        Assert.Contains("clean.npy", Assert.Throws<InvalidDataException>(() => TestSet.Load(_dir)).Message);
        File.WriteAllText(manifest, "{ not json");
        Assert.Contains("manifest.json", Assert.Throws<InvalidDataException>(() => TestSet.Load(_dir)).Message);
    }
}
