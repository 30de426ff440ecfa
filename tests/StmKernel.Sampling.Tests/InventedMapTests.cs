using StmKernel.Sampling;
using StmKernel.Tensors;

namespace StmKernel.Sampling.Tests;

public class InventedMapTests
{
    private const int H = 61, W = 67;

    /// <summary>Bright round defects (Gaussian, σ 2 px) at fixed places on a dim row lattice.</summary>
    private static readonly (int X, int Y)[] Blobs = [(12, 10), (40, 14), (20, 40), (52, 44), (33, 27)];

    private const double BlobAmplitude = 1.0, BlobSigma = 2.0, LatticeAmplitude = 0.1;

    private static float Blob(int x, int y, (int X, int Y) c) =>
        (float)(BlobAmplitude * Math.Exp(-((x - c.X) * (x - c.X) + (y - c.Y) * (y - c.Y)) / (2 * BlobSigma * BlobSigma)));

    /// <summary>The clean surface: a lattice (periods 5 × 4 px) plus the blobs, optionally leaving one out.</summary>
    private static float[] Surface(int omit = -1)
    {
        var s = new float[H * W];
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
            {
                double v = LatticeAmplitude * Math.Cos(2 * Math.PI * y / 4.0) * Math.Cos(2 * Math.PI * x / 5.0);
                for (int b = 0; b < Blobs.Length; b++) if (b != omit) v += Blob(x, y, Blobs[b]);
                s[y * W + x] = (float)v;
            }
        return s;
    }

    private static Tensor Image(float[] data) => new(data, H, W);

    private static float[] Score(float[] input, float[] restored, float[]? std = null) =>
        InventedMap.Compute(Image(input), Image(restored), std is null ? null : Image(std)).Data;

    private static float MaxAround(float[] score, (int X, int Y) c, int r)
    {
        float m = 0;
        for (int y = c.Y - r; y <= c.Y + r; y++)
            for (int x = c.X - r; x <= c.X + r; x++) m = Math.Max(m, score[y * W + x]);
        return m;
    }

    /// <summary>A second tip 5 px right and 3 px down images every blob at half strength (paper eq. 1, one extra tip).</summary>
    private static float[] WithGhosts(float[] clean)
    {
        var input = (float[])clean.Clone();
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
                foreach (var c in Blobs) input[y * W + x] += 0.5f * Blob(x, y, (c.X + 5, c.Y + 3));
        return input;
    }

    [Fact]
    public void RemovedGhostsAreExplainedButAVanishedDefectIsNot()
    {
        var clean = Surface();
        var input = WithGhosts(clean);

        // Restoration 1 removed exactly the ghosts: nothing is invented anywhere, ghost sites included.
        var good = Score(input, clean);
        foreach (var c in Blobs) Assert.True(MaxAround(good, (c.X + 5, c.Y + 3), 2) < 0.25f, $"ghost at ({c.X + 5}, {c.Y + 3}) scored {MaxAround(good, (c.X + 5, c.Y + 3), 2)}");
        Assert.True(good.Max() < InventedMap.FlagThreshold, $"max score {good.Max()} with the ghosts explained");

        // Restoration 2 also removed the real defect at (20, 40), which the input shows (with its ghost at (25, 43)).
        var lost = Score(input, Surface(omit: 2));
        // Hand estimate at the defect's centre: the change is the whole blob, amplitude 1 of the input's
        // range ≈ 1.1 (→ 1.8 normalised units); RMS of a σ = 2 Gaussian over the 5 × 5 window ≈ 0.55 of its
        // peak → ≈ 1.0, score ≈ 1.0 / 1.1 ≈ 0.9. The fits absorb a little of it: require ≥ 0.8.
        Assert.True(lost[40 * W + 20] >= 0.8f, $"vanished defect scored {lost[40 * W + 20]}");
        // The other blobs score clearly lower. Known weakness: they score higher than with the good
        // restoration (up to ≈ 0.47 against 0.06), because the lines through the lost defect fit part of it
        // as a line offset, which moves the range estimate of the clean image.
        foreach (var c in Blobs.Where((_, i) => i != 2))
            Assert.True(MaxAround(lost, c, 2) < lost[40 * W + 20] - 0.3f, $"blob at {c} scored {MaxAround(lost, c, 2)}");
    }

    [Fact]
    public void AnAddedFeatureIsFlagged()
    {
        // The input lacks blob 4; the restoration paints it: invented.
        var input = Surface(omit: 4);
        var score = Score(input, Surface());
        // Hand estimate as for a vanished defect, ≈ 0.9; the line fits absorb part of a feature the input
        // lacks (gain clamped to 0.8–1.25, then offset and ramp): require ≥ 0.65.
        Assert.True(score[27 * W + 33] >= 0.65f, $"added feature scored {score[27 * W + 33]}");
        // Untouched blobs score lower, but (the weakness of the test above) not low: up to ≈ 0.58.
        foreach (var c in Blobs.Where((_, i) => i != 4))
            Assert.True(MaxAround(score, c, 2) < score[27 * W + 33] - 0.1f, $"untouched blob at {c} scored {MaxAround(score, c, 2)}");
    }

