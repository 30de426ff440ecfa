using StmKernel.Synthesis.Degradations;

namespace StmKernel.Synthesis.Tests;

/// <summary>Sampled parameters against the paper's stated distributions (fixed seeds, α = 0.001).</summary>
public class DistributionTests
{
    private static readonly DegradationPipeline Paper = new(DegradationSettings.Paper());

    /// <summary>Plans only (no pixels): cheap to draw thousands.</summary>
    private static DegradationPlan[] Plans(int n, DegradationPipeline? pipeline = null) =>
        Enumerable.Range(0, n).Select(i => (pipeline ?? Paper).Sample(Rng.Derive(1234, i), 512, 512)).ToArray();

    [Fact]
    public void RotationAndCropAreUniform()
    {
        var plans = Plans(4000);
        var turns = new int[4];
        foreach (var p in plans) turns[p.QuarterTurns]++;
        Stats.AssertCategorical(turns, [0.25, 0.25, 0.25, 0.25], "rotation");
        Stats.AssertUniform(plans.Select(p => p.CropX + 0.5), 0, 385, "crop x");
        Stats.AssertUniform(plans.Select(p => p.CropY + 0.5), 0, 385, "crop y");
    }

    [Fact]
    public void MultiTipParametersFollowEquationOne()
    {
        var rng = new Rng(99);
        var samples = Enumerable.Range(0, 3000).Select(_ => MultiTip.Sample(rng)).ToArray();
        var n = new int[3];
        foreach (var s in samples) n[s.Copies.Length - 2]++;
        Stats.AssertCategorical(n, [0.5, 0.3, 0.2], "number of tips");
        var tips = samples.SelectMany(s => s.Copies).ToArray();
        Stats.AssertUniform(tips.Select(t => t.C), 5, 9, "c");
        Stats.AssertUniform(tips.Select(t => t.D), 7, 10, "d");
        Stats.AssertUniform(tips.Select(t => t.A), 1, 2.5, "A");
        Stats.AssertUniform(tips.Select(t => t.OffsetX), 1, 11, "x offset");
        Stats.AssertUniform(tips.Select(t => t.OffsetY), 1, 11, "y offset");

        var kinds = new int[3];
        foreach (var t in tips) kinds[(int)t.Kernel.Kind]++;
        Stats.AssertCategorical(kinds, [0.3, 0.4, 0.3], "kernel kind");
        Stats.AssertUniform(tips.Where(t => t.Kernel.Kind == TipKernelKind.Gaussian).Select(t => t.Kernel.Sigma), 1, 3, "Gaussian σ");
        var medianSizes = new int[9];
        foreach (var t in tips.Where(t => t.Kernel.Kind == TipKernelKind.Median)) medianSizes[t.Kernel.Size - 1]++;
        Stats.AssertCategorical(medianSizes, Enumerable.Repeat(1.0 / 9, 9).ToArray(), "median size");
        var random = tips.Where(t => t.Kernel.Kind == TipKernelKind.Random).ToArray();
        Stats.AssertCategorical([random.Count(t => t.Kernel.Size == 5), random.Count(t => t.Kernel.Size == 6)], [0.5, 0.5], "random kernel size");
        Assert.All(random, t => Assert.Equal(1.0, t.Kernel.Weights!.Sum(), 4));
    }

    [Fact]
    public void RandomKernelEntriesAreUniformBeforeNormalisation()
    {
        // The kernel keeps only normalised weights; replay each kernel's random stream to recover the
        // raw entries, check the normalisation against them, and test the raw entries' law.
        var raw = new List<double>();
        for (int i = 0; i < 400; i++)
        {
            var probe = new Rng(1000 + i);
            var k = MultiTip.SampleKernel(probe);
            if (k.Kind != TipKernelKind.Random) continue;
            // Replay the same stream: kind draw, size draw, then the k² raw entries.
            var replay = new Rng(1000 + i);
            replay.Categorical(MultiTip.KernelWeights);
            replay.UniformInt(5, 6);
            var entries = Enumerable.Range(0, k.Size * k.Size).Select(_ => replay.Uniform(-0.5, 1)).ToArray();
            if (entries.Sum() < 1) continue; // redrawn kernel: skip
            for (int j = 0; j < entries.Length; j++) Assert.True(Math.Abs(entries[j] / entries.Sum() - k.Weights![j]) < 1e-6);
            raw.AddRange(entries);
        }
        Stats.AssertUniform(raw, -0.5, 1, "random kernel entries");
    }

