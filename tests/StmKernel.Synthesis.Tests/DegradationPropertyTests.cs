using StmKernel.Synthesis.Degradations;

namespace StmKernel.Synthesis.Tests;

public class DegradationPropertyTests
{
    [Fact]
    public void RotationFollowsNumpyRot90()
    {
        // np.rot90([[1, 2, 3], [4, 5, 6]]) = [[3, 6], [2, 5], [1, 4]].
        var p = new Plane(3, 2, [1, 2, 3, 4, 5, 6]);
        Assert.Equal([3f, 6, 2, 5, 1, 4], Rotation90.Apply(p, 1).Data);
        Assert.Equal([6f, 5, 4, 3, 2, 1], Rotation90.Apply(p, 2).Data);
        Assert.Equal([4f, 1, 5, 2, 6, 3], Rotation90.Apply(p, 3).Data);
        var r = TestImages.Random(7, 5, 1);
        Assert.Equal(r.Data, Rotation90.Apply(Rotation90.Apply(Rotation90.Apply(Rotation90.Apply(r, 1), 1), 1), 1).Data);
    }

    [Fact]
    public void MultiTipWithZeroAmplitudeIsIdentity()
    {
        var h = TestImages.Random(40, 33, 2);
        var kernels = new[]
        {
            new TipKernel(TipKernelKind.Gaussian, 2, 0, null),
            new TipKernel(TipKernelKind.Median, 0, 5, null),
            new TipKernel(TipKernelKind.Random, 0, 5, Enumerable.Repeat(1f / 25, 25).ToArray()),
        };
        var p = new MultiTipParameters(kernels.Select(k => new TipCopy(6, 8, 0, 4.5, 2.5, k)).ToArray());
        Assert.Equal(h.Data, MultiTip.Apply(h, p).Data);
    }

    [Fact]
    public void MultiTipAddsAShiftedSigmoidGhost()
    {
        // A single bright pixel: the ghost (median k = 1 is no filtering) appears at +offset with
        // height A·σ(d − c); elsewhere A·σ(−c) is added.
        var h = new Plane(30, 30);
        h[10, 8] = 1;
        var tip = new TipCopy(C: 6, D: 9, A: 2, OffsetX: 5, OffsetY: 3, new TipKernel(TipKernelKind.Median, 0, 1, null));
        var f = MultiTip.Apply(h, new MultiTipParameters([tip]));
        double background = 2 / (1 + Math.Exp(6)), ghost = 2 / (1 + Math.Exp(6 - 9));
        Assert.Equal(1 + background, f[10, 8], 5);
        Assert.Equal(ghost, f[13, 13], 5);
        Assert.Equal(background, f[20, 20], 5);
    }

    [Fact]
    public void MultiTipInsetComputesTheSameMiddle()
    {
        var h = TestImages.Random(70, 64, 12);
        var rng = new Rng(13);
        for (int i = 0; i < 8; i++)
        {
            var p = MultiTip.Sample(rng);
            var full = MultiTip.Apply(h, p);
            var inset = MultiTip.Apply(h, p, inset: 20);
            for (int y = 0; y < 64; y++)
                for (int x = 0; x < 70; x++)
                {
                    bool inside = x >= 20 && x < 50 && y >= 20 && y < 44;
                    Assert.Equal(inside ? full[y, x] : h[y, x], inset[y, x], 5);
                }
        }
    }

    [Fact]
    public void MisalignmentMovesWholeLinesAndKeepsTheirValues()
    {
        var src = TestImages.Random(50, 20, 3);
        var shifts = Enumerable.Range(0, 20).Select(i => i % 5 - 2).ToArray();
        var dst = ScanLineMisalignment.Apply(src, shifts);
        for (int y = 0; y < 20; y++)
            for (int x = 2; x < 48; x++) Assert.Equal(src[y, x - shifts[y]], dst[y, x]);
    }

    [Fact]
    public void BluntTipWithVanishingSigmaIsIdentityAndBlurSmooths()
    {
        var src = TestImages.Random(31, 17, 4);
        Assert.Equal(src.Data, BluntTip.Apply(src, 1e-6).Data);
        Assert.Equal(src.Data, BluntTip.Apply(src, 0).Data);
        var blurred = BluntTip.Apply(src, 0.6);
        Assert.True(Variance(blurred) < 0.8 * Variance(src));
    }

