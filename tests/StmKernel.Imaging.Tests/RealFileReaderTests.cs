using System.Text.Json;

namespace StmKernel.Imaging.Tests;

/// <summary>
/// Readers against the real files, compared with fixtures made by Gwyddion 2.62's own readers
/// (headless --convert-to-gwy, parsed by tools/reference/gwy_fixtures.py): channel order, size,
/// physical size, units and spot values.
/// </summary>
public class RealFileReaderTests
{
    [RealDataTheory]
    [InlineData("eth_Si_7x7_051.sxm")]
    [InlineData("pf_nanonis.sxm")]
    [InlineData("empa2_test_data_hBN_defect_grid_spec_img_0071.sxm")]
    [InlineData("2014Mar01-093225--7_100.Z_mtrx")]
    public void Matches_gwyddion_channel_by_channel(string name)
    {
        var doc = StmFile.Read(TestData.Real(name));
        using var fx = TestData.Fixture(name);
        var expected = fx.RootElement.GetProperty("channels").EnumerateArray().ToList();
        Assert.Equal(expected.Count, doc.Channels.Count);
        for (int i = 0; i < expected.Count; i++) AssertChannel(expected[i], doc.Channels[i], valueScale: 1.0);
    }

    [RealDataFact]
    public void Createc_topography_matches_gwyddion_and_other_channels_are_the_same_planes_in_dac_units()
    {
        var doc = StmFile.Read(TestData.Real("pf_createc_terrace.dat"));
        using var fx = TestData.Fixture("pf_createc_terrace.dat");
        var expected = fx.RootElement.GetProperty("channels").EnumerateArray().ToList();
        Assert.Equal(4, doc.Channels.Count);
        Assert.Equal(["Z", "Current", "Z", "Current"], doc.Channels.Select(c => c.Channel));
        Assert.Equal([ScanDirection.Forward, ScanDirection.Forward, ScanDirection.Backward, ScanDirection.Backward], doc.Channels.Select(c => c.Direction));
        AssertChannel(expected[0], doc.Channels[0], 1.0);
        AssertChannel(expected[2], doc.Channels[2], 1.0);
        // Gwyddion multiplies every channel by the topography factor; we keep current in DAC units.
        double q = expected[1].GetProperty("spots")[4][2].GetDouble() / doc.Channels[1][256, 256];
        AssertChannel(expected[1], doc.Channels[1], q, checkUnit: false);
        AssertChannel(expected[3], doc.Channels[3], q, checkUnit: false);
        Assert.Equal(0.05, doc.Channels[0].BiasVolts!.Value, 9);
        Assert.Equal(8.8e-11, doc.Channels[0].Setpoint!.Value, 1e-18);
    }

    [RealDataFact]
    public void Matrix_without_parameter_file_reads_raw_values_with_a_warning()
    {
        const string name = "2015Apr09-085359--4_2.Z_mtrx";
        var doc = StmFile.Read(TestData.Real(name));
        using var fx = TestData.Fixture(name);
        var ch = fx.RootElement.GetProperty("channels")[0];
        Assert.Contains(doc.Warnings, w => w.Contains("parameter file", StringComparison.Ordinal));
        Assert.Equal(4, doc.Channels.Count);
        var im = doc.Channels[0];
        Assert.False(im.PhysicalSizeKnown);
        Assert.Equal("", im.ZUnit);
        Assert.Equal(ch.GetProperty("xres").GetInt32(), im.Width);
        Assert.Equal(ch.GetProperty("yres").GetInt32(), im.Height);
        foreach (var s in ch.GetProperty("spots").EnumerateArray())
            Assert.Equal((float)s[2].GetDouble(), im[s[0].GetInt32(), s[1].GetInt32()]);
    }

    [RealDataFact]
    public void Sxm_metadata_bias_and_setpoint_come_from_the_header()
    {
        var eth = StmFile.Read(TestData.Real("eth_Si_7x7_051.sxm")).Channels[0];
        Assert.Equal(-2.0, eth.BiasVolts!.Value, 9);
        Assert.Equal(2.5e-10, eth.Setpoint!.Value, 1e-18);
        Assert.Equal("A", eth.SetpointUnit);
        Assert.Equal("down", eth.SlowScan);
        var pf = StmFile.Read(TestData.Real("pf_nanonis.sxm")).Channels[0];
        Assert.Equal(0.2688, pf.BiasVolts!.Value, 9);
        Assert.Equal(3.0e-11, pf.Setpoint!.Value, 1e-18);
    }

    [RealDataFact]
    public void Matrix_with_parameter_file_has_physical_size_bias_and_no_missing_pixels()
    {
        var doc = StmFile.Read(TestData.Real("2014Mar01-093225--7_100.Z_mtrx"));
        var im = doc.Channels[0];
        Assert.True(im.PhysicalSizeKnown);
        Assert.Equal(14e-9, im.RealWidth, 1e-18);
        Assert.Equal("m", im.ZUnit);
        Assert.Equal("up", im.SlowScan);
        Assert.DoesNotContain(im.Data, float.IsNaN);
        Assert.NotNull(im.BiasVolts);
    }

    private static void AssertChannel(JsonElement e, StmImage im, double valueScale, bool checkUnit = true)
    {
        string title = e.GetProperty("title").GetString()!;
        Assert.True(e.GetProperty("xres").GetInt32() == im.Width, $"{title}: width");
        Assert.True(e.GetProperty("yres").GetInt32() == im.Height, $"{title}: height");
        AssertRel(e.GetProperty("xreal").GetDouble(), im.RealWidth, 1e-9, $"{title}: xreal");
        AssertRel(e.GetProperty("yreal").GetDouble(), im.RealHeight, 1e-9, $"{title}: yreal");
        if (checkUnit) Assert.Equal(e.GetProperty("unit_z").GetString(), im.ZUnit);
        double mean = e.GetProperty("mean").GetDouble();
        double scale = Math.Abs(mean) + 1e-30;
        foreach (var s in e.GetProperty("spots").EnumerateArray())
        {
            int x = s[0].GetInt32(), y = s[1].GetInt32();
            double want = s[2].GetDouble(), got = im[x, y] * valueScale;
            Assert.True(Math.Abs(want - got) <= 1e-6 * Math.Max(Math.Abs(want), scale), $"{title} ({x},{y}): expected {want}, got {got}");
        }
        double ourMean = im.Data.Where(float.IsFinite).Average(v => (double)v) * valueScale;
        AssertRel(mean, ourMean, 1e-5, $"{title}: mean");
    }

    private static void AssertRel(double want, double got, double tol, string what) =>
        Assert.True(Math.Abs(want - got) <= tol * Math.Abs(want) + 1e-300, $"{what}: expected {want}, got {got}");
}