    [Fact]
    public void StepProbabilitiesMatchThePaper()
    {
        var plans = Plans(3000);
        Assert.All(plans, p => Assert.NotNull(p.MultiTip));
        Stats.AssertRate(plans.Count(p => p.LineShifts is not null), plans.Length, 0.3, "misalignment");
        Stats.AssertRate(plans.Count(p => p.BluntSigma is not null), plans.Length, 0.6, "blunt tip");
        Stats.AssertRate(plans.Count(p => p.TipChange is not null), plans.Length, 0.6, "tip change");
        Stats.AssertRate(plans.Count(p => p.LineNoise is not null), plans.Length, 0.6, "scan-line noise");
        Assert.All(plans, p => Assert.Equal(1, p.SrFactor));
    }

    [Fact]
    public void CleanShareSkipsEveryDegradationButKeepsTheRest()
    {
        var settings = DegradationSettings.Paper(4) with { CleanProbability = 0.25 };
        var plans = Plans(3000, new DegradationPipeline(settings));
        bool Untouched(DegradationPlan p) => p.MultiTip is null && p.LineShifts is null && p.BluntSigma is null && p.TipChange is null && p.LineNoise is null;
        var clean = plans.Where(Untouched).ToArray();
        // Under the paper's settings every degraded plan has a multi-tip, so "untouched" is exactly the clean share.
        Stats.AssertRate(clean.Length, plans.Length, 0.25, "clean share");
        Assert.All(plans, p => Assert.Equal(4, p.SrFactor));
        var degraded = plans.Where(p => !Untouched(p)).ToArray();
        Assert.All(degraded, p => Assert.NotNull(p.MultiTip));
        Stats.AssertRate(degraded.Count(p => p.BluntSigma is not null), degraded.Length, 0.6, "blunt tip among degraded");
        Stats.AssertUniform(clean.Select(p => p.CropX + 0.5), 0, 385, "crop x of clean plans");
    }

    [Fact]
    public void ZeroCleanShareKeepsThePaperStream()
    {
        var explicitZero = Plans(200, new DegradationPipeline(DegradationSettings.Paper() with { CleanProbability = 0 }));
        var paper = Plans(200);
        for (int i = 0; i < paper.Length; i++)
            Assert.Equal((paper[i].CropX, paper[i].CropY, paper[i].BluntSigma, paper[i].MultiTip!.Copies.Length),
                         (explicitZero[i].CropX, explicitZero[i].CropY, explicitZero[i].BluntSigma, explicitZero[i].MultiTip!.Copies.Length));
        Assert.Throws<ArgumentException>(() => new DegradationPipeline(DegradationSettings.Paper() with { CleanProbability = 1.5 }));
    }

    [Fact]
    public void MisalignmentShiftsAreRoundedNormalsWithSigma08()
    {
        var rng = new Rng(7);
        var shifts = ScanLineMisalignment.Sample(rng, 20000, 0.8);
        // P(round(0.8 Z) = k) = Φ((k + ½)/0.8) − Φ((k − ½)/0.8); bins ≤ −2, −1, 0, 1, ≥ 2.
        var counts = new int[5];
        foreach (int s in shifts) counts[Math.Clamp(s, -2, 2) + 2]++;
        double P(double k) => Stats.NormalCdf((k + 0.5) / 0.8) - Stats.NormalCdf((k - 0.5) / 0.8);
        double tail = Stats.NormalCdf(-1.5 / 0.8);
        Stats.AssertCategorical(counts, [tail, P(-1), P(0), P(1), tail], "line shifts");
    }