    [Fact]
    public void TipChangeBlursFromItsLineOnAndOffsetsThatLine()
    {
        var src = TestImages.Random(24, 20, 5);
        var p = new TipChangeParameters(Line: 8, Sigma: 1.3, Offset: -0.25);
        var dst = TipChange.Apply(src, p);
        var blurred = Filters.Gaussian(src, 1.3);
        for (int y = 0; y < 20; y++)
            for (int x = 0; x < 24; x++)
            {
                float expected = y < 8 ? src[y, x] : blurred[y, x] + (y == 8 ? -0.25f : 0);
                Assert.Equal(expected, dst[y, x], 6);
            }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void SrKeepsExactlyEveryKthLine(int k)
    {
        var src = TestImages.Random(16, 37, 6);
        var dst = LineDownsample.Apply(src, k);
        for (int y = 0; y < 37; y++) Assert.Equal(src.Row(y - y % k).ToArray(), dst.Row(y).ToArray());
        // The lines in between are gone: nothing of line 1 survives.
        Assert.DoesNotContain(src[1, 0], dst.Data);
    }

    [Fact]
    public void ScanLineNoiseTouchesOnlyItsSegmentsWithTheStatedProfiles()
    {
        var src = TestImages.Random(128, 40, 7);
        var segs = new[]
        {
            new NoiseSegment(3, 10, 50, SegmentShape.Constant, 0.3, 0, 0, 0, 0),
            new NoiseSegment(7, 0, 102, SegmentShape.LogNormal, 1, 1.5, 0.7, 0, 0),
            new NoiseSegment(9, 20, 30, SegmentShape.Sine, 0.1, 0, 0, 6, 0.5),
        };
        var dst = ScanLineNoise.Apply(src, new ScanLineNoiseParameters(segs));
        for (int y = 0; y < 40; y++)
            for (int x = 0; x < 128; x++)
            {
                double add = 0;
                if (y == 3 && x >= 10 && x < 60) add = 0.3;
                if (y == 7 && x < 102)
                {
                    double t = x + 1, z = (Math.Log(t) - 1.5) / 0.7;
                    add = Math.Exp(-z * z / 2) / (t * 0.7 * Math.Sqrt(2 * Math.PI));
                }
                if (y == 9 && x >= 20 && x < 50) add = 0.1 * Math.Sin(2 * Math.PI * (x - 20) / 6 + 0.5);
                Assert.Equal(src[y, x] + add, dst[y, x], 5);
            }
    }

    [Fact]
    public void NormalisationHitsTheBoundsExactly()
    {
        var src = TestImages.Random(9, 9, 8);
        var n = Normalisation.ToSymmetricUnit(src);
        Assert.Equal(-1f, n.Data.Min());
        Assert.Equal(1f, n.Data.Max());
        var u = Normalisation.ToUnit(src);
        Assert.Equal(0f, u.Data.Min());
        Assert.Equal(1f, u.Data.Max());
        Assert.All(Normalisation.ToSymmetricUnit(new Plane(4, 4)).Data, v => Assert.Equal(0f, v));
        var nan = new Plane(2, 2); nan[0, 0] = float.NaN;
        Assert.Throws<ArgumentException>(() => Normalisation.ToUnit(nan));
    }

    [Fact]
    public void WindowedPipelineEqualsWholeImageProcessing()
    {
        // The pipeline runs steps 2–3 on the crop plus a margin; the reference runs them on the
        // whole (mirror-padded) rotated image and crops afterwards.
        var source = TestImages.Random(160, 150, 9);
        var settings = DegradationSettings.ForMode(DegradationMode.MultiTip) with { MisalignProbability = 1 };
        var pipeline = new DegradationPipeline(settings);
        for (int seed = 0; seed < 4; seed++)
        {
            var plan = pipeline.Sample(new Rng(seed), 160, 150);
            var (_, degraded) = pipeline.Apply(source, plan);

            var rotated = Rotation90.Apply(source, plan.QuarterTurns);
            int m = DegradationPipeline.Margin;
            var padded = DegradationPipeline.MirroredWindow(rotated, -m, -m, Math.Max(rotated.Width, rotated.Height) + 2 * m);
            var whole = MultiTip.Apply(padded, plan.MultiTip!);
            var shifts = new int[whole.Height];
            plan.LineShifts!.CopyTo(shifts, plan.CropY + m);
            whole = ScanLineMisalignment.Apply(whole, shifts);
            var expected = Normalisation.ToSymmetricUnit(whole.Crop(plan.CropX + m, plan.CropY + m, 128, 128));
            for (int i = 0; i < expected.Data.Length; i++) Assert.Equal(expected.Data[i], degraded.Data[i], 5);
        }
    }

    [Fact]
    public void CleanChannelIsTheRotatedCropOfTheSource()
    {
        var source = TestImages.Random(150, 140, 10);
        var pipeline = new DegradationPipeline(DegradationSettings.Paper());
        var (clean, degraded, plan) = pipeline.Run(source, new Rng(11));
        var expected = Normalisation.ToSymmetricUnit(Rotation90.Apply(source, plan.QuarterTurns).Crop(plan.CropX, plan.CropY, 128, 128));
        Assert.Equal(expected.Data, clean.Data);
        Assert.Equal(-1f, degraded.Data.Min());
        Assert.Equal(1f, degraded.Data.Max());
    }

    [Fact]
    public void SourceSmallerThanTheCropIsRejected()
    {
        var pipeline = new DegradationPipeline(DegradationSettings.Paper());
        var e = Assert.Throws<ArgumentException>(() => pipeline.Sample(new Rng(1), 100, 300));
        Assert.Contains("smaller than the 128×128 crop", e.Message);
    }

    private static double Variance(Plane p)
    {
        double m = p.Data.Average(v => (double)v);
        return p.Data.Average(v => (v - m) * (v - m));
    }
}
