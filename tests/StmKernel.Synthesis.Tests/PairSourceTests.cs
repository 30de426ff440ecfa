using StmKernel.Imaging;
using StmKernel.Synthesis.Degradations;
using StmKernel.Synthesis.Pairs;
using StmKernel.Synthesis.Surface;

namespace StmKernel.Synthesis.Tests;

public sealed class PairSourceTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "stmk-pairs-" + Guid.NewGuid().ToString("N"));

    public PairSourceTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly SurfaceParameters Small = new() { Width = 144, Height = 144 };

    [Fact]
    public void PairsAreDeterministicAndIndependentOfDrawOrder()
    {
        var a = new PairSource(new ProceduralSource(Small, 5), DegradationSettings.Paper(), 5);
        var b = new PairSource(new ProceduralSource(Small, 5), DegradationSettings.Paper(), 5);
        var first = a.Pairs(DataSplit.Train).Take(3).ToArray();
        var third = b.Get(DataSplit.Train, 2);
        Assert.Equal(first[2].Clean.Data, third.Clean.Data);
        Assert.Equal(first[2].Degraded.Data, third.Degraded.Data);
        Assert.Equal(first[2].SourceId, third.SourceId);
        Assert.NotEqual(first[0].Degraded.Data, first[1].Degraded.Data);
        foreach (var p in first)
        {
            Assert.Equal(128, p.Clean.Width);
            Assert.Equal(128, p.Degraded.Height);
            Assert.Equal(-1f, p.Clean.Data.Min());
            Assert.Equal(1f, p.Degraded.Data.Max());
        }
    }

    [Fact]
    public void ParallelDrawsEqualSequentialDraws()
    {
        var source = new PairSource(new ProceduralSource(Small, 4), DegradationSettings.Paper(), 4);
        var parallel = new TrainingPair[6];
        Parallel.For(0, 6, i => parallel[i] = source.Get(DataSplit.Train, i));
        for (int i = 0; i < 6; i++) Assert.Equal(source.Get(DataSplit.Train, i).Degraded.Data, parallel[i].Degraded.Data);
    }

    [Fact]
    public void CleanPairsAreTheirOwnCondition()
    {
        var source = new PairSource(new ProceduralSource(Small, 3), DegradationSettings.Paper() with { CleanProbability = 1, CropSize = 33 }, 3);
        for (int i = 0; i < 3; i++)
        {
            var pair = source.Get(DataSplit.Train, i);
            Assert.Equal(pair.Clean.Data, pair.Degraded.Data);
            Assert.Equal(-1f, pair.Clean.Data.Min());
        }
        var sr = new PairSource(new ProceduralSource(Small, 3), DegradationSettings.Paper(2) with { CleanProbability = 1, CropSize = 33 }, 3).Get(DataSplit.Train, 0);
        Assert.NotEqual(sr.Clean.Data, sr.Degraded.Data); // SR line dropping still applies
    }

    [Fact]
    public void ProceduralSplitsNeverShareASurface()
    {
        var src = new ProceduralSource(Small, 1);
        var seeds = Enum.GetValues<DataSplit>().Select(s => Enumerable.Range(0, 500).Select(i => src.SurfaceSeed(s, i)).ToHashSet()).ToArray();
        Assert.Empty(seeds[0].Intersect(seeds[1]));
        Assert.Empty(seeds[0].Intersect(seeds[2]));
        Assert.Empty(seeds[1].Intersect(seeds[2]));
        Assert.All(seeds, s => Assert.Equal(500, s.Count));
    }

    private void WriteImages(int n, int size)
    {
        for (int i = 0; i < n; i++)
        {
            var s = SiH2x1Generator.Generate(new SurfaceParameters { Width = size, Height = size }, 100 + i);
            NpyFile.Write(Path.Combine(_dir, $"img{i:D2}.npy"), s.Heights.Data, size, size);
        }
    }

    [Fact]
    public void FolderSplitsAreDisjointByFileAndPairsStayInTheirSplit()
    {
        WriteImages(9, 130);
        var src = new NpyFolderSource(_dir, 3);
        var files = Enum.GetValues<DataSplit>().Select(s => src.FilesOf(s)).ToArray();
        Assert.Equal([6, 2, 1], files.Select(f => f.Count).ToArray());
        Assert.Equal(9, files.SelectMany(f => f).Distinct().Count());
        Assert.Equal(files[0], new NpyFolderSource(_dir, 3).FilesOf(DataSplit.Train));

        var pairs = new PairSource(src, DegradationSettings.ForMode(DegradationMode.Blunt), 3);
        foreach (var split in Enum.GetValues<DataSplit>())
        {
            var used = pairs.Pairs(split).Take(12).Select(p => p.SourceId).ToHashSet();
            Assert.Subset(files[(int)split].ToHashSet(), used);
        }
    }

    [Fact]
    public void TheCleanChannelComesFromTheUserImage()
    {
        // A 130×130 ramp image: any clean crop is a (rotated) ramp, so neighbouring pixels differ by a constant.
        var ramp = new float[130 * 130];
        for (int i = 0; i < ramp.Length; i++) ramp[i] = i % 130;
        foreach (string n in new[] { "a.npy", "b.npy", "c.npy" }) NpyFile.Write(Path.Combine(_dir, n), ramp, 1, 130, 130);
        var pair = new PairSource(new NpyFolderSource(_dir, 1), DegradationSettings.ForMode(DegradationMode.Sr2), 1).Get(DataSplit.Test, 0);
        var c = pair.Clean;
        bool alongX = Math.Abs(c[5, 6] - c[5, 5]) > 1e-3;
        for (int y = 1; y < 127; y++)
            for (int x = 1; x < 127; x++)
                Assert.Equal(alongX ? c[y, 1] - c[y, 0] : c[1, x] - c[0, x], alongX ? c[y, x + 1] - c[y, x] : c[y + 1, x] - c[y, x], 4);
    }

    [Fact]
    public void BadFoldersAndFilesAreReportedByName()
    {
        Assert.Contains("at least 3", Assert.Throws<InvalidDataException>(() => new NpyFolderSource(_dir, 1)).Message);
        Assert.Contains("not found", Assert.Throws<InvalidDataException>(() => new NpyFolderSource(Path.Combine(_dir, "nope"), 1)).Message);

        WriteImages(2, 130);
        NpyFile.Write(Path.Combine(_dir, "small.npy"), new float[100 * 100], 100, 100);
        var src = new NpyFolderSource(_dir, 1);
        var pairs = new PairSource(src, DegradationSettings.Paper(), 1);
        var e = Assert.Throws<InvalidDataException>(() => Enum.GetValues<DataSplit>().SelectMany(s => pairs.Pairs(s).Take(10)).ToList());
        Assert.Contains("small.npy", e.Message);
        Assert.Contains("smaller than the 128×128 crop", e.Message);

        File.Delete(Path.Combine(_dir, "small.npy"));
        var nan = new float[130 * 130];
        nan[77] = float.NaN;
        NpyFile.Write(Path.Combine(_dir, "nan.npy"), nan, 130, 130);
        pairs = new PairSource(new NpyFolderSource(_dir, 1), DegradationSettings.Paper(), 1);
        e = Assert.Throws<InvalidDataException>(() => Enum.GetValues<DataSplit>().SelectMany(s => pairs.Pairs(s).Take(10)).ToList());
        Assert.Contains("nan.npy", e.Message);
    }

    [Fact]
    public void CleanModeGivesTheCleanImageAsCondition()
    {
        var all = new PairSource(new ProceduralSource(Small, 2), DegradationSettings.ForMode(DegradationMode.All), 2).Get(DataSplit.Test, 4);
        var clean = new PairSource(new ProceduralSource(Small, 2), DegradationSettings.ForMode(DegradationMode.Clean), 2).Get(DataSplit.Test, 4);
        Assert.Equal(clean.Clean.Data, clean.Degraded.Data);
        Assert.NotEqual(all.Clean.Data, all.Degraded.Data); // the same draw with degradations differs
        Assert.True(DegradationModeNames.TryParse("clean", out var m) && m == DegradationMode.Clean);
    }

    [Fact]
    public void ModeNamesRoundTrip()
    {
        foreach (var mode in Enum.GetValues<DegradationMode>())
            Assert.True(DegradationModeNames.TryParse(DegradationModeNames.Name(mode), out var back) && back == mode, mode.ToString());
        Assert.Equal("sr4-all", DegradationModeNames.Name(DegradationMode.Sr4All));
        Assert.False(DegradationModeNames.TryParse("sr3-all", out _));
    }

    [Fact]
    public void StackMakesTrainingTensors()
    {
        var pairs = new PairSource(new ProceduralSource(Small, 2), DegradationSettings.ForMode(DegradationMode.Sr4), 2).Pairs(DataSplit.Validation).Take(3).ToArray();
        var (clean, degraded) = TrainingPair.Stack(pairs);
        Assert.Equal([3, 1, 128, 128], clean.Shape);
        Assert.Equal([3, 1, 128, 128], degraded.Shape);
        Assert.Equal(pairs[2].Degraded[7, 9], degraded[2, 0, 7, 9]);
        Assert.Equal(pairs[1].Clean[100, 3], clean[1, 0, 100, 3]);
    }
}
