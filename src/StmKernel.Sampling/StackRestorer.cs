using StmKernel.Tensors;
using StmKernel.UNet.Weights;

namespace StmKernel.Sampling;

/// <summary>
/// Restores a stack of training-sized images that are already in the normalised [−1, 1] units of
/// training (a synthetic test set's degraded.npy), without tiling or re-normalisation: exactly what the
/// model saw in training. Image i starts from noise stream i of the seed, so results do not depend on the
/// batch size.
/// </summary>
public static class StackRestorer
{
    /// <summary>
    /// Runs <paramref name="denoiser"/> with <paramref name="sampler"/> (null: one pass at t = 0) over every
    /// image of <paramref name="conditions"/> [N, C, H, W] (C condition channels; one, the scan, for every shipped model); returns [N, 1, H, W].
    /// </summary>
    public static Tensor Restore(IDenoiser denoiser, SamplerSettings? sampler, Tensor conditions, int steps, ulong seed, int batchSize, Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        ArgumentNullException.ThrowIfNull(conditions);
        if (conditions.Rank != 4)
            throw new ArgumentException($"conditions must be [N, C, H, W], got {conditions.ShapeText}", nameof(conditions));
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "must be ≥ 1");
        var run = sampler is null ? null : Sampler.Create(sampler);
        int n = conditions.Dim(0), c = conditions.Dim(1), h = conditions.Dim(2), w = conditions.Dim(3), plane = h * w;
        int batch = Math.Min(batchSize, denoiser.MaxBatch);
        var result = new Tensor(n, 1, h, w);
        for (int start = 0; start < n; start += batch)
        {
            int b = Math.Min(batch, n - start);
            var cond = new Tensor(conditions.Data.AsSpan(start * c * plane, b * c * plane).ToArray(), b, c, h, w);
            var x = new Tensor(b, 1, h, w);
            if (run is null) denoiser.Predict(cond, new float[b], x);
            else
            {
                for (int k = 0; k < b; k++) new GaussianNoise(seed, (ulong)(start + k)).Fill(x.Data.AsSpan(k * plane, plane));
                run.Sample(denoiser, cond, x, steps);
            }
            x.Data.AsSpan().CopyTo(result.Data.AsSpan(start * plane, b * plane));
            progress?.Invoke(start + b, n);
        }
        return result;
    }
}
