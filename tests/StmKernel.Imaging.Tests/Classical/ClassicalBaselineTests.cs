using StmKernel.Imaging.Classical;
using Xunit.Abstractions;

namespace StmKernel.Imaging.Tests.Classical;

public class ClassicalBaselineTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData(RowAlignMethod.Median, 20.0)]      // measured +25.5 dB
    [InlineData(RowAlignMethod.MedianOfDifferences, 18.0)] // measured +22.5 dB
    [InlineData(RowAlignMethod.Matching, 18.0)]    // measured +23.0 dB
    public void Align_rows_removes_scan_line_offsets(RowAlignMethod method, double minGainDb)
    {
        var clean = Synthetic.Lattice();
        var bad = Synthetic.WithRowOffsets(clean, sigma: 0.5);
        var fixedImage = RowAlignment.Apply(bad, method);
        double before = Synthetic.Psnr(clean, bad), after = Synthetic.Psnr(clean, fixedImage);
        log.WriteLine($"{method}: PSNR {before:F2} → {after:F2} dB");
        Assert.True(after - before >= minGainDb, $"{method}: PSNR {before:F2} → {after:F2} dB, wanted +{minGainDb} dB");
    }

    [Fact]
    public void Median_of_differences_recovers_offsets_exactly_when_rows_share_a_profile()
    {
        int w = 31, h = 17;
        var d = new float[w * h];
        var rng = new Random(5);
        var offsets = Enumerable.Range(0, h).Select(_ => rng.NextDouble() * 4 - 2).ToArray();
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) d[y * w + x] = (float)(Math.Sin(x * 0.7) + offsets[y]);
        var o = RowAlignment.Apply(new StmImage(d, w, h), RowAlignMethod.MedianOfDifferences);
        for (int y = 1; y < h; y++)
            for (int x = 0; x < w; x++) Assert.Equal(o[x, 0], o[x, y], 4);
        // The mean level is kept.
        Assert.Equal(d.Average(v => (double)v), o.Data.Average(v => (double)v), 4);
    }

    [Theory]
    [InlineData(false, 0.9)] // the composed restoration's settings
    [InlineData(true, 0.7)]  // Gwyddion's defaults: also marks some lattice crests next to scars
    public void Scar_marking_finds_synthetic_scars_and_removal_raises_psnr(bool gwyddionDefaults, double minPrecision)
    {
        var clean = Synthetic.Lattice();
        var (bad, truth) = Synthetic.WithScars(clean, count: 8);
        var mark = Scars.Mark(bad, gwyddionDefaults ? new ScarOptions() : ClassicalRestoration.DefaultScars);
        int tp = 0, fp = 0, fn = 0;
        for (int i = 0; i < mark.Length; i++)
        {
            if (mark[i] && truth[i]) tp++;
            else if (mark[i]) fp++;
            else if (truth[i]) fn++;
        }
        double recall = tp / (double)(tp + fn), precision = tp / (double)Math.Max(1, tp + fp);
        var fixedImage = Scars.Fill(bad, mark);
        double before = Synthetic.Psnr(clean, bad), after = Synthetic.Psnr(clean, fixedImage);
        log.WriteLine($"scars (Gwyddion defaults: {gwyddionDefaults}): recall {recall:P1}, precision {precision:P1}, PSNR {before:F2} → {after:F2} dB");
        Assert.True(recall >= 0.9, $"recall {recall:P1}");
        Assert.True(precision >= minPrecision, $"precision {precision:P1}");
        Assert.True(after - before >= 15, $"PSNR {before:F2} → {after:F2} dB, wanted +15 dB"); // measured +22.6 / +18.0 dB
    }

    [Fact]
    public void Scar_marking_marks_nothing_on_a_clean_lattice()
    {
        var mark = Scars.Mark(Synthetic.Lattice(), ClassicalRestoration.DefaultScars);
        Assert.True(mark.Count(m => m) <= mark.Length / 1000, $"{mark.Count(m => m)} pixels marked on a clean image");
    }

    [Fact]
    public void Laplace_fill_reproduces_a_harmonic_function()
    {
        // x² − y² is harmonic; its discrete Laplacian is zero too, so the fill must recover it.
        int w = 25, h = 21;
        var d = new float[w * h];
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) d[y * w + x] = (float)((x - 12) * (x - 12) - (y - 10) * (y - 10)) / 100f;
        var mask = new bool[d.Length];
        for (int y = 8; y < 12; y++) for (int x = 5; x < 20; x++) mask[y * w + x] = true;
        var holed = (float[])d.Clone();
        for (int i = 0; i < d.Length; i++) if (mask[i]) holed[i] = 99f;
        var o = Scars.Fill(new StmImage(holed, w, h), mask);
        for (int i = 0; i < d.Length; i++) Assert.True(Math.Abs(o.Data[i] - d[i]) < 1e-3, $"pixel {i}: {o.Data[i]} vs {d[i]}");
    }

    [Fact]
    public void Plane_level_recovers_the_plane_and_is_linear()
    {
        var clean = Synthetic.Lattice();
        var tilted = Synthetic.WithPlane(clean, 0.03, -0.05);
        var (b0, c0) = PlaneLevel.Fit(clean.Data, clean.Width, clean.Height);
        var (b1, c1) = PlaneLevel.Fit(tilted.Data, tilted.Width, tilted.Height);
        Assert.Equal(0.03, b1 - b0, 6);
        Assert.Equal(-0.05, c1 - c0, 6);
        var a = PlaneLevel.Apply(clean);
        var b = PlaneLevel.Apply(tilted);
        // Levelling keeps the mean level, which the added plane shifted: compare up to that constant.
        double shift = b.Data.Average(v => (double)v) - a.Data.Average(v => (double)v);
        for (int i = 0; i < a.Data.Length; i++) Assert.True(Math.Abs(b.Data[i] - a.Data[i] - shift) < 1e-4, $"pixel {i}");
        // On an exact plane the fit is exact.
        var plane = Synthetic.WithPlane(new StmImage(new float[15 * 9], 15, 9), 0.25, 0.5);
        var (bp, cp) = PlaneLevel.Fit(plane.Data, 15, 9);
        Assert.Equal(0.25, bp, 9);
        Assert.Equal(0.5, cp, 9);
    }

    [Fact]
    public void Classical_restoration_fixes_offsets_scars_and_tilt_and_leaves_a_clean_image_nearly_unchanged()
    {
        var clean = Synthetic.Lattice();
        var untouched = ClassicalRestoration.Restore(clean);
        double cleanPsnr = Synthetic.Psnr(clean, untouched);
        var (scarred, _) = Synthetic.WithScars(Synthetic.WithRowOffsets(clean, 0.5), 8);
        var bad = Synthetic.WithPlane(scarred, 0.01, 0.02);
        var restored = ClassicalRestoration.Restore(bad);
        double before = Synthetic.Psnr(clean, bad), after = Synthetic.Psnr(clean, restored);
        log.WriteLine($"clean image: PSNR {cleanPsnr:F2} dB after restoration; degraded: {before:F2} → {after:F2} dB");
        Assert.True(cleanPsnr >= 35, $"clean image changed: PSNR {cleanPsnr:F2} dB");
        Assert.True(after - before >= 18, $"PSNR {before:F2} → {after:F2} dB, wanted +18 dB"); // measured +21.7 dB
        Assert.Equal(clean.PixelSizeX, restored.PixelSizeX);
        Assert.Equal("m", restored.ZUnit);
    }

    [Fact]
    public void Median_filter_matches_a_naive_reference_with_missing_pixels()
    {
        int w = 13, h = 9;
        var rng = new Random(7);
        var d = Enumerable.Range(0, w * h).Select(_ => (float)rng.NextDouble()).ToArray();
        d[20] = float.NaN; d[55] = float.NaN;
        var o = Filters.Median(new StmImage(d, w, h), 2);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int i = y * w + x;
                if (float.IsNaN(d[i])) { Assert.True(float.IsNaN(o.Data[i])); continue; }
                var win = new List<float>();
                for (int yy = y - 2; yy <= y + 2; yy++)
                    for (int xx = x - 2; xx <= x + 2; xx++)
                        if (yy >= 0 && yy < h && xx >= 0 && xx < w && !float.IsNaN(d[yy * w + xx])) win.Add(d[yy * w + xx]);
                var s = win.OrderBy(v => v).ToList();
                float want = s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
                Assert.Equal(want, o.Data[i], 5);
            }
    }

    [Fact]
    public void Gaussian_filter_matches_a_direct_two_dimensional_sum()
    {
        int w = 17, h = 11;
        var rng = new Random(8);
        var d = Enumerable.Range(0, w * h).Select(_ => (float)rng.NextDouble()).ToArray();
        double sigma = 1.3;
        int r = (int)Math.Ceiling(3 * sigma);
        var o = Filters.Gaussian(new StmImage(d, w, h), sigma);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                double s = 0, ws = 0;
                for (int yy = Math.Max(0, y - r); yy <= Math.Min(h - 1, y + r); yy++)
                    for (int xx = Math.Max(0, x - r); xx <= Math.Min(w - 1, x + r); xx++)
                    {
                        double k = Math.Exp(-((xx - x) * (xx - x) + (yy - y) * (yy - y)) / (2 * sigma * sigma));
                        s += k * d[yy * w + xx];
                        ws += k;
                    }
                Assert.Equal(s / ws, o.Data[y * w + x], 5);
            }
    }
}

