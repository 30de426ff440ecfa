using System.Reflection;
using StmKernel.Cli.Commands;
using StmKernel.Imaging;
using StmKernel.UNet.Weights;

namespace StmKernel.Cli.Tests;

/// <summary>Tests that read what a command prints: Console is process-wide, so they never run beside another test.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "console output";
}

/// <summary>Physical pixel size end to end: --pixel-size, the warning without one, resampling and back, the lattice check, convert-weights' fields.</summary>
[Collection(ConsoleCollection.Name)]
public class PhysicalScaleTests
{
    // LengthOption is internal to the CLI (no InternalsVisibleTo for this project): reached by reflection.
    private static readonly MethodInfo LengthParse =
        typeof(CommandRunner).Assembly.GetType("StmKernel.Cli.LengthOption", throwOnError: true)!.GetMethod("Parse", BindingFlags.Public | BindingFlags.Static)!;

    private static double ParseLength(string text, string option)
    {
        try { return (double)LengthParse.Invoke(null, [text, option])!; }
        catch (TargetInvocationException e) when (e.InnerException is not null) { throw e.InnerException; }
    }

    [Theory]
    [InlineData("0.195nm", 0.195e-9)]
    [InlineData("78 pm", 78e-12)]
    [InlineData("1.95Å", 1.95e-10)]
    [InlineData("1.95A", 1.95e-10)]
    [InlineData("2e-10m", 2e-10)]
    [InlineData(" 0.5 nm ", 0.5e-9)]
    [InlineData("0.002um", 2e-9)]
    [InlineData("0.002µm", 2e-9)]
    public void LengthsWithUnitsAreMetres(string text, double metres) =>
        Assert.Equal(metres, ParseLength(text, "pixel-size"), metres * 1e-12);

    [Theory]
    [InlineData("0.2")]    // no unit
    [InlineData("-1nm")]   // not positive
    [InlineData("0nm")]
    [InlineData("abc")]
    [InlineData("nm")]
    [InlineData("1.5 furlong")]
    [InlineData("NaNnm")]
    [InlineData("Infinitym")]
    [InlineData("2mm")]    // "2m" then "m": not a number
    public void BadLengthsAreRefusedNamingTheOption(string text)
    {
        var e = Assert.Throws<CliException>(() => ParseLength(text, "pixel-size"));
        Assert.Contains("--pixel-size", e.Message);
        Assert.Contains($"'{text}'", e.Message);
    }

    private static (int Code, string Out, string Err) Run(params string[] args) => TestData.Capture(() => TestData.Run(args));

    private static (int Code, string Out, string Err) ConvertWeights(params string[] args) =>
        TestData.Capture(() => CommandRunner.Run(["convert-weights", .. args], [new ConvertWeightsCommand()], Console.Out, Console.Error));

    /// <summary>The tiny FM model of <see cref="TestData.TinyModel"/> with physical metadata added.</summary>
    private static string TinyModel(string dir, string name, (double, double)? pixelRange = null, double[]? lattice = null)
    {
        string plain = TestData.TinyModel(dir, name + "-plain", "restore", SamplerSettings.FlowMatching with { DefaultSteps = 1 });
        var set = WeightSet.Load(plain);
        set.Metadata.PixelSizeRange = pixelRange;
        set.Metadata.LatticePeriods = lattice;
        string path = Path.Combine(dir, name + ".stmw");
        set.SaveStmw(path);
        return path;
    }

