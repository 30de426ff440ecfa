using StmKernel.Imaging;

namespace StmKernel.Cli.Tests;

/// <summary>
/// `--device`: `forward --device ilgpu-cpu` (the GPU kernels on ILGPU's CPU accelerator) writes the CPU's output
/// to 1e-4, and unknown or absent devices are named in the error.
/// </summary>
[Collection(ConsoleCollection.Name)]
public class DeviceOptionTests
{
    [Fact]
    public void ForwardOnIlgpuCpuMatchesTheCpu()
    {
        string dir = TestData.TempDir();
        try
        {
            string model = TestData.TinyModel(dir, "tiny", task: null, sampler: null);
            var r = new Random(9);
            var x = new float[2 * 2 * 8 * 12];
            for (int i = 0; i < x.Length; i++) x[i] = (float)(r.NextDouble() * 2 - 1);
            string input = Path.Combine(dir, "x.npy");
            NpyFile.Write(input, x, 2, 2, 8, 12);
            float[] Forward(string device)
            {
                string output = Path.Combine(dir, device + ".npy");
                var (code, _, err) = TestData.Capture(() => TestData.Run("forward", "--weights", model, "--input", input, "--t", "120,870",
                    "--output", output, "--device", device, "--threads", "1"));
                Assert.True(code == 0, err);
                return NpyFile.Read(output).Data;
            }
            float[] cpu = Forward("cpu"), gpu = Forward("ilgpu-cpu");
            double scale = cpu.Max(MathF.Abs), err = cpu.Zip(gpu, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(err <= 1e-4 * scale, $"max |cpu − ilgpu-cpu| {err:E3} exceeds 1e-4 × {scale:G4}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("metal", "--device must be cpu, cuda, cuda:N or ilgpu-cpu, got 'metal'")]
    [InlineData("cuda:7", "cuda:7")]
    public void UnknownOrAbsentDevicesAreNamed(string device, string message)
    {
        var (code, _, err) = TestData.Capture(() => TestData.Run("forward", "--weights", "none.stmw", "--input", "none.npy", "--t", "1",
            "--output", Path.Combine(Path.GetTempPath(), "none-out.npy"), "--device", device));
        Assert.Equal(2, code);
        Assert.Contains(message, err);
    }
}