public class ClassicalOnRealDataTests(ITestOutputHelper log)
{
    [RealDataFact]
    public void Default_scar_marking_finds_the_real_glitch_lines_of_the_matrix_scan_and_little_else()
    {
        // The trace-up plane shows three scan-line glitches by eye, near rows 70, 123 and 189
        // (see `stmkernel convert … --channel Z` preview); elsewhere it is a clean lattice.
        var im = StmFile.ReadChannel(TestData.Real("2014Mar01-093225--7_100.Z_mtrx"), "Z", ScanDirection.Forward);
        var levelled = RowAlignment.Apply(PlaneLevel.Apply(im));
        var mark = Scars.Mark(levelled, ClassicalRestoration.DefaultScars);
        int total = mark.Count(m => m), nearGlitch = 0;
        for (int i = 0; i < mark.Length; i++)
        {
            int y = i / im.Width;
            if (mark[i] && new[] { 70, 123, 189 }.Any(g => Math.Abs(y - g) <= 6)) nearGlitch++;
        }
        int gwyddionDefaults = Scars.Mark(levelled).Count(m => m);
        log.WriteLine($"default: {total} marked, {nearGlitch} near the glitches; Gwyddion defaults: {gwyddionDefaults} marked of {mark.Length}");
        Assert.True(total >= 200, $"only {total} pixels marked");
        Assert.True(total <= mark.Length / 100, $"{total} pixels marked");
        Assert.True(nearGlitch >= 0.8 * total, $"{nearGlitch} of {total} marked pixels near the glitch lines");
    }
}
