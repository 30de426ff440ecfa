using StmKernel.Synthesis.Degradations;
using StmKernel.Tensors;

namespace StmKernel.Synthesis.Pairs;

/// <summary>One sample: the clean target and the degraded input, both crop-size square and in [−1, 1].</summary>
/// <param name="Clean">Ground truth (the rotated, cropped pristine image).</param>
/// <param name="Degraded">The degraded image the model sees.</param>
/// <param name="Split">The split it was drawn from.</param>
/// <param name="Index">Its index within the split's stream.</param>
/// <param name="SourceId">The pristine source image.</param>
/// <param name="Plan">Every sampled degradation parameter.</param>
public sealed record TrainingPair(Plane Clean, Plane Degraded, DataSplit Split, long Index, string SourceId, DegradationPlan Plan)
{
    /// <summary>Stacks pairs into two [N, 1, H, W] tensors (clean, degraded) for a training batch.</summary>
    public static (Tensor Clean, Tensor Degraded) Stack(IReadOnlyList<TrainingPair> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs.Count == 0) throw new ArgumentException("no pairs to stack");
        int w = pairs[0].Clean.Width, h = pairs[0].Clean.Height, n = w * h;
        var clean = new Tensor(pairs.Count, 1, h, w);
        var degraded = new Tensor(pairs.Count, 1, h, w);
        for (int i = 0; i < pairs.Count; i++)
        {
            var p = pairs[i];
            if (p.Clean.Width != w || p.Clean.Height != h || p.Degraded.Width != w || p.Degraded.Height != h)
                throw new ArgumentException($"pair {i} is not {w}×{h}");
            p.Clean.Data.CopyTo(clean.Data, i * n);
            p.Degraded.Data.CopyTo(degraded.Data, i * n);
        }
        return (clean, degraded);
    }
}
