using System.Text.Json;
using StmKernel.Synthesis.Degradations;
using StmKernel.Synthesis.Pairs;
using StmKernel.Synthesis.Surface;

namespace StmKernel.Synthesis.Tests;

public class LineFlattenTests
{
    /// <summary>Median of the finite values; the mean of the two middle ones for an even count. Written independently of the library.</summary>
    private static double NaiveMedian(IEnumerable<float> values)
    {
        var v = values.Where(float.IsFinite).Select(x => (double)x).OrderBy(x => x).ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    /// <summary>Each row minus its own median: after it every row's median is 0.</summary>
    private static Plane NaiveRowMedianSubtraction(Plane p)
    {
        var o = p.Clone();
        for (int y = 0; y < p.Height; y++)
        {
            double m = NaiveMedian(p.Row(y).ToArray());
            foreach (ref float v in o.Row(y)) v = (float)(v - m);
        }
        return o;
    }

    private static double[] RowMedians(Plane p) => Enumerable.Range(0, p.Height).Select(y => NaiveMedian(p.Row(y).ToArray())).ToArray();

    [Fact]
    public void FlattenLinesOnAHandComputedFiveByFourImage()
    {
        // Row medians (hand): 3; 5; 7.5 (the NaN leaves 4 values: mean of 7 and 8); 0. Their mean, 3.875, is the level kept.
        var p = new Plane(5, 4,
        [
            3, 1, 4, 1, 5,
            9, 2, 6, 5, 3,
            5, float.NaN, 8, 9, 7,
            -2, 0, 4, -6, 10,
        ]);
        float[] expected =
        [
            3.875f, 1.875f, 4.875f, 1.875f, 5.875f,    // − (3 − 3.875)
            7.875f, 0.875f, 4.875f, 3.875f, 1.875f,    // − (5 − 3.875)
            1.375f, float.NaN, 4.375f, 5.375f, 3.375f, // − (7.5 − 3.875)
            1.875f, 3.875f, 7.875f, -2.125f, 13.875f,  // − (0 − 3.875)
        ];
        var got = DegradationPipeline.FlattenLines(p);
        Assert.Equal((5, 4), (got.Width, got.Height));
        for (int i = 0; i < expected.Length; i++)
            if (float.IsNaN(expected[i])) Assert.True(float.IsNaN(got.Data[i]), $"pixel {i} should stay NaN");
            else Assert.Equal(expected[i], got.Data[i], 1e-6);
        Assert.Equal(3f, p.Data[0]); // the input is not changed
    }

    [Fact]
    public void FlattenLinesOnAnEvenWidthImage()
    {
        // Medians: (2 + 5) / 2 = 3.5; 0; (4 + 7) / 2 = 5.5. Mean 3.
        var p = new Plane(4, 3, [1, 5, 2, 8, 0, 0, 0, 0, -3, 7, 4, 10]);
        float[] expected = [0.5f, 4.5f, 1.5f, 7.5f, 3, 3, 3, 3, -5.5f, 4.5f, 1.5f, 7.5f];
        Assert.Equal(expected, DegradationPipeline.FlattenLines(p).Data);
    }

    [Theory]
    [InlineData(33, 17, 1)]
    [InlineData(64, 64, 2)]
    [InlineData(8, 41, 3)]
    public void FlattenLinesIsRowMedianSubtractionUpToOneConstant(int w, int h, long seed)
    {
        var p = TestImages.Random(w, h, seed);
        for (int y = 0; y < h; y++) foreach (ref float v in p.Row(y)) v += 0.37f * y % 3; // line offsets
        var flat = DegradationPipeline.FlattenLines(p);
        var naive = NaiveRowMedianSubtraction(p);
        // Every row's median is 0 after the naive subtraction; FlattenLines keeps the image level (the mean of the row
        // medians), which the per-channel normalisation that follows removes: the difference is that one constant.
        double level = RowMedians(p).Average();
        for (int i = 0; i < flat.Data.Length; i++) Assert.Equal(naive.Data[i] + level, flat.Data[i], 1e-5);
        Assert.All(RowMedians(naive), m => Assert.Equal(0, m, 1e-6));
        Assert.All(RowMedians(flat), m => Assert.Equal(level, m, 1e-5));
    }

    private static readonly SurfaceParameters Small = new() { Width = 144, Height = 144 };

    private static string PlanJson(DegradationPlan plan) => JsonSerializer.Serialize(plan, ManifestJson.Default.DegradationPlan);

    [Fact]
    public void WithLineFlattenEveryRowOfBothCropsHasOneMedianAndTheRestIsUnchanged()
    {
        var source = new ProceduralSource(Small, 21);
        var off = new DegradationPipeline(DegradationSettings.Paper() with { CropSize = 96 });
        var on = new DegradationPipeline(DegradationSettings.Paper() with { CropSize = 96, LineFlatten = true });
        int withLineNoise = 0;
        for (int i = 0; i < 8; i++)
        {
            var (image, _) = source.Draw(DataSplit.Train, i, new Rng(i));
            var a = off.Run(image, new Rng(100 + i));
            var b = on.Run(image, new Rng(100 + i));
            // The flag draws nothing: the same stream gives the same plan.
            Assert.Equal(PlanJson(a.Plan), PlanJson(b.Plan));
            if (a.Plan.LineNoise is not null) withLineNoise++;
            foreach (var (plain, flat) in new[] { (a.Clean, b.Clean), (a.Degraded, b.Degraded) })
            {
                // Normalisation is affine, so "median 0 on every row before it" shows as one median shared by every row after it …
                var medians = RowMedians(flat);
                Assert.All(medians, m => Assert.Equal(medians[0], m, 1e-5));
                // … and the flattened crop is the plain one with each row's median removed, renormalised.
                var want = Normalisation.ToSymmetricUnit(NaiveRowMedianSubtraction(plain));
                for (int k = 0; k < want.Data.Length; k++) Assert.Equal(want.Data[k], flat.Data[k], 1e-4);
                Assert.Equal((-1f, 1f), flat.Range());
            }
        }
        Assert.True(withLineNoise > 0, "no pair with line noise among the eight: the test would not see flattening matter");
    }

    [Fact]
    public void WithLineFlattenOffThePipelineIsBitIdenticalToTheDefault()
    {
        Assert.False(DegradationSettings.Paper().LineFlatten);
        Assert.False(new DegradationSettings().LineFlatten);
        foreach (int sr in new[] { 1, 2, 4 })
        {
            var byDefault = new PairSource(new ProceduralSource(Small, 8), DegradationSettings.Paper(sr), 8);
            var explicitOff = new PairSource(new ProceduralSource(Small, 8), DegradationSettings.Paper(sr) with { LineFlatten = false }, 8);
            var flattened = new PairSource(new ProceduralSource(Small, 8), DegradationSettings.Paper(sr) with { LineFlatten = true }, 8);
            bool anyDiffers = false;
            for (int i = 0; i < 4; i++)
            {
                var a = byDefault.Get(DataSplit.Validation, i);
                var b = explicitOff.Get(DataSplit.Validation, i);
                Assert.Equal(a.Clean.Data, b.Clean.Data);
                Assert.Equal(a.Degraded.Data, b.Degraded.Data);
                Assert.Equal(a.SourceId, b.SourceId);
                anyDiffers |= !a.Clean.Data.SequenceEqual(flattened.Get(DataSplit.Validation, i).Clean.Data);
            }
            Assert.True(anyDiffers, "LineFlatten = true should change the clean crops (the comparison would be vacuous otherwise)");
        }
    }
}
