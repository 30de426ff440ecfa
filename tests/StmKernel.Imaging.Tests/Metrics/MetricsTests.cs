using System.Text.Json;
using StmKernel.Imaging;
using StmKernel.Imaging.Metrics;

namespace StmKernel.Imaging.Tests.Metrics;

public class MetricsTests
{
    /// <summary>The fixtures folder, found by walking up from the test binaries to the repository root.</summary>
    private static string FixtureDir()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "tests", "StmKernel.Imaging.Tests", "Metrics", "Fixtures");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("tests/StmKernel.Imaging.Tests/Metrics/Fixtures not found above " + AppContext.BaseDirectory);
    }

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(FixtureDir(), "expected.json")));
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    private static (float[] A, float[] B, int W, int H, double Range, double Ssim, double Psnr) Load(string name)
    {
        string dir = FixtureDir();
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "expected.json")));
        var c = doc.RootElement.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        var (a, shape) = NpyFile.Read(Path.Combine(dir, name + "_a.npy"));
        var (b, shapeB) = NpyFile.Read(Path.Combine(dir, name + "_b.npy"));
        Assert.Equal(shape, shapeB);
        return (a, b, shape[1], shape[0], c.GetProperty("data_range").GetDouble(), c.GetProperty("ssim").GetDouble(), c.GetProperty("psnr").GetDouble());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SsimMatchesSkimage(string name)
    {
        var f = Load(name);
        Assert.InRange(Ssim.Compute(f.A, f.B, f.W, f.H, f.Range), f.Ssim - 1e-4, f.Ssim + 1e-4);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PsnrMatchesSkimage(string name)
    {
        var f = Load(name);
        Assert.InRange(Psnr.Compute(f.A, f.B, f.Range), f.Psnr - 1e-6, f.Psnr + 1e-6);
    }

    [Fact]
    public void SsimIsOneForIdenticalImagesAndSymmetric()
    {
        var rng = new Random(3);
        var a = new float[17 * 13];
        var b = new float[a.Length];
        for (int i = 0; i < a.Length; i++) { a[i] = (float)rng.NextDouble(); b[i] = a[i] * 0.8f + 0.05f * (float)rng.NextDouble(); }
        Assert.Equal(1.0, Ssim.Compute(a, a, 17, 13, 1), 12);
        Assert.Equal(Ssim.Compute(a, b, 17, 13, 1), Ssim.Compute(b, a, 17, 13, 1), 12);
        Assert.True(Ssim.Compute(a, b, 17, 13, 1) < 0.99);
    }

    [Fact]
    public void PsnrHandComputed()
    {
        // MSE = (0.1² + 0.3²) / 2 = 0.05; range 2: 10·log10(4 / 0.05) = 19.0309 dB.
        Assert.Equal(10 * Math.Log10(80), Psnr.Compute([0.5f, -0.2f], [0.6f, -0.5f], 2), 5);
        Assert.Equal(double.PositiveInfinity, Psnr.Compute([1f, 2f], [1f, 2f], 1));
    }

    [Fact]
    public void BadInputIsRejected()
    {
        var a = new float[100];
        Assert.Throws<ArgumentException>(() => Ssim.Compute(a, a, 10, 10, 1));      // smaller than 11×11
        Assert.Throws<ArgumentException>(() => Ssim.Compute(a, new float[121], 11, 11, 1));
        Assert.Throws<ArgumentException>(() => Psnr.Compute(a, new float[99], 1));
        Assert.Throws<ArgumentException>(() => Psnr.Compute(a, a, 0));
    }
}
