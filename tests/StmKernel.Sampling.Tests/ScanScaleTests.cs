using StmKernel.Sampling;
using StmKernel.Tensors;

namespace StmKernel.Sampling.Tests;

public class ScanScaleTests
{
    private static readonly (double Min, double Max) Range = (0.1e-9, 0.3e-9);

    [Theory]
    [InlineData(0.05e-9, 0.5e-9, 0.1e-9, 0.3e-9)]  // below / above: each axis clamped on its own
    [InlineData(0.2e-9, 0.25e-9, 0.2e-9, 0.25e-9)] // inside: unchanged
    [InlineData(0.4e-9, 0.02e-9, 0.3e-9, 0.1e-9)]
    [InlineData(0.1e-9, 0.3e-9, 0.1e-9, 0.3e-9)]   // on the ends
    public void PixelSizesAreClampedIntoTheRangePerAxis(double px, double py, double tx, double ty)
    {
        var s = ScanScale.For(px, py, Range);
        Assert.Equal((px, py, tx, ty), (s.PixelX, s.PixelY, s.TargetX, s.TargetY));
    }

    [Theory]
    [InlineData(0.0, 1e-10)]
    [InlineData(-1e-10, 1e-10)]
    [InlineData(1e-10, double.NaN)]
    [InlineData(double.PositiveInfinity, 1e-10)]
    public void BadPixelSizesThrow(double px, double py) =>
        Assert.Throws<ArgumentException>(() => ScanScale.For(px, py, Range));

    [Fact]
    public void IdentityMeansWithinOnePercentOnBothAxes()
    {
        Assert.True(ScanScale.For(0.2e-9, 0.2e-9, Range).IsIdentity);
        Assert.True(new ScanScale(0.2e-9 * 1.009, 0.2e-9 * 0.992, 0.2e-9, 0.2e-9).IsIdentity);
        Assert.False(new ScanScale(0.2e-9 * 1.011, 0.2e-9, 0.2e-9, 0.2e-9).IsIdentity);
        Assert.False(new ScanScale(0.2e-9, 0.2e-9 * 0.985, 0.2e-9, 0.2e-9).IsIdentity);
        Assert.False(ScanScale.For(0.078e-9, 0.078e-9, (0.195e-9, 0.195e-9)).IsIdentity);
        // An identity scale keeps the size even where rounding would move it by a pixel.
        Assert.Equal((301, 299), new ScanScale(0.2e-9 * 1.009, 0.2e-9 * 1.009, 0.2e-9, 0.2e-9).TargetSize(301, 299));
    }

    [Theory]
    [InlineData(256, 256, 0.078e-9, 0.078e-9, 0.195e-9, 0.195e-9, 102, 102)] // 256 · 0.078 / 0.195 = 102.4
    [InlineData(97, 131, 0.06e-9, 0.5e-9, 0.1e-9, 0.3e-9, 162, 79)]         // H 97 · 0.5 / 0.3 = 161.7, W 131 · 0.06 / 0.1 = 78.6
    [InlineData(41, 37, 0.42e-9, 0.42e-9, 0.1e-9, 0.3e-9, 57, 52)]          // ×1.4 up: 57.4, 51.8
    [InlineData(3, 3, 1e-12, 1e-12, 0.1e-9, 0.3e-9, 1, 1)]                 // never below one pixel
    public void TargetSizeKeepsThePhysicalExtent(int h, int w, double px, double py, double min, double max, int expectH, int expectW)
    {
        var s = ScanScale.For(px, py, (min, max));
        var (th, tw) = s.TargetSize(h, w);
        Assert.Equal((expectH, expectW), (th, tw));
        if (th == 1) return;
        // Physical extent: size × pixel is kept to within one target pixel on each axis.
        Assert.True(Math.Abs(w * s.PixelX - tw * s.TargetX) <= s.TargetX, $"width {w}×{s.PixelX} vs {tw}×{s.TargetX}");
        Assert.True(Math.Abs(h * s.PixelY - th * s.TargetY) <= s.TargetY, $"height {h}×{s.PixelY} vs {th}×{s.TargetY}");
    }

    [Fact]
    public void DescribeNamesBothScalesAndSizes()
    {
        Assert.Equal("0.078 nm/px → 0.195 nm/px (256×256 → 102×102 px)", ScanScale.For(0.078e-9, 0.078e-9, (0.195e-9, 0.195e-9)).Describe(256, 256));
        Assert.Equal("0.06×0.5 nm/px → 0.1×0.3 nm/px (131×97 → 79×162 px)", ScanScale.For(0.06e-9, 0.5e-9, Range).Describe(97, 131));
        Assert.Equal("0.2 nm/px (as scanned)", ScanScale.For(0.2e-9, 0.2e-9, Range).Describe(40, 30));
    }

    private static Tensor Smooth(int h, int w)
    {
        var t = new Tensor(h, w);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                t.Data[y * w + x] = (float)(0.3 + 0.5 * Math.Sin(2 * Math.PI * x / 47.0) * Math.Cos(2 * Math.PI * y / 39.0) + 0.002 * x);
        return t;
    }

