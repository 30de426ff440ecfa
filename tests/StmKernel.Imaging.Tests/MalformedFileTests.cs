using System.Buffers.Binary;
using System.Text;

namespace StmKernel.Imaging.Tests;

/// <summary>Specific malformed and unusual files: the exception names file, field, expected and found values; partial data is kept where the format allows.</summary>
public class MalformedFileTests
{
    private static byte[] Real(string name) => File.ReadAllBytes(TestData.Real(name));

    private static byte[] ReplaceOnce(byte[] b, string from, string to)
    {
        string s = Encoding.Latin1.GetString(b);
        int i = s.IndexOf(from, StringComparison.Ordinal);
        Assert.True(i >= 0, $"'{from}' not found");
        return Encoding.Latin1.GetBytes(s[..i] + to + s[(i + from.Length)..]);
    }

    [RealDataFact]
    public void Truncated_sxm_names_the_missing_data()
    {
        var b = Real("eth_Si_7x7_051.sxm");
        var e = Assert.Throws<StmFileException>(() => StmFile.Read(b[..(b.Length - 1000)], "cut.sxm"));
        Assert.Equal("cut.sxm", e.FilePath);
        Assert.Contains("image data (4 planes of 256×256 float32)", e.Field);
        Assert.Contains("cut.sxm", e.Message);
    }