    private static double Gaussian(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    /// <summary>A .gwy of plane waves (period m, wave-vector angle °, amplitude) plus noise, at <paramref name="pixel"/> m/px, heights ~1e-10 m.</summary>
    private static string LatticeGwy(string dir, string name, int w, int h, double pixel, params (double Period, double AngleDeg, double Amplitude)[] waves)
    {
        var r = new Random(w * h);
        var data = new float[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                double z = 0.2 * Gaussian(r);
                foreach (var (p, a, amp) in waves)
                {
                    double t = a * Math.PI / 180;
                    z += amp * Math.Cos(2 * Math.PI * (x * Math.Cos(t) + y * Math.Sin(t)) * pixel / p);
                }
                data[y * w + x] = (float)(1e-10 * z);
            }
        string path = Path.Combine(dir, name);
        StmFile.WriteGwy(path, [new StmImage(data, w, h) { PixelSizeX = pixel, PixelSizeY = pixel, ZUnit = "m", Channel = "Z" }]);
        return path;
    }

    [Fact]
    public void ABadPixelSizeOptionIsAUsageError()
    {
        string dir = TestData.TempDir();
        string model = TestData.TinyModel(dir, "tiny-fm", "restore", SamplerSettings.FlowMatching);
        string input = TestData.GwyInput(dir, "in.gwy", 40, 40);
        var (code, _, err) = Run("restore", input, "-o", Path.Combine(dir, "o.gwy"), "--model", model, "--pixel-size", "0.2");
        Assert.Equal(2, code);
        Assert.Contains("--pixel-size", err);
        Assert.Contains("'0.2'", err);
        Assert.False(File.Exists(Path.Combine(dir, "o.gwy")));
    }

    [Fact]
    public void AFileWithoutAPhysicalSizeIsRestoredAsItIsWithAWarning()
    {
        string dir = TestData.TempDir();
        string model = TinyModel(dir, "m", lattice: [0.768e-9, 0.384e-9]);
        string input = Path.Combine(dir, "bare.npy");
        var data = new float[41 * 39];
        for (int i = 0; i < data.Length; i++) data[i] = (float)Math.Sin(0.3 * i);
        NpyFile.Write(input, data, 39, 41);
        string output = Path.Combine(dir, "bare.gwy");

        var (code, stdout, err) = Run("restore", input, "-o", output, "--model", model, "--threads", "1");
        Assert.Equal(0, code);
        Assert.Contains("no physical size", err);
        Assert.Contains("--pixel-size", err);
        Assert.Contains("pixel size unknown: used as it is", stdout);
        Assert.DoesNotContain("lattice:", stdout); // no lattice check without a scale
        var restored = StmFile.Read(output).Channels[0];
        Assert.Equal((41, 39), (restored.Width, restored.Height));
    }

    [Fact]
    public void PixelSizeOptionIsHonouredAndSilencesTheWarning()
    {
        string dir = TestData.TempDir();
        string model = TestData.TinyModel(dir, "tiny-fm", "restore", SamplerSettings.FlowMatching with { DefaultSteps = 1 });
        string input = Path.Combine(dir, "bare.npy");
        var data = new float[40 * 40];
        for (int i = 0; i < data.Length; i++) data[i] = (float)Math.Cos(0.21 * i);
        NpyFile.Write(input, data, 40, 40);
        string output = Path.Combine(dir, "bare.gwy");

        var (code, stdout, err) = Run("restore", input, "-o", output, "--model", model, "--pixel-size", "4Å", "--threads", "1");
        Assert.Equal(0, code);
        Assert.DoesNotContain("no physical size", err);
        // A model without "pixel_size_m" runs at the paper's 0.195 nm: 40 · 0.4 / 0.195 = 82.05 → 82 px.
        Assert.Contains("0.4 nm/px → 0.195 nm/px (40×40 → 82×82 px)", stdout);
        var restored = StmFile.Read(output).Channels[0];
        Assert.Equal((40, 40), (restored.Width, restored.Height));
        // The stated size becomes the result's physical size (the .npy had none): 40 px × 0.4 nm = 16 nm.
        Assert.True(restored.PhysicalSizeKnown);
        Assert.Equal(16e-9, restored.RealWidth, 1e-15);
        Assert.Equal(16e-9, restored.RealHeight, 1e-15);
    }

    [Fact]
    public void AnUpscaleIsResampledAsMeasuredAndKeepsEveryFactorthLineStructure()
    {
        string dir = TestData.TempDir();
        string plain = TinyModel(dir, "m", pixelRange: (0.15e-9, 0.15e-9));
        var set = WeightSet.Load(plain);
        set.Metadata.Task = "sr2";
        string model = Path.Combine(dir, "sr2.stmw");
        set.SaveStmw(model);
        // 45 px of 0.1 nm, 20 measured lines 0.2 nm apart (a ×2 sparse scan of a square 4.5 × 4 nm field).
        string input = TestData.GwyInput(dir, "in.gwy", 45, 20, pixel: 0.1e-9);
        var source = StmFile.Read(input).Channels[0];
        Assert.Equal(0.1e-9, source.PixelSizeY, 1e-20); // GwyInput makes square pixels: give the lines their spacing
        string output = Path.Combine(dir, "out.gwy");

        var (code, stdout, _) = Run("upscale", input, "--factor", "2", "-o", output, "--model", model, "--pixel-size", "0.1nm", "--threads", "1");
        Assert.Equal(0, code);
        // Measured lines resampled to 2 × 0.15 nm apart before the repeat: 20 · 0.2 / 0.3 = 13.3 → 13, then 26 lines;
        // 45 · 0.1 / 0.15 = 30 columns. Resampling the repeated 40 lines instead would give 27 (odd: the pairs would be mixed).
        Assert.Contains("(45×40 → 30×26 px)", stdout);
        var restored = StmFile.Read(output).Channels[0];
        Assert.Equal((45, 40), (restored.Width, restored.Height));
    }

    [Fact]
    public void AResampledRestoreKeepsThePixelCountAndPhysicalSize()
    {
        string dir = TestData.TempDir();
        string model = TinyModel(dir, "m", pixelRange: (0.15e-9, 0.25e-9));
        string input = TestData.GwyInput(dir, "in.gwy", 45, 39, pixel: 0.1e-9);
        string output = Path.Combine(dir, "out.gwy");

        var (code, stdout, _) = Run("restore", input, "-o", output, "--model", model, "--threads", "1");
        Assert.Equal(0, code);
        // 0.1 nm is below the range: clamped to 0.15 nm, 45 · 0.1 / 0.15 = 30, 39 · 0.1 / 0.15 = 26 px.
        Assert.Contains("0.1 nm/px → 0.15 nm/px (45×39 → 30×26 px)", stdout);
        var source = StmFile.Read(input).Channels[0];
        var written = StmFile.Read(output);
        var restored = written.Channels[0];
        Assert.Equal((source.Width, source.Height), (restored.Width, restored.Height));
        Assert.Equal(45 * 0.1e-9, restored.RealWidth, 1e-15);
        Assert.Equal(39 * 0.1e-9, restored.RealHeight, 1e-15);
        Assert.Equal(source.PixelSizeX, restored.PixelSizeX, 1e-20);
        Assert.Equal(source.PixelSizeY, restored.PixelSizeY, 1e-20);
        Assert.True(restored.PhysicalSizeKnown);
        Assert.All(restored.Data, v => Assert.True(float.IsFinite(v)));
        // The processing line travels in the .gwy metadata (Gwyddion's metadata browser).
        Assert.Contains("pixel size 0.1 nm/px → 0.15 nm/px", restored.Metadata["Processing"]);
        Assert.Equal(source.Data, written.Channels[1].Data); // the original follows unchanged
    }

    [Fact]
    public void AScanWithinTheModelsRangeIsUsedAsScanned()
    {
        string dir = TestData.TempDir();
        string model = TinyModel(dir, "m", pixelRange: (0.15e-9, 0.25e-9));
        string input = TestData.GwyInput(dir, "in.gwy", 37, 33, pixel: 0.2e-9);
        var (code, stdout, _) = Run("restore", input, "-o", Path.Combine(dir, "o.gwy"), "--model", model, "--threads", "1");
        Assert.Equal(0, code);
        Assert.Contains("pixel size 0.2 nm/px (as scanned)", stdout);
    }

    private static readonly double[] Si001 = [0.768e-9, 0.384e-9];

    /// <summary>Si(111)-7×7-like at 0.078 nm/px: a 0.333 nm hexagonal lattice and a stronger 2.69 nm superstructure.</summary>
    private static string Si111Gwy(string dir, string name) =>
        LatticeGwy(dir, name, 151, 149, 0.078e-9,
            (0.333e-9, 10, 0.4), (0.333e-9, 70, 0.4), (0.333e-9, 130, 0.4),
            (2.69e-9, 10, 1.0), (2.69e-9, 70, 1.0), (2.69e-9, 130, 1.0));

    [Fact]
    public void AScanOfAnotherLatticeIsRefusedUnlessAnySurface()
    {
        string dir = TestData.TempDir();
        string model = TinyModel(dir, "si001", pixelRange: (0.07e-9, 0.25e-9), lattice: Si001);
        string inputs = Path.Combine(dir, "in");
        Directory.CreateDirectory(inputs);
        Si111Gwy(inputs, "si111.gwy");
        string outDir = Path.Combine(dir, "out");

        var (code, stdout, err) = Run("restore", Path.Combine(inputs, "si111.gwy"), "-o", outDir, "--model", model, "--threads", "1");
        Assert.Equal(1, code);
        Assert.Contains("lattice:", stdout);
        Assert.Contains("does not look like the surface the model was trained on", err);
        Assert.Contains("--any-surface", err);
        Assert.Empty(Directory.Exists(outDir) ? Directory.GetFiles(outDir) : []);

        var (code2, stdout2, _) = Run("restore", Path.Combine(inputs, "si111.gwy"), "-o", outDir, "--model", model, "--threads", "1", "--any-surface");
        Assert.Equal(0, code2);
        Assert.Contains("does not look like the surface", stdout2); // still said, but restored
        Assert.True(File.Exists(Path.Combine(outDir, "si111.restored.gwy")));
    }

    [Fact]
    public void AScanOfTheModelsLatticeIsRestored()
    {
        string dir = TestData.TempDir();
        string model = TinyModel(dir, "si001", pixelRange: (0.07e-9, 0.25e-9), lattice: Si001);
        // Si(001)-like at 0.1 nm/px: dimer rows 0.768 nm apart, dimers 0.384 nm along them.
        string input = LatticeGwy(dir, "si001.gwy", 131, 127, 0.1e-9, (0.768e-9, 30, 1.0), (0.384e-9, 120, 0.5));
        string outDir = Path.Combine(dir, "out");
        var (code, stdout, err) = Run("restore", input, "-o", outDir, "--model", model, "--threads", "1");
        Assert.Equal(0, code);
        Assert.Contains("lattice: strongest period", stdout);
        Assert.DoesNotContain("does not look like", stdout + err);
        Assert.True(File.Exists(Path.Combine(outDir, "si001.restored.gwy")));
    }

    [Fact]
    public void AModelWithoutLatticePeriodsChecksNothing()
    {
        string dir = TestData.TempDir();
        string model = TinyModel(dir, "any", pixelRange: (0.07e-9, 0.25e-9));
        string input = Si111Gwy(dir, "si111.gwy");
        var (code, stdout, _) = Run("restore", input, "-o", Path.Combine(dir, "o.gwy"), "--model", model, "--threads", "1");
        Assert.Equal(0, code);
        Assert.DoesNotContain("lattice:", stdout);
    }

    [Fact]
    public void ConvertWeightsRecordsPixelSizesAndLattice()
    {
        string dir = TestData.TempDir();
        string input = TestData.TinyModel(dir, "tiny", "restore", SamplerSettings.FlowMatching);
        string output = Path.Combine(dir, "out.stmw");
        var (code, _, err) = ConvertWeights(input, output, "--pixel-nm", "0.1:0.3", "--lattice-nm", "0.768,0.384");
        Assert.True(code == 0, err);
        var m = WeightSet.Load(output).Metadata;
        var (min, max) = m.PixelSizeRange!.Value;
        Assert.Equal(0.1e-9, min, 1e-21);
        Assert.Equal(0.3e-9, max, 1e-21);
        Assert.Equal(2, m.LatticePeriods!.Length);
        Assert.Equal(0.768e-9, m.LatticePeriods[0], 1e-21);
        Assert.Equal(0.384e-9, m.LatticePeriods[1], 1e-21);
        Assert.Equal("restore", m.Task); // kept

        // One size is a range of one.
        string single = Path.Combine(dir, "single.stmw");
        Assert.Equal(0, ConvertWeights(input, single, "--pixel-nm", "0.195").Code);
        var (a, b) = WeightSet.Load(single).Metadata.PixelSizeRange!.Value;
        Assert.Equal(0.195e-9, a, 1e-21);
        Assert.Equal(0.195e-9, b, 1e-21);
        Assert.Null(WeightSet.Load(single).Metadata.LatticePeriods);
    }

    [Theory]
    [InlineData("--pixel-nm", "0.3:0.1", "--pixel-nm")]
    [InlineData("--pixel-nm", "0.1:0.2:0.3", "--pixel-nm")]
    [InlineData("--pixel-nm", "0:0.2", "--pixel-nm")]
    [InlineData("--pixel-nm", "x", "--pixel-nm")]
    [InlineData("--lattice-nm", "0.768,-0.384", "--lattice-nm")]
    [InlineData("--lattice-nm", "0.768,,0.384", "--lattice-nm")]
    public void ConvertWeightsRefusesBadValues(string option, string value, string named)
    {
        string dir = TestData.TempDir();
        string input = TestData.TinyModel(dir, "tiny", "restore", SamplerSettings.FlowMatching);
        string output = Path.Combine(dir, "out.stmw");
        var (code, _, err) = ConvertWeights(input, output, option, value);
        Assert.Equal(2, code);
        Assert.Contains(named, err);
        Assert.False(File.Exists(output));
    }
}
