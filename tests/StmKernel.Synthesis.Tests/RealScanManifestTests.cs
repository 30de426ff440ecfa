using StmKernel.Synthesis.Pairs;

namespace StmKernel.Synthesis.Tests;

public sealed class RealScanManifestTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "stmk-manifest-" + Guid.NewGuid().ToString("N"));

    public RealScanManifestTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string text, string name = "splits.csv")
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void ParsesCommentsHeaderSplitsAndPixelSizesInMetres()
    {
        string path = Write("""
            # Real Si(001):H scans, split by session.
            # file,split,nm_per_px is the header below

            file,split,nm_per_px
            s1/a.npy,train,0.195
              s1/b.npy,train,0.2  
            # a comment between entries
            s2/c.npy,validation,1.5e-1
            s3/d.npy,test,
            s3/e.npy,degraded,0.1
            """);
        var m = RealScanManifest.Load(path);
        Assert.Equal(path, m.Path);
        Assert.Equal(["s1/a.npy", "s1/b.npy", "s2/c.npy", "s3/d.npy", "s3/e.npy"], m.Entries.Select(e => e.File));
        Assert.Equal(new DataSplit?[] { DataSplit.Train, DataSplit.Train, DataSplit.Validation, DataSplit.Test, null }, m.Entries.Select(e => e.Split));
        var px = m.Entries.Select(e => e.PixelSize).ToArray();
        Assert.Equal(0.195e-9, px[0]!.Value, 1e-22);
        Assert.Equal(0.2e-9, px[1]!.Value, 1e-22);
        Assert.Equal(0.15e-9, px[2]!.Value, 1e-22);
        Assert.Null(px[3]);                 // empty: unknown
        Assert.Equal(0.1e-9, px[4]!.Value, 1e-22);
        Assert.Equal(["s1/a.npy", "s1/b.npy"], m.Of(DataSplit.Train).Select(e => e.File));
        Assert.Equal(["s2/c.npy"], m.Of(DataSplit.Validation).Select(e => e.File));
        Assert.Equal(["s3/d.npy"], m.Of(DataSplit.Test).Select(e => e.File));
    }

    [Fact]
    public void TheCommittedManifestLoads()
    {
        string path = Path.Combine(RepoPaths.Root, "data", "real-si001", "splits.csv");
        var m = RealScanManifest.Load(path);
        foreach (var s in Enum.GetValues<DataSplit>()) Assert.NotEmpty(m.Of(s));
        // Every pristine frame has a pixel size, a plausible one for atomic resolution: 0.01–2 nm. (The degraded frames'
        // estimates, 0.005–0.026 nm, often come from a peak that is not the lattice, the data README says; they are never drawn.)
        Assert.All(m.Entries.Where(e => e.Split is not null), e => Assert.InRange(e.PixelSize ?? 0, 0.01e-9, 2e-9));
        Assert.Equal(m.Entries.Count, m.Entries.Select(e => e.File).Distinct().Count());
    }

    [Theory]
    [InlineData("# c\nname,split,nm_per_px\na.npy,train,0.2\n", 2, "expected the header 'file,split,nm_per_px'")]
    [InlineData("file,split\na.npy,train\n", 1, "expected the header")]
    [InlineData("file,split,nm_per_px\na.npy,train,0.2\nb.npy,train\n", 3, "expected 3 fields")]
    [InlineData("file,split,nm_per_px\n\n# x\nb.npy,test,abc\n", 4, "nm_per_px must be a positive number, got 'abc'")]
    [InlineData("file,split,nm_per_px\nb.npy,test,-0.2\n", 2, "got '-0.2'")]
    [InlineData("file,split,nm_per_px\nb.npy,test,0\n", 2, "got '0'")]
    [InlineData("file,split,nm_per_px\nb.npy,test,NaN\n", 2, "got 'NaN'")]
    [InlineData("file,split,nm_per_px\nb.npy,test,Infinity\n", 2, "got 'Infinity'")]
    public void ErrorsNameTheFileAndLine(string text, int line, string expected)
    {
        string path = Write(text);
        var e = Assert.Throws<InvalidDataException>(() => RealScanManifest.Load(path));
        Assert.StartsWith($"{path}:{line}: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void AFileWithoutAHeaderIsRefused()
    {
        string path = Write("# only comments\n\n# nothing else\n");
        var e = Assert.Throws<InvalidDataException>(() => RealScanManifest.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("no header", e.Message);
    }

    [Fact]
    public void AMissingFileIsNamed()
    {
        string path = Path.Combine(_dir, "nowhere", "splits.csv");
        var e = Assert.Throws<InvalidDataException>(() => RealScanManifest.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("not found", e.Message);
    }
}
