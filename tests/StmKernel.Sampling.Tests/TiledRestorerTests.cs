using StmKernel.UNet.Weights;
using StmKernel.Sampling;
using StmKernel.Tensors;

namespace StmKernel.Sampling.Tests;

public class TiledRestorerTests
{
    public static TheoryData<int, int, string> IdentityCases => new()
    {
        { 300, 212, "fm-rk2" },
        { 300, 212, "ddim" },
        { 212, 300, "fm-euler" },
        { 129, 130, "fm-rk2" },
        { 225, 225, "fm-rk2" },   // crowded grid: ramps meet, normalisation by the weight sum matters
        { 64, 40, "ddim" },       // smaller than a tile: mirror-padded
        { 1, 200, "fm-euler" },
        { 512, 512, "fm-rk2" },
    };

    private static SamplerSettings Settings(string name) => name switch
    {
        "ddim" => TestData.Ddim(2),
        "fm-euler" => TestData.Fm(OdeSolver.Euler),
        _ => TestData.Fm(OdeSolver.Rk2),
    };

    [Theory]
    [MemberData(nameof(IdentityCases))]
    public void IdentityModelReproducesTheInput(int h, int w, string sampler)
    {
        // The point-mass oracle on the condition is the identity model: every tile's sample is its own
        // normalised condition, so after mapping back and blending the input must come out unchanged.
        var settings = Settings(sampler);
        var image = TestData.Surface(h, w);
        var result = new TiledRestorer(new PointMassOracle(settings), settings).Restore(image);
        Assert.Equal(image.Shape, result.Image.Shape);
        for (int i = 0; i < image.Length; i++) Assert.Equal(image.Data[i], result.Image.Data[i], 1e-6f);
    }

    [Theory]
    [InlineData("fm-rk2", 1)]
    [InlineData("ddim", 3)]
    public void PhaseTimesAreDisjointAndTheNetworkPhaseHoldsEveryNetworkCall(string sampler, int members)
    {
        // Inequalities between clocks, not a timed test: the network phase must contain every call the network
        // itself timed, and the four phases are disjoint parts of the call, which lies inside the caller's clock.
        var settings = Settings(sampler);
        var network = new SelfTimed(new PointMassOracle(settings, maxBatch: 3));
        long before = System.Diagnostics.Stopwatch.GetTimestamp();
        var result = new TiledRestorer(network, settings).Restore(TestData.Surface(211, 173), new RestoreOptions { EnsembleSize = members });
        var outside = System.Diagnostics.Stopwatch.GetElapsedTime(before);
        var t = result.Timings;
        Assert.True(network.Calls > 0);
        Assert.True(t.Network >= network.Elapsed, $"network phase {t.Network} < the network's own {network.Elapsed}");
        Assert.All(new[] { t.Tiling, t.Sampler, t.Blending }, p => Assert.True(p >= TimeSpan.Zero, $"negative phase {p}"));
        Assert.True(t.Tiling + t.Network + t.Sampler + t.Blending <= t.Total, $"phases {t} exceed the total");
        Assert.True(t.Total <= outside, $"total {t.Total} > the caller's {outside}");
    }

    /// <summary>A denoiser that times its own calls, to check the restorer's network phase against.</summary>
    private sealed class SelfTimed(IDenoiser inner) : IDenoiser
    {
        public TimeSpan Elapsed { get; private set; }
        public int Calls { get; private set; }
        public int MaxBatch => inner.MaxBatch;

