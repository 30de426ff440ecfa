using StmKernel.Imaging;
using StmKernel.UNet.Weights;

namespace StmKernel.Cli.Tests;

public class UpscaleCommandTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void MultipliesTheLineCountAndKeepsThePhysicalSize(int factor)
    {
        string dir = TestData.TempDir();
        string model = TestData.TinyModel(dir, "tiny-sr", task: null, SamplerSettings.FlowMatching with { Solver = OdeSolver.Euler, DefaultSteps = 1 });
        string input = TestData.GwyInput(dir, "sparse.gwy", 96, 40, pixel: 3e-10);
        string output = Path.Combine(dir, "up.gwy");

        Assert.Equal(0, TestData.Run("upscale", input, "--factor", factor.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", output, "--model", model));

        var source = StmFile.Read(input).Channels[0];
        var written = StmFile.Read(output);
        var up = written.Channels[0];
        Assert.Equal(96, up.Width);
        Assert.Equal(40 * factor, up.Height);
        Assert.Equal(source.RealWidth, up.RealWidth, 1e-18);
        Assert.Equal(source.RealHeight, up.RealHeight, 1e-18);
        Assert.Equal(source.PixelSizeY / factor, up.PixelSizeY, 1e-22);
        Assert.Equal("m", up.ZUnit);
        Assert.Equal(40, written.Channels[1].Height); // the measured channel is kept as it was
        Assert.True(File.Exists(Path.Combine(dir, "up.png")));
    }
}