    [Fact]
    public void BluntAndTipChangeParameters()
    {
        var rng = new Rng(8);
        Stats.AssertUniform(Enumerable.Range(0, 3000).Select(_ => BluntTip.Sample(rng)), 0.3, 0.6, "blunt σ");
        var tc = Enumerable.Range(0, 4000).Select(_ => TipChange.Sample(rng, 128, new ValueRange(0.8, 1.6))).ToArray();
        var lines = new int[8];
        foreach (var t in tc) lines[t.Line / 16]++;
        Stats.AssertCategorical(lines, Enumerable.Repeat(1.0 / 8, 8).ToArray(), "tip-change line");
        Stats.AssertRate(tc.Count(t => t.Offset is not null), tc.Length, 0.5, "tip-change offset present");
        var offsets = tc.Where(t => t.Offset is not null).Select(t => t.Offset!.Value).ToArray();
        Stats.AssertRate(offsets.Count(o => o > 0), offsets.Length, 0.5, "offset sign");
        Stats.AssertUniform(offsets.Select(Math.Abs), 0.05, 0.4, "|Δ|");
        Stats.AssertUniform(tc.Select(t => t.Sigma), 0.8, 1.6, "tip-change σ");
    }

    [Fact]
    public void ScanLineNoiseParameters()
    {
        var rng = new Rng(9);
        var settings = DegradationSettings.Paper();
        var draws = Enumerable.Range(0, 1500).Select(_ => ScanLineNoise.Sample(rng, 128, 128, settings)).ToArray();
        var m = new int[11];
        foreach (var d in draws) m[d.Segments.Length - 25]++;
        Stats.AssertCategorical(m, Enumerable.Repeat(1.0 / 11, 11).ToArray(), "number of lines m");
        Assert.All(draws, d => Assert.Equal(d.Segments.Length, d.Segments.Select(s => s.Line).Distinct().Count()));
        var segs = draws.SelectMany(d => d.Segments).ToArray();
        var lengths = new int[103];
        foreach (var s in segs) lengths[s.Length]++;
        Stats.AssertCategorical(lengths, Enumerable.Repeat(1.0 / 103, 103).ToArray(), "segment length");
        var shapes = new int[3];
        foreach (var s in segs) shapes[(int)s.Shape]++;
        Stats.AssertCategorical(shapes, [0.3, 0.45, 0.25], "segment shape");
        Stats.AssertUniform(segs.Where(s => s.Shape == SegmentShape.Constant).Select(s => s.A), 0, 0.4, "constant offset");
        Stats.AssertUniform(segs.Where(s => s.Shape == SegmentShape.LogNormal).Select(s => s.Mu), 1, 2, "log-normal μ");
        Stats.AssertUniform(segs.Where(s => s.Shape == SegmentShape.LogNormal).Select(s => s.Sigma), 0.5, 1, "log-normal σ");
        Assert.All(segs, s => Assert.InRange(s.Start + s.Length, s.Length, 128));
    }

    [Fact]
    public void SingleTypeModesApplyExactlyTheirType()
    {
        foreach (var mode in Enum.GetValues<DegradationMode>())
        {
            var plans = Plans(50, new DegradationPipeline(DegradationSettings.ForMode(mode)));
            bool full = mode is DegradationMode.All or DegradationMode.Sr2All or DegradationMode.Sr4All;
            Assert.All(plans, p =>
            {
                Assert.Equal(full || mode == DegradationMode.MultiTip, p.MultiTip is not null);
                if (mode == DegradationMode.Misalign) Assert.NotNull(p.LineShifts);
                if (!full && mode != DegradationMode.Misalign) Assert.Null(p.LineShifts);
                if (mode == DegradationMode.Blunt) Assert.NotNull(p.BluntSigma);
                if (!full && mode != DegradationMode.Blunt) Assert.Null(p.BluntSigma);
                if (mode == DegradationMode.TipChange) Assert.NotNull(p.TipChange);
                if (!full && mode != DegradationMode.TipChange) Assert.Null(p.TipChange);
                if (mode == DegradationMode.Lines) Assert.NotNull(p.LineNoise);
                if (!full && mode != DegradationMode.Lines) Assert.Null(p.LineNoise);
                Assert.Equal(mode switch { DegradationMode.Sr2 or DegradationMode.Sr2All => 2, DegradationMode.Sr4 or DegradationMode.Sr4All => 4, _ => 1 }, p.SrFactor);
            });
        }
    }
}
