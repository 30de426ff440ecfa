namespace StmKernel.Imaging.Tests;

/// <summary>Write → read round trips for every writer, plus the safe-write rules.</summary>
public class RoundTripTests
{
    private static StmImage Sample(int w = 23, int h = 17, string channel = "Z", bool withNaN = false)
    {
        var rng = new Random(11);
        var d = Enumerable.Range(0, w * h).Select(_ => (float)(rng.NextDouble() * 2e-10 - 1e-10)).ToArray();
        if (withNaN) { d[5] = float.NaN; d[w * h - 1] = float.NaN; }
        return new StmImage(d, w, h)
        {
            PixelSizeX = 0.195e-9, PixelSizeY = 0.25e-9, ZUnit = "m", Channel = channel, Direction = ScanDirection.Backward, SlowScan = "up",
            BiasVolts = -2.0, Setpoint = 5e-11, SetpointUnit = "A", OffsetX = 1e-8, OffsetY = -2e-8,
        };
    }

    [Fact]
    public void Gwy_keeps_channels_sizes_units_titles_metadata_and_missing_pixels()
    {
        string dir = TestData.TempDir();
        string path = Path.Combine(dir, "out.gwy");
        var a = Sample(withNaN: true);
        var b = Sample(channel: "uncertainty").WithData(Enumerable.Range(0, 23 * 17).Select(i => (float)i).ToArray());
        StmFile.WriteGwy(path, [a, b]);
        var doc = StmFile.Read(path);
        Assert.Equal(StmFormat.Gwyddion, doc.Format);
        Assert.Equal(2, doc.Channels.Count);
        var ra = doc.Channels[0];
        Assert.Equal("Z", ra.Channel);
        Assert.Equal(ScanDirection.Backward, ra.Direction);
        Assert.Equal("up", ra.SlowScan);
        Assert.True(ra.PhysicalSizeKnown);
        Assert.Equal((23, 17), (ra.Width, ra.Height));
        Assert.Equal(a.PixelSizeX, ra.PixelSizeX, 1e-20);
        Assert.Equal(a.PixelSizeY, ra.PixelSizeY, 1e-20);
        Assert.Equal(a.OffsetX, ra.OffsetX);
        Assert.Equal("m", ra.ZUnit);
        Assert.Equal(-2.0, ra.BiasVolts);
        Assert.Equal(5e-11, ra.Setpoint!.Value, 1e-20);
        for (int i = 0; i < a.Data.Length; i++)
            if (float.IsNaN(a.Data[i])) Assert.True(float.IsNaN(ra.Data[i])); else Assert.Equal(a.Data[i], ra.Data[i]);
        Assert.Equal("uncertainty", doc.Channels[1].Channel);
        Assert.Equal(b.Data, doc.Channels[1].Data);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Npy_round_trip_is_exact()
    {
        string dir = TestData.TempDir();
        var a = Sample(withNaN: true);
        StmFile.Write(Path.Combine(dir, "a.npy"), [a]);
        var r = Assert.Single(StmFile.Read(Path.Combine(dir, "a.npy")).Channels);
        Assert.Equal((a.Width, a.Height), (r.Width, r.Height));
        Assert.Equal(a.Data, r.Data);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Tiff_round_trip_is_exact_and_keeps_physical_size()
    {
        string dir = TestData.TempDir();
        var a = Sample(withNaN: true);
        StmFile.Write(Path.Combine(dir, "a.tiff"), [a]);
        var r = Assert.Single(StmFile.Read(Path.Combine(dir, "a.tiff")).Channels);
        Assert.Equal(a.Data, r.Data);
        Assert.True(r.PhysicalSizeKnown);
        Assert.Equal(a.RealWidth, r.RealWidth, 1e-20);
        Assert.Equal(a.RealHeight, r.RealHeight, 1e-20);
        Assert.Equal("m", r.ZUnit);
        Assert.Equal("Z", r.Channel);
        Assert.Equal(ScanDirection.Backward, r.Direction);
        Directory.Delete(dir, true);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void Png_preview_is_a_percentile_stretch(int depth)
    {
        string dir = TestData.TempDir();
        int w = 101, h = 3;
        // A ramp 0..100 with two outliers: 1–99 % percentiles clip them.
        var d = Enumerable.Range(0, w * h).Select(i => (float)(i % w)).ToArray();
        d[0] = -1000; d[1] = 1000; d[2] = float.NaN;
        var im = new StmImage(d, w, h);
        string path = Path.Combine(dir, "p.png");
        StmFile.WritePng(path, im, depth, 1, 99);
        var r = Assert.Single(StmFile.Read(path).Channels);
        var (lo, hi) = Stretch.Percentiles(d, 1, 99);
        double max = depth == 8 ? 255 : 65535;
        for (int i = 0; i < d.Length; i++)
        {
            double want = float.IsNaN(d[i]) ? 0 : Math.Round(Math.Clamp((d[i] - lo) / (hi - lo) * max, 0, max));
            Assert.Equal(want, r.Data[i], 0);
        }
        Assert.Equal(0, r.Data[0]);
        Assert.Equal(max, r.Data[1]);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Percentiles_interpolate_between_order_statistics()
    {
        float[] v = [4, 1, 3, 2, float.NaN, 5];
        Assert.Equal((1f, 5f), Stretch.Percentiles(v, 0, 100));
        Assert.Equal((2f, 3.5f), Stretch.Percentiles(v, 25, 62.5));
    }

    [Fact]
    public void Writes_never_overwrite_an_input_and_leave_no_temporary_files()
    {
        string dir = TestData.TempDir();
        string input = Path.Combine(dir, "in.npy");
        StmFile.WriteNpy(input, Sample());
        byte[] before = File.ReadAllBytes(input);
        var read = StmFile.Read(input).Channels[0];
        Assert.Throws<IOException>(() => StmFile.WriteNpy(input, read));
        Assert.Equal(before, File.ReadAllBytes(input));
        StmFile.WriteGwy(Path.Combine(dir, "out.gwy"), [read]);
        Assert.Equal(["in.npy", "out.gwy"], Directory.GetFiles(dir).Select(Path.GetFileName).Order());
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Unknown_output_extension_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => StmFile.Write(Path.Combine(Path.GetTempPath(), "x.jpg"), [Sample()]));
        Assert.Contains(".gwy", e.Message);
    }
}

public class TensorInteropTests
{
    [Fact]
    public void Image_and_tensor_convert_both_ways_keeping_layout()
    {
        var im = new StmImage(Enumerable.Range(0, 15).Select(i => (float)i).ToArray(), 5, 3) { Channel = "Z", PixelSizeX = 2e-10 };
        var t = im.ToTensor();
        Assert.Equal([1, 1, 3, 5], t.Shape);
        Assert.Equal(im[4, 2], t[0, 0, 2, 4]);
        t[0, 0, 1, 3] = 99;
        Assert.Equal(8f, im[3, 1]); // a copy
        var back = im.WithTensor(t);
        Assert.Equal(99f, back[3, 1]);
        Assert.Equal(2e-10, back.PixelSizeX);
        Assert.Throws<ArgumentException>(() => im.WithTensor(new StmKernel.Tensors.Tensor(1, 1, 5, 3)));
    }
}
