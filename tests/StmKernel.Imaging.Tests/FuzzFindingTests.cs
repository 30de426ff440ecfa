namespace StmKernel.Imaging.Tests;

/// <summary>
/// Inputs with which afl++ (tools/fuzz.sh) crashed a reader, kept in tests/fuzz-corpus as crash-* files: each must
/// now be a <see cref="StmFileException"/> naming the file and the broken field. FuzzCorpusTests replays them with
/// the rest of the corpus; these name the finding.
/// </summary>
public class FuzzFindingTests
{
    [Theory]
    [InlineData("createc", "crash-zlib-error-0", "zlib data for Num.X × Num.Y × Channels")]
    [InlineData("createc", "crash-zlib-error-1", "zlib data for Num.X × Num.Y × Channels")]
    [InlineData("createc", "crash-zlib-error-2", "zlib data for Num.X × Num.Y × Channels")]
    [InlineData("tiff", "crash-zlib-error-0", "strip ")]
    public void CorruptDeflateDataIsAFileError(string format, string name, string field)
    {
        // zlib rejected these streams with ZLibException, which escaped the readers before the fix in Zlib.Inflate.
        var bytes = File.ReadAllBytes(Path.Combine(TestData.Root, "tests", "fuzz-corpus", format, name));
        var e = Assert.Throws<StmFileException>(() => StmFile.Read(bytes, name));
        Assert.Equal(name, e.FilePath);
        Assert.StartsWith(field, e.Field, StringComparison.Ordinal);
        Assert.Equal("a valid zlib stream", e.Expected);
    }
}