    [Fact]
    public void LineOffsetsAndRampsAreExplained()
    {
        var clean = Surface();
        var input = (float[])clean.Clone();
        var rng = new Random(5);
        // 8 scan lines with an offset and a ramp (tip jumps, drift), and one segment offset on part of
        // line 31. They stay inside the clean range (lines clear of the blobs, offsets 0–0.4 of the blob
        // height 1): a line defect that widens the range changes the input's normalisation, which the
        // map keeps as a contrast change (docs/uncertainty.md).
        foreach (int line in new[] { 1, 3, 4, 20, 21, 33, 52, 58 })
        {
            double offset = rng.NextDouble() * 0.4, slope = (rng.NextDouble() - 0.5) * 0.004;
            for (int x = 0; x < W; x++) input[line * W + x] += (float)(offset + slope * x);
        }
        for (int x = 10; x < 40; x++) input[31 * W + x] += 0.3f;

        var score = Score(input, clean);
        Assert.True(score.Max() < 0.3f, $"max score {score.Max()} on line defects the model removed");
        // Control: the same change spread over a 7-line band is not a line defect.
        var band = (float[])clean.Clone();
        for (int y = 20; y < 27; y++)
            for (int x = 10; x < 40; x++) band[y * W + x] += 0.3f;
        Assert.True(Score(band, clean)[23 * W + 25] >= InventedMap.FlagThreshold, "a 7-line patch the model removed must be flagged");
    }

    [Fact]
    public void IdenticalImagesScoreTheEnsembleSpreadAlone()
    {
        var clean = Surface();
        Assert.True(Score(clean, clean).Max() < 1e-3f);
        // Explained change 0, spread s: E = √(k·s²) in normalised units (s / half-range), score = E / (E + 0.1).
        var (min, max) = (clean.Min(), clean.Max());
        double half = (max - min) / 2.0, s = 0.05 * half;
        var std = Enumerable.Repeat((float)s, H * W).ToArray();
        double e = Math.Sqrt(InventedMap.SpreadWeight) * 0.05, expected = e / (e + InventedMap.HalfScoreChange);
        foreach (float v in Score(clean, clean, std)) Assert.Equal(expected, v, 3);
    }

    [Fact]
    public void DoesNotDependOnUnitsAndIsDeterministic()
    {
        var clean = Surface();
        var input = WithGhosts(clean);
        var restored = Surface(omit: 1);
        var std = restored.Select((v, i) => 0.02f + 0.01f * (i % 7)).ToArray();
        var a = Score(input, restored, std);
        Assert.Equal(a, Score(input, restored, std));
        // Heights in metres with an offset: same map.
        var b = Score(Scale(input), Scale(restored), std.Select(v => v * 3e-10f).ToArray());
        Assert.True(a.Zip(b).Max(t => Math.Abs(t.First - t.Second)) < 1e-3f, $"max difference {a.Zip(b).Max(t => Math.Abs(t.First - t.Second))}");

        static float[] Scale(float[] v) => v.Select(t => t * 3e-10f - 6.8e-8f).ToArray();
    }

    [Fact]
    public void MissingPixelsStayMissingAndShapesAreChecked()
    {
        var clean = Surface();
        var input = WithGhosts(clean);
        input[5 * W + 7] = float.NaN;
        var score = Score(input, clean);
        Assert.True(float.IsNaN(score[5 * W + 7]));
        Assert.Equal(H * W - 1, score.Count(float.IsFinite));
        Assert.All(score.Where(float.IsFinite), v => Assert.InRange(v, 0f, 1f));

        var e = Assert.Throws<ArgumentException>(() => InventedMap.Compute(Image(clean), new Tensor(H, W + 1), null));
        Assert.Contains($"[{H}, {W + 1}], expected the input's [{H}, {W}]", e.Message);
        e = Assert.Throws<ArgumentException>(() => InventedMap.Compute(new Tensor(1, H, W), new Tensor(1, H, W), null));
        Assert.Contains("[1, 61, 67]", e.Message);
    }

    [Fact]
    public void BoxMeanMatchesTheDirectSumWithRepeatedEdges()
    {
        int h = 9, w = 13, r = 2;
        var rng = new Random(3);
        var v = Enumerable.Range(0, h * w).Select(_ => (float)rng.NextDouble()).ToArray();
        var box = InventedMapFilters.BoxMean(v, h, w, r);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                double s = 0;
                for (int dy = -r; dy <= r; dy++)
                    for (int dx = -r; dx <= r; dx++) s += v[Math.Clamp(y + dy, 0, h - 1) * w + Math.Clamp(x + dx, 0, w - 1)];
                Assert.Equal(s / 25, box[y * w + x], 5);
            }
    }
}