        public void Predict(Tensor input, ReadOnlySpan<float> timesteps, Tensor output)
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            inner.Predict(input, timesteps, output);
            Elapsed += System.Diagnostics.Stopwatch.GetElapsedTime(start);
            Calls++;
        }
    }

    [Fact]
    public void PhysicalUnitsSurviveNormalisation()
    {
        // Heights in metres with a large offset: per-tile min/max mapping must return the same units.
        var settings = TestData.Fm(OdeSolver.Rk2);
        var image = TestData.Surface(150, 140, offset: 3e-9, amplitude: 2e-10);
        var result = new TiledRestorer(new PointMassOracle(settings), settings).Restore(image);
        for (int i = 0; i < image.Length; i++) Assert.Equal(image.Data[i], result.Image.Data[i], 2e-15f);
    }

    [Fact]
    public void TilesReachTheNetworkNormalisedToMinusOneOne()
    {
        var settings = TestData.Fm(OdeSolver.Euler);
        var probe = new RangeProbe();
        new TiledRestorer(probe, settings).Restore(TestData.Surface(300, 212, offset: 40, amplitude: 7), new RestoreOptions { Steps = 1 });
        Assert.Equal(6, probe.Tiles);
        Assert.All(probe.Ranges, r => { Assert.Equal(-1f, r.Min, 1e-6f); Assert.Equal(1f, r.Max, 1e-6f); });
    }

    [Fact]
    public void MissingPixelsStayNaNAndDoNotPoisonNeighbours()
    {
        var settings = TestData.Fm(OdeSolver.Rk2);
        int h = 200, w = 170;
        var image = TestData.Surface(h, w);
        for (int y = 60; y < 90; y++)
            for (int x = 100; x < 170; x++) image.Data[y * w + x] = float.NaN;      // block on the right edge
        for (int x = 0; x < w; x++) image.Data[150 * w + x] = float.NaN;          // a lost scan line
        image.Data[5 * w + 5] = float.NaN;
        image.Data[7 * w + 9] = float.PositiveInfinity;
        var result = new TiledRestorer(new PointMassOracle(settings), settings).Restore(image);
        for (int i = 0; i < image.Length; i++)
        {
            if (float.IsFinite(image.Data[i])) Assert.Equal(image.Data[i], result.Image.Data[i], 1e-6f);
            else Assert.True(float.IsNaN(result.Image.Data[i]), $"pixel {i} should be NaN");
        }
    }

    [Fact]
    public void SameSeedIsBitIdenticalAndOtherSeedsDiffer()
    {
        var settings = TestData.Fm(OdeSolver.Rk2);
        var restorer = new TiledRestorer(new GaussianOracle(settings, 0.1, 0.4), settings);
        var image = TestData.Surface(140, 150);
        float[] a = restorer.Restore(image, new RestoreOptions { Seed = 9 }).Image.Data;
        float[] b = restorer.Restore(image, new RestoreOptions { Seed = 9 }).Image.Data;
        float[] c = restorer.Restore(image, new RestoreOptions { Seed = 10 }).Image.Data;
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Theory]
    [InlineData("ddim")]
    [InlineData("fm-rk2")]
    public void BatchSizeDoesNotChangeTheResult(string sampler)
    {
        // A noise-dependent model and an ensemble, so any mix-up of tiles, members or noise would show.
        var settings = Settings(sampler);
        var image = TestData.Surface(300, 212);
        RestoreResult Run(int batch) => new TiledRestorer(new GaussianOracle(settings, 0.1, 0.4), settings)
            .Restore(image, new RestoreOptions { BatchSize = batch, EnsembleSize = 3, Seed = 4 });
        var one = Run(1);
        foreach (int batch in new[] { 3, 8 })
        {
            var other = Run(batch);
            Assert.Equal(one.Image.Data, other.Image.Data);
            Assert.Equal(one.StdDev!.Data, other.StdDev!.Data);
        }
    }

    [Fact]
    public void CountsForwardsAsTheFormulaSaysAndRespectsMaxBatch()
    {
        var settings = TestData.Fm(OdeSolver.Rk2);
        var oracle = new PointMassOracle(settings, maxBatch: 5);
        var restorer = new TiledRestorer(oracle, settings);
        var progress = new List<(int Done, int Total)>();
        var options = new RestoreOptions { BatchSize = 8, Progress = (d, t) => progress.Add((d, t)) };
        var result = restorer.Restore(TestData.Surface(512, 512), options);
        Assert.Equal(25, result.Grid.Count);
        Assert.Equal(100, result.NetworkEvaluations);          // 25 tiles × 2 steps × 2 (RK2)
        Assert.Equal(100, restorer.ForwardCount(512, 512, options));
        Assert.Equal(5 * 4, result.BatchedCalls);               // 25 tiles in batches of 5, 4 calls each
        Assert.Equal(5, oracle.LargestBatch);
        Assert.Equal((25, 25), progress[^1]);
        Assert.Equal(5, progress.Count);

        var ensemble = new RestoreOptions { EnsembleSize = 3, Steps = 5 };
        Assert.Equal(6 * 3 * 10, restorer.ForwardCount(212, 300, ensemble));
        Assert.Equal(6 * 3 * 10, restorer.Restore(TestData.Surface(300, 212), ensemble).NetworkEvaluations);
    }

    [Fact]
    public void IdentityEnsembleHasNoSpreadAndNoWarning()
    {
        var settings = TestData.Fm(OdeSolver.Rk2);
        var result = new TiledRestorer(new PointMassOracle(settings), settings)
            .Restore(TestData.Surface(200, 180), new RestoreOptions { EnsembleSize = 4 });
        Assert.All(result.StdDev!.Data, s => Assert.InRange(s, 0f, 1e-6f));
        Assert.False(result.Uncertainty!.ShouldWarn);
    }

    [Fact]
    public void ModelThatIgnoresTheInputIsFlaggedEverywhere()
    {
        // A model that samples its prior and ignores the condition "hallucinates": every seed draws
        // different structure, so the whole image must be reported as untrustworthy.
        var settings = TestData.Fm(OdeSolver.Rk2, 4);
        var result = new TiledRestorer(new GaussianOracle(settings, 0, 0.5), settings)
            .Restore(TestData.Surface(200, 180), new RestoreOptions { EnsembleSize = 4 });
        Assert.True(result.Uncertainty!.ShouldWarn);
        Assert.True(result.Uncertainty.FlaggedFraction > 0.95, $"flagged {result.Uncertainty.FlaggedFraction}");
    }

    [Fact]
    public void RejectsBadInput()
    {
        var settings = TestData.Fm(OdeSolver.Rk2);
        var restorer = new TiledRestorer(new PointMassOracle(settings), settings);
        Assert.Throws<ArgumentException>(() => restorer.Restore(new Tensor(1, 1, 8, 8)));
        Assert.Throws<ArgumentException>(() => restorer.Restore(new Tensor(new[] { float.NaN, float.NaN }, 1, 2)));
        Assert.Throws<ArgumentException>(() => restorer.Restore(new Tensor(8, 8), new RestoreOptions { Overlap = 128 }));
        Assert.Throws<ArgumentException>(() => restorer.Restore(new Tensor(8, 8), new RestoreOptions { EnsembleSize = 0 }));
    }

    /// <summary>Records the condition range of every tile it sees and returns zero velocity.</summary>
    private sealed class RangeProbe : IDenoiser
    {
        public int MaxBatch => 4;

        public int Tiles { get; private set; }

        public List<(float Min, float Max)> Ranges { get; } = [];

        public void Predict(Tensor input, ReadOnlySpan<float> timesteps, Tensor output)
        {
            int plane = input.Dim(2) * input.Dim(3);
            for (int n = 0; n < input.Dim(0); n++)
            {
                var c = input.Data.AsSpan((2 * n + 1) * plane, plane);
                float min = float.MaxValue, max = float.MinValue;
                foreach (float v in c) { min = Math.Min(min, v); max = Math.Max(max, v); }
                Ranges.Add((min, max));
                Tiles++;
            }
            Array.Clear(output.Data);
        }
    }
}
