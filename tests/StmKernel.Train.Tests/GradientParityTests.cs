using StmKernel.Imaging;
using StmKernel.Tensors;
using StmKernel.Tensors.Threading;
using StmKernel.Train.Graph;
using StmKernel.UNet;
using StmKernel.UNet.Weights;
using Xunit.Abstractions;

namespace StmKernel.Train.Tests;

/// <summary>
/// Whole-model gradients against PyTorch (tools/reference/gen_grad_fixtures.py): config [16, 32],
/// 1 layer per block, 8 groups, with and without mid attention, x [2, 2, 16, 24], two timesteps,
/// L = Σ y·r so dL/dy = r; torch computed the gradients in float64 from the same F16-rounded
/// weights. Bar: for every parameter tensor, max |ours − torch| ≤ 1e-3 × max |torch|, where the
/// scale is floored at 1e-4 × the largest gradient of the model: to_k.bias has an exactly zero true
/// gradient (softmax ignores a constant added to every key score), so torch's 1e-16 is rounding.
/// </summary>
public class GradientParityTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("attention", 1)]
    [InlineData("plain", 2)]
    public void MatchesPyTorchGradients(string fixture, int threads)
    {
        string dir = RepoPaths.Fixture("grad", fixture);
        var config = DiffusersConfig.Load(Path.Combine(dir, "config.json"));
        var full = WeightSet.Load(RepoPaths.Fixture("grad", "model.safetensors"));
        var keys = ParameterList.For(config).Select(s => s.Key).ToHashSet();
        var values = full.Tensors.Where(kv => keys.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value.Data);
        var expected = SafetensorsReader.Read(Path.Combine(dir, "grads.safetensors")).Tensors;
        var (x, xShape) = NpyFile.Read(Path.Combine(dir, "x.npy"));
        var (t, _) = NpyFile.Read(Path.Combine(dir, "t.npy"));
        var (r, rShape) = NpyFile.Read(Path.Combine(dir, "r.npy"));

        var parameters = new ParameterSet(config, values);
        var graph = new TrainingNetwork(parameters);
        using var pool = new WorkerPool(threads);
        var y = new Tensor(rShape);
        graph.Forward(new Tensor(x, xShape), t, y, pool);
        graph.Backward(new Tensor(r, rShape), pool);

        double floor = 1e-4 * expected.Values.Max(w => w.Data.Max(MathF.Abs));
        double worst = 0;
        string worstKey = "";
        Assert.Equal(expected.Count, parameters.Specs.Count);
        for (int i = 0; i < parameters.Specs.Count; i++)
        {
            string key = parameters.Specs[i].Key;
            var want = expected[key].Data;
            var got = parameters.Gradients[i];
            double scale = want.Max(MathF.Abs), err = 0;
            for (int j = 0; j < want.Length; j++) err = Math.Max(err, Math.Abs(got[j] - want[j]));
            double rel = err / Math.Max(scale, floor);
            if (rel > worst) { worst = rel; worstKey = key; }
            Assert.True(rel <= 1e-3, $"{fixture}: gradient of {key} off by {rel:E3} relative (max |torch| {scale:E3})");
        }
        output.WriteLine($"{fixture} threads={threads}: worst relative gradient error {worst:E3} ({worstKey}) over {parameters.Specs.Count} tensors");

        // A second pass of the same plan must give the same gradients (buffers recycled between passes).
        var first = parameters.Gradients.Select(g => (float[])g.Clone()).ToArray();
        graph.Forward(new Tensor(x, xShape), t, y, pool);
        graph.Backward(new Tensor(r, rShape), pool);
        for (int i = 0; i < first.Length; i++) Assert.Equal(first[i], parameters.Gradients[i]);
    }
}
