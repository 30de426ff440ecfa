using System.Globalization;
using StmKernel.Imaging;
using StmKernel.Synthesis.Pairs;
using StmKernel.Synthesis.Surface;

namespace StmKernel.Synthesis.Tests;

/// <summary>The manifest constructor of <see cref="NpyFolderSource"/> (splits and pixel sizes), <see cref="MixedSource"/> and <see cref="ProceduralSource"/>'s pixel-size range.</summary>
public sealed class NpyFolderSourceManifestTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "stmk-npymanifest-" + Guid.NewGuid().ToString("N"));

    public NpyFolderSourceManifestTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A w × h smooth image with a per-file offset, written as .npy under the data folder.</summary>
    private void WriteImage(string relative, int w, int h, int seed)
    {
        var data = new float[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) data[y * w + x] = (float)(seed + Math.Sin(0.21 * x + seed) * Math.Cos(0.17 * y) + 0.01 * x);
        string path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        NpyFile.Write(path, data, h, w);
    }

    private RealScanManifest Manifest(string text)
    {
        string path = Path.Combine(_dir, "splits-" + Guid.NewGuid().ToString("N")[..6] + ".csv");
        File.WriteAllText(path, "file,split,nm_per_px\n" + text);
        return RealScanManifest.Load(path);
    }

    [Fact]
    public void DrawsOfASplitComeOnlyFromItsFiles()
    {
        var files = new (string File, string Split)[]
        {
            ("a/t1.npy", "train"), ("a/t2.npy", "train"), ("b/t3.npy", "train"),
            ("b/v1.npy", "validation"), ("c/v2.npy", "validation"),
            ("c/x1.npy", "test"),
            ("d/deg.npy", "degraded"),
        };
        for (int i = 0; i < files.Length; i++) WriteImage(files[i].File, 37 + i, 41, i);
        var source = new NpyFolderSource(_dir, Manifest(string.Concat(files.Select(f => $"{f.File},{f.Split},0.2\n"))), minimumSize: 32);

        var expected = new Dictionary<DataSplit, string[]>
        {
            [DataSplit.Train] = ["t1.npy", "t2.npy", "t3.npy"],
            [DataSplit.Validation] = ["v1.npy", "v2.npy"],
            [DataSplit.Test] = ["x1.npy"],
        };
        foreach (var (split, names) in expected)
        {
            Assert.Equal(names, source.FilesOf(split));
            var seen = new HashSet<string>();
            for (int i = 0; i < 200; i++)
            {
                var (image, id) = source.Draw(split, i, new Rng(1000 + i));
                Assert.Contains(id, names);
                seen.Add(id);
                // The image drawn is that file's (widths differ per file), normalised to [0, 1].
                int fileIndex = Array.FindIndex(files, f => Path.GetFileName(f.File) == id);
                Assert.Equal(37 + fileIndex, image.Width);
                Assert.Equal((0f, 1f), image.Range());
            }
            Assert.Equal(names.Order(), seen.Order()); // every member is drawn in 200 tries
        }
    }

    /// <summary>Target pixel size from a resampled draw's id, "name@0.123nm".</summary>
    private static double TargetOf(string id) => double.Parse(id[(id.IndexOf('@') + 1)..^2], CultureInfo.InvariantCulture) * 1e-9;

    [Theory]
    [InlineData(96, 24)] // the whole range [2p, 4p] is reachable: side/4 … side/2
    [InlineData(96, 32)] // the crop limits it to [2p, 3p]: side/3 … side/2
    [InlineData(101, 25)]
    public void ScaleAugmentationDownsamplesIntoTheRangeAndNeverBelowTheCrop(int side, int crop)
    {
        const double p = 0.1e-9;
        WriteImage("t.npy", side, side, 1);
        WriteImage("v.npy", side, side, 2);
        WriteImage("x.npy", side, side, 3);
        var manifest = Manifest("t.npy,train,0.1\nv.npy,validation,0.1\nx.npy,test,0.1\n");
        var source = new NpyFolderSource(_dir, manifest, minimumSize: crop, pixelSizeRange: new ValueRange(2 * p, 4 * p));
        int reachableMin = Math.Max(crop, (int)Math.Round(side / 4.0));
        var sizes = new List<int>();
        for (int i = 0; i < 300; i++)
        {
            var (image, id) = source.Draw(DataSplit.Train, i, new Rng(i));
            Assert.StartsWith("t.npy@", id);
            double target = TargetOf(id);
            Assert.InRange(target, 2 * p - 1e-12, Math.Min(4 * p, p * side / crop) + 1e-12);
            Assert.InRange(image.Width, reachableMin, (int)Math.Round(side / 2.0));
            Assert.Equal(image.Width, image.Height);
            Assert.True(image.Width >= crop);
            // Physical extent kept: side × p = size × target, to within one target pixel (and the id's 3 decimals).
            Assert.True(Math.Abs(side * p - image.Width * target) <= target * 1.02, $"{side}×{p} vs {image.Width}×{target}");
            Assert.Equal((0f, 1f), image.Range());
            sizes.Add(image.Width);
        }
        // The draws spread over the reachable sizes, down to near the smallest.
        Assert.True(sizes.Min() <= reachableMin + 2 && sizes.Max() >= side / 2 - 2, $"sizes {sizes.Min()}–{sizes.Max()}");
    }

    [Fact]
    public void AResampledDrawIsTheResizedImage()
    {
        WriteImage("t.npy", 80, 72, 1);
        WriteImage("v.npy", 40, 40, 2);
        WriteImage("x.npy", 40, 40, 3);
        var source = new NpyFolderSource(_dir, Manifest("t.npy,train,0.1\nv.npy,validation,0.1\nx.npy,test,0.1\n"), minimumSize: 20,
            pixelSizeRange: new ValueRange(0.2e-9, 0.3e-9));
        var plain = new NpyFolderSource(_dir, Manifest("t.npy,train,0.1\nv.npy,validation,0.1\nx.npy,test,0.1\n"), minimumSize: 20);
        var (original, _) = plain.Draw(DataSplit.Train, 0, new Rng(0));
        var (image, _) = source.Draw(DataSplit.Train, 0, new Rng(5));
        Assert.Equal((80, 72), (original.Width, original.Height));
        Assert.NotEqual((80, 72), (image.Width, image.Height));
        // The loaded image resized, renormalised to [0, 1] (averaging pulls the extremes in).
        var expected = Degradations.Normalisation.ToUnit(new Plane(image.Width, image.Height, Resampling.Resize(original.Data, 80, 72, image.Width, image.Height)));
        Assert.Equal(expected.Data, image.Data);
    }

    [Fact]
    public void RealScansAreNeverUpsampled()
    {
        WriteImage("t.npy", 64, 64, 1);
        WriteImage("v.npy", 64, 64, 2);
        WriteImage("x.npy", 64, 64, 3);
        // Range [0.05, 0.08] nm is finer than the scans' 0.1 nm: only upsampling could reach it.
        var source = new NpyFolderSource(_dir, Manifest("t.npy,train,0.1\nv.npy,validation,0.1\nx.npy,test,0.1\n"), minimumSize: 16,
            pixelSizeRange: new ValueRange(0.05e-9, 0.08e-9));
        for (int i = 0; i < 20; i++)
        {
            var (image, id) = source.Draw(DataSplit.Train, i, new Rng(i));
            Assert.Equal((64, 64), (image.Width, image.Height));
            Assert.Equal("t.npy", id);
        }
        // A file without a pixel size is used at its own scale.
        var unknown = new NpyFolderSource(_dir, Manifest("t.npy,train,\nv.npy,validation,0.1\nx.npy,test,0.1\n"), minimumSize: 16,
            pixelSizeRange: new ValueRange(0.2e-9, 0.4e-9));
        Assert.Equal(("t.npy", 64), (unknown.Draw(DataSplit.Train, 0, new Rng(3)).SourceId, unknown.Draw(DataSplit.Train, 0, new Rng(3)).Image01.Width));
    }

    [Theory]
    [InlineData("t.npy,train,0.1\nx.npy,test,0.1\n", "Validation")]
    [InlineData("v.npy,validation,0.1\nx.npy,test,0.1\nt.npy,degraded,0.1\n", "Train")]
    [InlineData("t.npy,train,0.1\nv.npy,validation,0.1\n", "Test")]
    public void AnEmptySplitThrows(string lines, string split)
    {
        WriteImage("t.npy", 40, 40, 1);
        WriteImage("v.npy", 40, 40, 2);
        WriteImage("x.npy", 40, 40, 3);
        var manifest = Manifest(lines);
        var e = Assert.Throws<InvalidDataException>(() => new NpyFolderSource(_dir, manifest, minimumSize: 16));
        Assert.Contains(manifest.Path, e.Message);
        Assert.Contains($"no file in the {split} split", e.Message);
    }

    [Fact]
    public void AListedMissingFileThrowsNamingIt()
    {
        WriteImage("t.npy", 40, 40, 1);
        WriteImage("x.npy", 40, 40, 3);
        var manifest = Manifest("t.npy,train,0.1\nsub/gone.npy,validation,0.1\nx.npy,test,0.1\n");
        var e = Assert.Throws<InvalidDataException>(() => new NpyFolderSource(_dir, manifest, minimumSize: 16));
        Assert.Contains(Path.Combine("sub", "gone.npy"), e.Message);
        Assert.Contains("does not exist", e.Message);
        // A missing degraded frame is not needed, so not an error.
        WriteImage("v.npy", 40, 40, 2);
        _ = new NpyFolderSource(_dir, Manifest("t.npy,train,0.1\nv.npy,validation,0.1\nx.npy,test,0.1\ngone.npy,degraded,0.1\n"), minimumSize: 16);
    }

    [Fact]
    public void ABadPixelRangeThrows()
    {
        WriteImage("t.npy", 40, 40, 1);
        WriteImage("v.npy", 40, 40, 2);
        WriteImage("x.npy", 40, 40, 3);
        var manifest = Manifest("t.npy,train,0.1\nv.npy,validation,0.1\nx.npy,test,0.1\n");
        Assert.ThrowsAny<ArgumentException>(() => new NpyFolderSource(_dir, manifest, 16, new ValueRange(0, 1e-9)));
        Assert.ThrowsAny<ArgumentException>(() => new NpyFolderSource(_dir, manifest, 16, new ValueRange(3e-10, 1e-10)));
    }

    /// <summary>A source that only says who it is.</summary>
    private sealed class Named(string name) : IPristineSource
    {
        public string Description => name;

        public (Plane Image01, string SourceId) Draw(DataSplit split, long index, Rng rng) => (new Plane(1, 1), name);
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(0.05)]
    [InlineData(0.5)]
    public void MixedSourceDrawsTheSecondSourceAtTheRequestedShare(double share)
    {
        var mixed = new MixedSource(new Named("A"), new Named("B"), share);
        const int n = 2000;
        int b = 0;
        for (int i = 0; i < n; i++)
            if (mixed.Draw(DataSplit.Train, i, Rng.Derive(42, i)).SourceId == "B") b++;
        double sigma = Math.Sqrt(n * share * (1 - share));
        Assert.True(Math.Abs(b - n * share) <= 3 * sigma, $"{b} of {n} from the second source, expected {n * share} ± {3 * sigma:F0}");
    }

    [Fact]
    public void MixedSourceIsDeterministicPerSeedAndHonoursTheEnds()
    {
        var mixed = new MixedSource(new Named("A"), new Named("B"), 0.4);
        string Sequence(long seed) => string.Concat(Enumerable.Range(0, 300).Select(i => mixed.Draw(DataSplit.Train, i, Rng.Derive(seed, i)).SourceId));
        Assert.Equal(Sequence(7), Sequence(7));
        Assert.NotEqual(Sequence(7), Sequence(8));
        var none = new MixedSource(new Named("A"), new Named("B"), 0);
        var all = new MixedSource(new Named("A"), new Named("B"), 1);
        for (int i = 0; i < 200; i++)
        {
            Assert.Equal("A", none.Draw(DataSplit.Test, i, new Rng(i)).SourceId);
            Assert.Equal("B", all.Draw(DataSplit.Test, i, new Rng(i)).SourceId);
        }
        Assert.Throws<ArgumentException>(() => new MixedSource(new Named("A"), new Named("B"), 1.01));
        Assert.Throws<ArgumentException>(() => new MixedSource(new Named("A"), new Named("B"), -0.1));
        Assert.Throws<ArgumentException>(() => new MixedSource(new Named("A"), new Named("B"), double.NaN));
    }

    [Fact]
    public void MixedSourcePassesTheSameStreamOnToTheChosenSource()
    {
        // The pair's stream decides the source and then the draw: the same (seed, index) always gives the same image.
        WriteImage("t1.npy", 40, 40, 1);
        WriteImage("t2.npy", 42, 40, 4);
        WriteImage("v.npy", 40, 40, 2);
        WriteImage("x.npy", 40, 40, 3);
        var npy = new NpyFolderSource(_dir, Manifest("t1.npy,train,0.1\nt2.npy,train,0.1\nv.npy,validation,0.1\nx.npy,test,0.1\n"), minimumSize: 16);
        var mixed = new MixedSource(new Named("A"), npy, 0.5);
        for (int i = 0; i < 40; i++)
        {
            var a = mixed.Draw(DataSplit.Train, i, Rng.Derive(9, i));
            var b = mixed.Draw(DataSplit.Train, i, Rng.Derive(9, i));
            Assert.Equal(a.SourceId, b.SourceId);
            Assert.Equal(a.Image01.Data, b.Image01.Data);
        }
    }

    [Fact]
    public void ProceduralPixelSizesAreLogUniformOverTheRange()
    {
        var range = new ValueRange(0.1e-9, 0.4e-9);
        var src = new ProceduralSource(new SurfaceParameters { Width = 64, Height = 64 }, 3, range);
        const int n = 2000;
        var sizes = Enumerable.Range(0, n).Select(i => ProceduralSource.PixelSizeOf(range, src.SurfaceSeed(DataSplit.Train, i))).ToArray();
        Assert.All(sizes, s => Assert.InRange(s, range.Min, range.Max));
        // Log-uniform: the median is the geometric mean (0.2 nm) and ln(size) is uniform, so the quartiles are at 0.1·4^¼ and 0.1·4^¾ nm.
        var sorted = sizes.Order().ToArray();
        double median = sorted[n / 2];
        Assert.True(Math.Abs(Math.Log(median / 0.2e-9)) < 0.05, $"median {median * 1e9:F4} nm");
        double q = Math.Sqrt(0.25 * 0.75 / n) * 3; // 3σ on a quartile's share
        Assert.InRange(sizes.Count(s => s < 0.1e-9 * Math.Pow(4, 0.25)) / (double)n, 0.25 - q, 0.25 + q);
        Assert.InRange(sizes.Count(s => s < 0.1e-9 * Math.Pow(4, 0.75)) / (double)n, 0.75 - q, 0.75 + q);
        // A uniform (not log-uniform) draw would put the median at 0.25 nm: the test tells the two apart.
        Assert.True(median < 0.23e-9);
    }

    [Fact]
    public void ProceduralPixelSizesAreDeterministicPerSeed()
    {
        var range = new ValueRange(0.1e-9, 0.4e-9);
        for (long seed = 0; seed < 50; seed++) Assert.Equal(ProceduralSource.PixelSizeOf(range, seed), ProceduralSource.PixelSizeOf(range, seed));
        Assert.Equal(50, Enumerable.Range(0, 50).Select(s => ProceduralSource.PixelSizeOf(range, s)).Distinct().Count());
        Assert.Equal(0.2e-9, ProceduralSource.PixelSizeOf(ValueRange.Fixed(0.2e-9), 17));
        Assert.Throws<ArgumentException>(() => ProceduralSource.PixelSizeOf(new ValueRange(0, 1e-9), 1));
        Assert.Throws<ArgumentException>(() => ProceduralSource.PixelSizeOf(new ValueRange(2e-10, 1e-10), 1));
    }

    [Fact]
    public void ProceduralDrawsUseTheirSeedsPixelSize()
    {
        var parameters = new SurfaceParameters { Width = 64, Height = 64 };
        var range = new ValueRange(0.1e-9, 0.4e-9);
        var a = new ProceduralSource(parameters, 3, range);
        var b = new ProceduralSource(parameters, 3, range);
        var plain = new ProceduralSource(parameters, 3);
        var first = a.Draw(DataSplit.Train, 5, new Rng(0));
        Assert.Equal(first.Image01.Data, b.Draw(DataSplit.Train, 5, new Rng(99)).Image01.Data); // the surface depends on (seed, split, index) only
        Assert.NotEqual(first.Image01.Data, plain.Draw(DataSplit.Train, 5, new Rng(0)).Image01.Data);
        long s = a.SurfaceSeed(DataSplit.Train, 5);
        var want = Degradations.Normalisation.ToUnit(SiH2x1Generator.Generate(parameters with { PixelSize = ProceduralSource.PixelSizeOf(range, s) }, s).Heights);
        Assert.Equal(want.Data, first.Image01.Data);
    }
}