    [Theory]
    [InlineData(0.078e-9, 0.078e-9)] // downsample ×1.28 into the range
    [InlineData(0.04e-9, 0.05e-9)]   // ×2.5 and ×2 down
    [InlineData(0.6e-9, 0.45e-9)]    // ×2 and ×1.5 up
    public void ARoundTripKeepsTheSizeAndASmoothImage(double px, double py)
    {
        const int h = 97, w = 131;
        var s = ScanScale.For(px, py, Range);
        var image = Smooth(h, w);
        var model = s.ToModel(image);
        Assert.Equal(s.TargetSize(h, w), (model.Dim(0), model.Dim(1)));
        Assert.NotEqual((h, w), (model.Dim(0), model.Dim(1)));
        var back = s.ToScan(model, h, w);
        Assert.Equal(new[] { h, w }, new[] { back.Dim(0), back.Dim(1) });
        double maxErr = 0;
        for (int y = 4; y < h - 4; y++)
            for (int x = 4; x < w - 4; x++) maxErr = Math.Max(maxErr, Math.Abs(back.Data[y * w + x] - image.Data[y * w + x]));
        Assert.True(maxErr < 0.05, $"round trip max error {maxErr:F4} (amplitude 0.5)");
    }

    [Fact]
    public void AnIdentityScaleReturnsTheImageItself()
    {
        var image = Smooth(31, 29);
        var s = ScanScale.For(0.2e-9, 0.2e-9, Range);
        Assert.Same(image, s.ToModel(image));
        Assert.Same(image, s.ToScan(image, 31, 29));
    }

    [Fact]
    public void NanPixelsSurviveARoundTripWhereTheyWere()
    {
        const int h = 83, w = 97;
        var image = Smooth(h, w);
        // A 20 × 24 block of NaN (an unscanned patch) and a 10 × 12 one in a corner.
        static bool InBlock(double y, double x, double margin) =>
            (y >= 30 - margin && y < 50 + margin && x >= 50 - margin && x < 74 + margin) || (y < 10 + margin && x < 12 + margin);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                if (InBlock(y, x, 0)) image.Data[y * w + x] = float.NaN;
        var s = ScanScale.For(0.04e-9, 0.04e-9, Range); // ×2.5 down and back up
        var model = s.ToModel(image);
        int mh = model.Dim(0), mw = model.Dim(1);
        Assert.Equal((33, 39), (mh, mw)); // 83 / 2.5 = 33.2, 97 / 2.5 = 38.8
        // At the model's scale a pixel reads the source within 2.5 px of its centre: NaN when all of that is NaN, finite when none is.
        int checkedNan = 0, checkedFinite = 0;
        for (int y = 0; y < mh; y++)
            for (int x = 0; x < mw; x++)
            {
                double cy = (y + 0.5) * h / mh - 0.5, cx = (x + 0.5) * w / mw - 0.5;
                float v = model.Data[y * mw + x];
                bool allIn = InBlock(cy - 3, cx - 3, 0) && InBlock(cy + 3, cx + 3, 0) && InBlock(cy - 3, cx + 3, 0) && InBlock(cy + 3, cx - 3, 0);
                bool farOut = !InBlock(cy, cx, 3);
                if (allIn) { Assert.True(float.IsNaN(v), $"model ({y}, {x}) should be NaN"); checkedNan++; }
                else if (farOut) { Assert.True(float.IsFinite(v), $"model ({y}, {x}) should be finite, got {v}"); checkedFinite++; }
            }
        Assert.True(checkedNan >= 20 && checkedFinite > mh * mw / 2, $"checked {checkedNan} NaN, {checkedFinite} finite");

        var back = s.ToScan(model, h, w);
        Assert.Equal(new[] { h, w }, new[] { back.Dim(0), back.Dim(1) });
        int nan = 0, inside = 0;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                float v = back.Data[y * w + x];
                if (float.IsNaN(v)) nan++;
                // Back up, a pixel reads the model pixels within one model pixel (2.5 px), which read 2.5 px further.
                if (InBlock(y, x, -6)) { Assert.True(float.IsNaN(v), $"({y}, {x}) inside the block should be NaN"); inside++; }
                else if (!InBlock(y, x, 6)) Assert.True(float.IsFinite(v), $"({y}, {x}) away from the block should be finite, got {v}");
            }
        Assert.True(inside >= 8 * 12, $"only {inside} pixels deep inside the blocks");
        // About as many NaN as went in (20·24 + 10·12 = 600): the mask is resampled and thresholded at one half.
        Assert.InRange(nan, 600 * 0.8, 600 * 1.2);
        // Finite pixels next to the block are not dragged to the fill value (the image mean) more than the image varies.
        Assert.True(Math.Abs(back.Data[40 * w + 82] - image.Data[40 * w + 82]) < 0.1, $"{back.Data[40 * w + 82]} vs {image.Data[40 * w + 82]}");
    }

    [Fact]
    public void OnlyTwoDimensionalImagesAreResampled()
    {
        var s = ScanScale.For(0.05e-9, 0.05e-9, Range);
        Assert.Throws<ArgumentException>(() => s.ToModel(new Tensor(1, 10, 10)));
    }
}
