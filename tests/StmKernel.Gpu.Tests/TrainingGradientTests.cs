using StmKernel.Tensors;
using StmKernel.Tensors.Backends.Cpu;
using StmKernel.Tensors.Threading;
using StmKernel.Train;
using StmKernel.Train.Graph;
using StmKernel.UNet;
using Xunit.Abstractions;

namespace StmKernel.Gpu.Tests;

/// <summary>One training step of a small U-Net with attention: every parameter gradient on the device against the CPU backend's.</summary>
public class TrainingGradientTests(ITestOutputHelper output)
{
    private static readonly UNetConfig Config = new()
    {
        BlockOutChannels = [8, 16], LayersPerBlock = 1, NormNumGroups = 4, AddAttention = true, AttentionHeadDim = 8,
    };

    [Fact]
    public void GradientsMatchTheCpuBackend()
    {
        var values = RandomParameters.For(Config, 11);
        var x = new Tensor(2, 2, 8, 12);
        var r = new Random(5);
        for (int i = 0; i < x.Length; i++) x.Data[i] = (float)(r.NextDouble() * 2 - 1);
        var dy = new Tensor(2, 1, 8, 12);
        for (int i = 0; i < dy.Length; i++) dy.Data[i] = (float)(r.NextDouble() * 2 - 1);
        float[] t = [40f, 910f];
        using var pool = new WorkerPool(1);

        ParameterSet Step(Tensors.Backends.IComputeBackend backend, out float[] y)
        {
            var parameters = new ParameterSet(Config, values.ToDictionary(kv => kv.Key, kv => (float[])kv.Value.Clone()));
            var network = new TrainingNetwork(parameters, backend);
            var output = new Tensor(2, 1, 8, 12);
            network.Forward(x, t, output, pool);
            network.Backward(dy, pool);
            y = output.Data;
            return parameters;
        }

        var cpu = Step(CpuBackend.Instance, out var yCpu);
        var gpu = Step(TestDevice.Backend, out var yGpu);
        double yScale = yCpu.Max(MathF.Abs), yErr = yCpu.Zip(yGpu, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(yErr <= 1e-4 * yScale, $"training forward: max |Δ| {yErr:E3} exceeds 1e-4 × {yScale:G4}");

        // Relative to each parameter's largest gradient, but never to less than a hundredth of the network's largest
        // (a gradient that is zero in exact arithmetic, as attention's key bias, is then float noise on both sides).
        double floor = 1e-2 * cpu.Gradients.Max(g => g.Max(MathF.Abs));
        var failures = new List<string>();
        double worstRel = 0;
        for (int i = 0; i < cpu.Specs.Count; i++)
        {
            float[] expected = cpu.Gradients[i], actual = gpu.Gradients[i];
            double scale = Math.Max(expected.Max(MathF.Abs), floor);
            int at = 0;
            double worst = 0;
            for (int j = 0; j < expected.Length; j++)
            {
                double err = Math.Abs(expected[j] - actual[j]);
                if (!(err <= worst)) { worst = double.IsNaN(err) ? double.PositiveInfinity : err; at = j; }
            }
            worstRel = Math.Max(worstRel, worst / scale);
            if (!(worst <= 1e-4 * scale))
                failures.Add($"{cpu.Specs[i].Key}[{at}]: cpu {expected[at]:G6}, {TestDevice.Name} {actual[at]:G6} (relative {worst / scale:E2})");
        }
        output.WriteLine($"{cpu.Specs.Count} parameters, worst relative gradient difference {worstRel:E2}");
        Assert.True(failures.Count == 0, "gradients differ from the CPU backend's:\n  " + string.Join("\n  ", failures));
    }
}
