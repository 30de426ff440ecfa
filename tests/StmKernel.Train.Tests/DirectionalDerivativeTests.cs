using StmKernel.Tensors;
using StmKernel.Tensors.Threading;
using StmKernel.Train.Graph;
using StmKernel.UNet;
using Xunit.Abstractions;
using StmKernel.UNet.Networks;

namespace StmKernel.Train.Tests;

/// <summary>
/// Structures the PyTorch fixtures do not cover (3 levels, 2 layers per block, skips from the
/// downsamplers, attention at the bottom): the gradient's dot product with a random direction d
/// over all parameters must match the central difference (L(θ + εd) − L(θ − εd)) / 2ε of the
/// float forward. Bar: 1 % of |∇L·d| (float rounding of L limits the difference; measured 1e-3 to 2e-3).
/// </summary>
public class DirectionalDerivativeTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(false, 16, 8, 12)]
    [InlineData(true, 16, 8, 12)]
    // 64-channel levels: forwards and input gradients run as Winograd F(2×2) at 8×16 and F(4×4) in the
    // 80-channel up-block convolutions at 16×32, so the whole-model gradient covers those kernels too.
    [InlineData(false, 64, 16, 32)]
    public void GradientMatchesDirectionalDifference(bool attention, int wide, int height, int width)
    {
        var config = new UNetConfig { BlockOutChannels = [16, wide, wide == 16 ? 32 : wide], LayersPerBlock = 2, NormNumGroups = 8, AddAttention = attention };
        var values = RandomParameters.For(config, 9);
        var parameters = new ParameterSet(config, values);
        var graph = new TrainingNetwork(parameters);
        var r = new Random(3);
        var x = new Tensor(2, 2, height, width);
        var weight = new Tensor(2, 1, height, width);
        for (int i = 0; i < x.Length; i++) x.Data[i] = (float)(r.NextDouble() * 2 - 1);
        for (int i = 0; i < weight.Length; i++) weight.Data[i] = (float)(r.NextDouble() * 2 - 1);
        float[] t = [20f, 640f];
        var y = new Tensor(2, 1, height, width);
        graph.Forward(x, t, y, WorkerPool.Inline);
        graph.Backward(weight, WorkerPool.Inline);

        var direction = parameters.Values.Select(v => v.Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray()).ToArray();
        double analytic = 0;
        for (int i = 0; i < direction.Length; i++)
            for (int j = 0; j < direction[i].Length; j++) analytic += (double)direction[i][j] * parameters.Gradients[i][j];

        var model = new NetworkModel(config, values);
        double Loss(double eps)
        {
            var shifted = parameters.Specs.Select((s, i) => (s.Key, parameters.Values[i].Select((v, j) => (float)(v + eps * direction[i][j])).ToArray()))
                .ToDictionary(p => p.Key, p => p.Item2);
            var yy = new NetworkModel(config, shifted).Forward(x, t, WorkerPool.Inline);
            double s = 0;
            for (int i = 0; i < yy.Length; i++) s += (double)yy.Data[i] * weight.Data[i];
            return s;
        }
        // Small groups at the 2×3 bottom make L strongly curved: ε ≥ 1e-3 is already outside the linear
        // range (the difference drifts by several %), 1e-4 is inside it and above float noise.
        const double epsilon = 1e-4;
        double numeric = (Loss(epsilon) - Loss(-epsilon)) / (2 * epsilon);
        double rel = Math.Abs(numeric - analytic) / Math.Abs(analytic);
        output.WriteLine($"attention={attention}: ∇L·d = {analytic:F5}, difference {numeric:F5}, relative {rel:E2}");
        Assert.True(rel < 1e-2, $"∇L·d = {analytic}, central difference {numeric} (relative {rel:E2})");
    }
}
