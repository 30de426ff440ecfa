using StmKernel.Imaging;
using StmKernel.Sampling.Pipelines;
using StmKernel.Tensors;
using StmKernel.UNet.Weights;

namespace StmKernel.Sampling.Tests;

public class ScanRestorerTests
{
    // The tiny models record no pixel-size range, so they run at the paper's 0.195 nm/px.
    private const double ModelPixel = 0.195e-9;

    /// <summary>A one-pass "network" that returns its normalised condition: restored = input up to float rounding.</summary>
    private sealed class IdentityDenoiser : IDenoiser
    {
        public int MaxBatch => 8;

        public void Predict(Tensor input, ReadOnlySpan<float> timesteps, Tensor output)
        {
            Assert.Equal(1, input.Dim(1));
            input.Data.AsSpan().CopyTo(output.Data);
        }
    }

    private static StmImage Scan(int width, int height, double pixelX = ModelPixel, double pixelY = ModelPixel, bool sizeKnown = true)
    {
        var data = TestData.Surface(height, width, offset: 3e-9, amplitude: 2e-10).Data;
        return new StmImage(data, width, height)
        {
            PixelSizeX = pixelX, PixelSizeY = pixelY, PhysicalSizeKnown = sizeKnown, OffsetX = 1e-8, OffsetY = -2e-8,
            ZUnit = "m", Channel = "Z", Direction = ScanDirection.Backward, SlowScan = "up", BiasVolts = -2, Setpoint = 5e-11,
            SetpointUnit = "A", SourceFile = "scan.sxm", Metadata = new Dictionary<string, string> { ["Comment"] = "kept" },
        };
    }

    private static ScanRestorer OnePass(ScanRestoreOptions options) => new(TinyModels.Model(null, "tiny-ae"), new IdentityDenoiser(), options);

