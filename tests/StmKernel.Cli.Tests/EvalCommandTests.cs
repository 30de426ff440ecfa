using System.Globalization;
using System.Xml.Linq;
using StmKernel.Imaging.Metrics;
using StmKernel.Synthesis.Degradations;
using StmKernel.Synthesis.Pairs;
using StmKernel.UNet.Weights;

namespace StmKernel.Cli.Tests;

public class EvalCommandTests
{
    [Fact]
    public void WritesTheTableAndViolinPlotsForEveryTestSet()
    {
        string dir = TestData.TempDir();
        string model = TestData.TinyModel(dir, "tiny-fm", "restore", SamplerSettings.FlowMatching);
        string sets = Path.Combine(dir, "sets");
        foreach (var mode in new[] { DegradationMode.Lines, DegradationMode.Blunt })
        {
            var pairs = new PairSource(new ProceduralSource(ProceduralSource.DefaultParameters, 11), DegradationSettings.ForMode(mode), 11);
            TestSetWriter.Write(Path.Combine(sets, DegradationModeNames.Name(mode)), pairs, DataSplit.Test, 3, DegradationModeNames.Name(mode));
        }
        string report = Path.Combine(dir, "report");

        Assert.Equal(0, TestData.Run("eval", "--test-set", sets, "--models", model, "--steps", "1,2", "-o", report, "--threads", "2"));

        string table = File.ReadAllText(Path.Combine(report, "eval.md"));
        Assert.Contains("| method | steps | blunt PSNR (dB) | blunt SSIM | lines PSNR (dB) | lines SSIM |", table);
        Assert.Contains("| classical | – |", table);
        Assert.Contains("| tiny-fm | 1 |", table);
        Assert.Contains("| tiny-fm | 2 |", table);

        // The degraded-input row, recomputed independently from the stacks.
        var lines = TestSet.Load(Path.Combine(sets, "lines"));
        int plane = 128 * 128;
        double psnr = 0, ssim = 0;
        for (int i = 0; i < 3; i++)
        {
            var clean = lines.Clean.Data.AsSpan(i * plane, plane);
            var degraded = lines.Degraded.Data.AsSpan(i * plane, plane);
            psnr += Psnr.Compute(clean, degraded, 2) / 3;
            ssim += Ssim.Compute(clean, degraded, 128, 128, 2) / 3;
        }
        string row = table.Split('\n').Single(l => l.StartsWith("| degraded input", StringComparison.Ordinal));
        Assert.EndsWith(string.Create(CultureInfo.InvariantCulture, $" {psnr:F2} | {ssim:F4} |"), row);

        foreach (var svg in new[] { "psnr.svg", "ssim.svg" })
        {
            var doc = XDocument.Load(Path.Combine(report, svg));
            XNamespace ns = "http://www.w3.org/2000/svg";
            Assert.Equal(ns + "svg", doc.Root!.Name);
            // Two panels × four methods, one violin outline each.
            Assert.Equal(8, doc.Descendants(ns + "path").Count());
        }

        // An existing report is kept without --force.
        Assert.Equal(2, TestData.Run("eval", "--test-set", sets, "--models", model, "-o", report));
    }

    [Fact]
    public void AnUndegradedSetShowsInfinitePsnrForItsInput()
    {
        string dir = TestData.TempDir();
        string model = TestData.TinyModel(dir, "tiny-fm", "restore", SamplerSettings.FlowMatching);
        string sets = Path.Combine(dir, "sets");
        var pairs = new PairSource(new ProceduralSource(ProceduralSource.DefaultParameters, 12), DegradationSettings.ForMode(DegradationMode.Clean), 12);
        TestSetWriter.Write(Path.Combine(sets, "clean"), pairs, DataSplit.Test, 2, "clean");
        string report = Path.Combine(dir, "report");

        Assert.Equal(0, TestData.Run("eval", "--test-set", sets, "--models", model, "--steps", "1", "-o", report, "--threads", "2"));

        string table = File.ReadAllText(Path.Combine(report, "eval.md"));
        Assert.Contains("| degraded input | – | ∞ | 1.0000 |", table);
        string modelRow = table.Split('\n').Single(l => l.StartsWith("| tiny-fm | 1 |", StringComparison.Ordinal));
        Assert.DoesNotContain("∞", modelRow); // a random tiny model does not reproduce the clean image
        Assert.DoesNotContain("NaN", table);
    }
}
