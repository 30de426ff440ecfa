using StmKernel.Tensors;
using StmKernel.UNet;

namespace StmKernel.Train.Tests;

/// <summary>The smallest U-Net the tests train: [16, 32], 1 layer per block, 8 groups, no attention.</summary>
internal static class TinyModel
{
    public static UNetConfig Config { get; } = new() { BlockOutChannels = [16, 32], LayersPerBlock = 1, NormNumGroups = 8, AddAttention = false };

    public static UNetConfig AutoencoderConfig { get; } = Config with { InChannels = 1 };

    /// <summary>A fixed batch of smooth lattice-like images (clean) and their noisy, blurred versions (condition).</summary>
    public static (Tensor Clean, Tensor Condition) Batch(int batch, int size, int seed)
    {
        var clean = new Tensor(batch, 1, size, size);
        var cond = new Tensor(batch, 1, size, size);
        var r = new Random(seed);
        for (int n = 0; n < batch; n++)
        {
            double fx = 0.5 + r.NextDouble(), fy = 0.5 + r.NextDouble(), phase = r.NextDouble() * 6;
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                {
                    int i = (n * size + y) * size + x;
                    clean.Data[i] = (float)(0.8 * Math.Sin(fx * x + phase) * Math.Cos(fy * y));
                    cond.Data[i] = (float)(0.5 * clean.Data[i] + 0.3 * (r.NextDouble() * 2 - 1));
                }
        }
        return (clean, cond);
    }
}
