namespace StmKernel.Imaging.Tests;

/// <summary>
/// Readers against hand-built files (tools/reference/codec_fixtures.py, written from the format
/// specifications with Python's struct and zlib): pixel (x, y) holds factor × ((7x + 13y) mod 251).
/// </summary>
public class CodecTests
{
    private static float Value(int x, int y) => (7 * x + 13 * y) % 251;

    [Theory]
    [InlineData("f8_be.npy", StmFormat.Npy, 1.0)]
    [InlineData("f4_le_fortran.npy", StmFormat.Npy, 1.0)]
    [InlineData("i2_be.npy", StmFormat.Npy, -1.0)]
    [InlineData("i4_le.npy", StmFormat.Npy, -1000.0)]
    [InlineData("u2_le.npy", StmFormat.Npy, 1.0)]
    [InlineData("u16_be_2strips.tif", StmFormat.Tiff, 1.0)]
    [InlineData("f32_le_deflate.tif", StmFormat.Tiff, 1.0)]
    [InlineData("u8_le.tif", StmFormat.Tiff, 1.0)]
    [InlineData("gray8.png", StmFormat.Png, 1.0)]
    [InlineData("gray16.png", StmFormat.Png, 257.0)]
    [InlineData("rgb8.png", StmFormat.Png, 1.0)]
    [InlineData("graya8.png", StmFormat.Png, 1.0)]
    public void Reads_hand_built_files(string name, StmFormat format, double factor)
    {
        var doc = StmFile.Read(Path.Combine(AppContext.BaseDirectory, "Fixtures", "codecs", name));
        Assert.Equal(format, doc.Format);
        var im = Assert.Single(doc.Channels);
        Assert.Equal(7, im.Width);
        Assert.Equal(5, im.Height);
        for (int y = 0; y < 5; y++)
            for (int x = 0; x < 7; x++)
                Assert.True(Math.Abs(im[x, y] - factor * Value(x, y)) <= 1e-3 * Math.Max(1, Math.Abs(factor * Value(x, y))), $"{name} ({x},{y}): {im[x, y]} vs {factor * Value(x, y)}");
    }

    [Fact]
    public void Format_is_chosen_by_magic_bytes_not_extension()
    {
        string dir = TestData.TempDir();
        string path = Path.Combine(dir, "really_a_png.sxm");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixtures", "codecs", "gray8.png"), path);
        Assert.Equal(StmFormat.Png, StmFile.Read(path).Format);
        File.WriteAllText(Path.Combine(dir, "x.gwy"), "hello, not a file format");
        var e = Assert.Throws<StmFileException>(() => StmFile.Read(Path.Combine(dir, "x.gwy")));
        Assert.Equal("magic bytes", e.Field);
        Assert.Contains("x.gwy", e.Message);
        Directory.Delete(dir, true);
    }
}