    private static void AssertClose(float[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], tolerance);
    }

    [Fact]
    public void AnIdentityModelGivesTheInputBackWithTheSourcesMetadata()
    {
        var source = Scan(150, 100);
        var result = OnePass(new ScanRestoreOptions { Check = true, Tool = "test" }).Restore(source);

        AssertClose(source.Data, result.Restored.Data, 2e-15);
        var restored = result.Restored;
        Assert.Equal("Z restored", restored.Channel);
        Assert.Equal((source.Width, source.Height, source.PixelSizeX, source.PixelSizeY), (restored.Width, restored.Height, restored.PixelSizeX, restored.PixelSizeY));
        Assert.Equal((source.OffsetX, source.OffsetY, source.ZUnit, source.Direction, source.SlowScan), (restored.OffsetX, restored.OffsetY, restored.ZUnit, restored.Direction, restored.SlowScan));
        Assert.Equal((source.BiasVolts, source.Setpoint, source.SetpointUnit, source.SourceFile), (restored.BiasVolts, restored.Setpoint, restored.SetpointUnit, restored.SourceFile));
        Assert.Equal("kept", restored.Metadata["Comment"]);
        Assert.Equal("100", restored.Metadata["Scan lines"]);
        Assert.False(restored.Metadata.ContainsKey("Scan lines measured"));
        Assert.StartsWith("test: model tiny-ae, one pass, seed 0, ensemble 1, overlap 32, tiles 2, forwards 2", restored.Metadata["Processing"]);
        Assert.False(source.Metadata.ContainsKey("Processing")); // the source is not touched

        // No ensemble: no uncertainty; --check: a unitless score map on the scan's grid.
        Assert.Null(result.Uncertainty);
        Assert.Empty(result.UncertainRegions);
        var invented = Assert.IsType<StmImage>(result.Invented);
        Assert.Equal(("Z invented", "", 150, 100), (invented.Channel, invented.ZUnit, invented.Width, invented.Height));
        Assert.All(invented.Data, v => Assert.InRange(v, 0f, 1f));
        Assert.Equal([restored, invented], result.Channels);
        Assert.Equal(invented.Data.Count(v => v > InventedMap.FlagThreshold) / 15000.0, result.InventedFraction);
        Assert.Equal(2, result.Result.NetworkEvaluations);
    }

    [Fact]
    public void ThePipelineAddsNothingToTheTiledRestoreAtTheModelsScale()
    {
        // A sampled model with the identity oracle: the restored channel is bit for bit the tiled restore
        // of the same tensor, and an ensemble's spread lands in the uncertainty channel in the source's unit.
        var settings = TestData.Fm(OdeSolver.Rk2);
        var model = TinyModels.Model(settings, "tiny-fm");
        var options = new RestoreOptions { EnsembleSize = 2, Seed = 5 };
        var source = Scan(140, 150);
        var result = new ScanRestorer(model, new PointMassOracle(settings), new ScanRestoreOptions { Restore = options }).Restore(source);
        var direct = new TiledRestorer(new PointMassOracle(settings), settings).Restore(new Tensor((float[])source.Data.Clone(), 150, 140), options);

        Assert.Equal(direct.Image.Data, result.Restored.Data);
        var uncertainty = Assert.IsType<StmImage>(result.Uncertainty);
        Assert.Equal(direct.StdDev!.Data, uncertainty.Data);
        Assert.Equal(("Z uncertainty (ensemble std)", "m"), (uncertainty.Channel, uncertainty.ZUnit));
        Assert.Null(result.Invented);
        Assert.Equal(direct.NetworkEvaluations, result.Result.NetworkEvaluations);
        Assert.Contains("2 steps, seed 5, ensemble 2", result.Restored.Metadata["Processing"]);
    }

    [Fact]
    public void UpscalingRepeatsEveryLineAndHalvesThePixelHeight()
    {
        // Lines twice the model's pixel apart: after ×2 line upsampling the scan is at the model's scale,
        // so the identity model returns the nearest-upsampled input.
        var source = Scan(130, 70, pixelY: 2 * ModelPixel);
        var result = OnePass(new ScanRestoreOptions { Factor = 2 }).Restore(source);

        var restored = result.Restored;
        Assert.Equal((130, 140), (restored.Width, restored.Height));
        var expected = new float[130 * 140];
        for (int y = 0; y < 140; y++) source.Data.AsSpan(y / 2 * 130, 130).CopyTo(expected.AsSpan(y * 130, 130));
        AssertClose(expected, restored.Data, 2e-15);
        Assert.Equal(source.RealHeight, restored.RealHeight, 1e-20);
        Assert.Equal(source.PixelSizeX, restored.PixelSizeX);
        Assert.Equal(("140", "70"), (restored.Metadata["Scan lines"], restored.Metadata["Scan lines measured"]));
        Assert.StartsWith("stmkernel restore x2: ", restored.Metadata["Processing"]);
        Assert.Equal(expected, result.Scan.Input.Data); // the input on the output's grid, for side-by-side figures
    }

    [Fact]
    public void AScanWithoutAPhysicalSizeRunsAtTheModelsScaleUnlessOneIsStated()
    {
        var bare = Scan(90, 80, pixelX: 1, pixelY: 1, sizeKnown: false);
        var assumed = OnePass(new ScanRestoreOptions()).Prepare(bare);
        Assert.True(assumed.PixelSizeAssumed);
        Assert.Equal("unknown: used as it is", assumed.ScaleText);
        Assert.Null(assumed.Lattice);
        Assert.Equal((80, 90), (assumed.ModelInput.Dim(0), assumed.ModelInput.Dim(1)));

        // A stated 0.39 nm/px is twice the model's: resampled to half the pixels, and the result records the size.
        var restorer = OnePass(new ScanRestoreOptions { PixelSize = 2 * ModelPixel });
        var stated = restorer.Prepare(bare);
        Assert.False(stated.PixelSizeAssumed);
        Assert.Equal((160, 180), (stated.ModelInput.Dim(0), stated.ModelInput.Dim(1)));
        Assert.Equal(2 * 2, stated.WorkItems); // 160 and 180 px both need two 128-px tiles
        var restored = restorer.Restore(stated).Restored;
        Assert.True(restored.PhysicalSizeKnown);
        Assert.Equal((2 * ModelPixel, 2 * ModelPixel), (restored.PixelSizeX, restored.PixelSizeY));
        Assert.Equal((90, 80), (restored.Width, restored.Height));
    }

    [Fact]
    public void ARefusedScanIsNotRestored()
    {
        var restorer = OnePass(new ScanRestoreOptions());
        var scan = restorer.Prepare(Scan(64, 64));
        var refused = new PreparedScan
        {
            Source = scan.Source, Input = scan.Input, ModelInput = scan.ModelInput, Scale = scan.Scale, PixelSizeAssumed = false,
            Refusal = "not this surface", WorkItems = scan.WorkItems,
        };
        var e = Assert.Throws<InvalidDataException>(() => restorer.Restore(refused));
        Assert.Equal("not this surface", e.Message);
    }

    [Fact]
    public void OptionsNoRunCanUseAreRefused()
    {
        Assert.Throws<ArgumentException>(() => OnePass(new ScanRestoreOptions { Factor = 3 }));
        Assert.Throws<ArgumentException>(() => OnePass(new ScanRestoreOptions { PixelSize = -1 }));
        Assert.Throws<ArgumentException>(() => OnePass(new ScanRestoreOptions { Restore = new RestoreOptions { Overlap = 200 } }));
        // A one-pass model has no ensemble.
        var restorer = OnePass(new ScanRestoreOptions { Restore = new RestoreOptions { EnsembleSize = 2 } });
        Assert.Throws<ArgumentException>(() => restorer.Restore(Scan(64, 64)));
    }
}