    [RealDataFact]
    public void Oversized_sxm_dimensions_are_rejected_before_allocation()
    {
        var b = ReplaceOnce(Real("eth_Si_7x7_051.sxm"), "       256       256", "     60000     60000");
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<StmFileException>(() => StmFile.Read(b, "big.sxm"));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64L << 20);
        Assert.Contains("60000×60000", e.Field);
        Assert.Contains("bytes left", e.Actual);
    }

    [RealDataFact]
    public void Inconsistent_sxm_direction_is_named()
    {
        var b = ReplaceOnce(Real("eth_Si_7x7_051.sxm"), "\tboth\t", "\tsideways\t");
        var e = Assert.Throws<StmFileException>(() => StmFile.Read(b, "x.sxm"));
        Assert.Equal("DATA_INFO direction of Z", e.Field);
        Assert.Equal("'sideways'", e.Actual);
    }

    [RealDataFact]
    public void Sxm_header_is_latin1_so_degree_and_micro_signs_survive()
    {
        // 0xB0 (°) and 0xB5 (µ) are invalid as UTF-8 on their own; a Latin-1 header reads them fine.
        var b = ReplaceOnce(Real("pf_nanonis.sxm"), ":COMMENT:\n4.4K", ":COMMENT:\n4.4K 90\u00B0 5\u00B5m");
        var im = StmFile.Read(b, "latin1.sxm").Channels[0];
        Assert.Equal("4.4K 90° 5µm", im.Metadata["COMMENT"]);
        Assert.Equal(160, im.Width);
    }

    [RealDataFact]
    public void Sxm_up_scans_are_flipped_so_row_zero_is_the_top()
    {
        var down = StmFile.Read(Real("pf_nanonis.sxm"), "down.sxm").Channels[0];
        var up = StmFile.Read(ReplaceOnce(Real("pf_nanonis.sxm"), ":SCAN_DIR:\ndown", ":SCAN_DIR:\nup"), "up.sxm").Channels[0];
        Assert.Equal("up", up.SlowScan);
        for (int y = 0; y < down.Height; y++)
            for (int x = 0; x < down.Width; x++) Assert.Equal(down[x, down.Height - 1 - y], up[x, y]);
        // Gwyddion 2.62 reads the same edited file the same way (fixture from tools/reference/gwy_fixtures.py).
        using var fx = TestData.Fixture("pf_nanonis_up.sxm");
        foreach (var s in fx.RootElement.GetProperty("channels")[0].GetProperty("spots").EnumerateArray())
            Assert.Equal((float)s[2].GetDouble(), up[s[0].GetInt32(), s[1].GetInt32()]);
    }

    [RealDataFact]
    public void Incomplete_matrix_frame_keeps_captured_lines_and_marks_the_rest_missing()
    {
        const string name = "2014Mar01-093225--7_100.Z_mtrx";
        var b = Real(name);
        var param = Real("2014Mar01-093225_0001.mtrx");
        int desc = b.AsSpan().IndexOf("CSED"u8);
        uint intended = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(desc + 8 + 20));
        Assert.Equal(360000u, intended);
        // Up planes complete (300 lines × trace+retrace), then 10 lines of the down scan.
        uint captured = 300 * 600 + 10 * 600;
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(desc + 8 + 24), captured);
        var doc = StmFile.Read(b[..(b.Length - 4 * (int)(intended - captured))], name, _ => param);
        Assert.Contains(doc.Warnings, w => w.Contains("incomplete frame", StringComparison.Ordinal));
        Assert.DoesNotContain(doc.Channels[0].Data, float.IsNaN);
        Assert.DoesNotContain(doc.Channels[1].Data, float.IsNaN);
        var down = doc.Channels[2];
        Assert.Equal("down", down.SlowScan);
        for (int y = 0; y < down.Height; y++)
            Assert.Equal(y >= 10, float.IsNaN(down[150, y]));
        // The captured lines equal those of the complete file.
        var full = StmFile.Read(Real(name), name, _ => param).Channels[2];
        Assert.Equal(full[7, 9], down[7, 9]);
    }

    [RealDataFact]
    public void Createc_with_a_short_header_is_found_by_its_data_marker()
    {
        // Gwyddion 2.62 assumes the data at 16384; we search for DATA. Drop 1000 bytes of header padding.
        var b = Real("pf_createc_terrace.dat");
        int marker = b.AsSpan().IndexOf("DATA"u8);
        var shortHeader = b[..(marker - 1000)].Concat(b[marker..]).ToArray();
        var im = StmFile.Read(shortHeader, "short.dat").Channels[0];
        var reference = StmFile.Read(b, "full.dat").Channels[0];
        Assert.Equal(reference.Data, im.Data);
    }

    [RealDataFact]
    public void Createc_dimensions_beyond_the_compressed_data_are_rejected()
    {
        var b = ReplaceOnce(Real("pf_createc_terrace.dat"), "Num.X / Num.X=512", "Num.X / Num.X=4096");
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<StmFileException>(() => StmFile.Read(b, "x.dat"));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 96L << 20, "allocated far beyond the real data");
        Assert.Contains("4096×512", e.Field);
        Assert.Contains("bytes after decompression", e.Expected);
    }

    [Fact]
    public void Gwy_with_inconsistent_data_length_is_named()
    {
        string dir = TestData.TempDir();
        string path = Path.Combine(dir, "a.gwy");
        StmFile.WriteGwy(path, [new StmImage(new float[12], 4, 3) { ZUnit = "m" }]);
        var b = File.ReadAllBytes(path);
        // xres 4 → 5: 15 values expected, 12 present.
        int at = b.AsSpan().IndexOf("xres\0i"u8) + 6;
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(at), 5);
        var e = Assert.Throws<StmFileException>(() => StmFile.Read(b, "a.gwy"));
        Assert.Equal("/0/data data", e.Field);
        Assert.Equal("15 values for 5×3", e.Expected);
        Assert.Equal("12", e.Actual);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Png_with_a_bad_crc_and_interlaced_png_are_rejected()
    {
        var b = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "codecs", "gray8.png"));
        var bad = (byte[])b.Clone();
        bad[30] ^= 1; // inside IDAT
        Assert.Contains("CRC", Assert.Throws<StmFileException>(() => StmFile.Read(bad, "bad.png")).Field);
        var interlaced = (byte[])b.Clone();
        interlaced[8 + 8 + 12] = 1; // IHDR interlace byte; fix the CRC so only the interlace is wrong
        uint crc = Crc(interlaced.AsSpan(12, 17));
        BinaryPrimitives.WriteUInt32BigEndian(interlaced.AsSpan(29), crc);
        var e = Assert.Throws<StmFileException>(() => StmFile.Read(interlaced, "i.png"));
        Assert.Equal("IHDR interlace", e.Field);
    }

    private static uint Crc(ReadOnlySpan<byte> s)
    {
        uint c = 0xFFFFFFFF;
        foreach (byte x in s)
        {
            c ^= x;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
        }
        return ~c;
    }
}
