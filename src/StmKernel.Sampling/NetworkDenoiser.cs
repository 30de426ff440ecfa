using StmKernel.Tensors;
using StmKernel.Tensors.Threading;
using StmKernel.UNet.Networks;

namespace StmKernel.Sampling;

/// <summary>
/// A network of any family as the samplers see it: <see cref="IDenoiser.Predict"/> is one <see cref="INetwork.Forward"/>
/// on the given worker pool. The timesteps the samplers pass are already the network's input (sampler time × time
/// scale), so they go in unchanged. Samples of a batch are independent in the network (GroupNorm normalises per
/// sample), so batching does not change results.
/// </summary>
public sealed class NetworkDenoiser : IDenoiser
{
    private readonly INetwork _model;
    private readonly WorkerPool _pool;

    /// <summary>Wraps <paramref name="model"/>, running on <paramref name="pool"/> (not owned) with batches of at most <paramref name="maxBatch"/>.</summary>
    public NetworkDenoiser(INetwork model, WorkerPool pool, int maxBatch = 16)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _pool = pool ?? throw new ArgumentNullException(nameof(pool));
        if (maxBatch < 1) throw new ArgumentOutOfRangeException(nameof(maxBatch), maxBatch, "must be ≥ 1");
        MaxBatch = maxBatch;
    }

    /// <inheritdoc/>
    public int MaxBatch { get; }

    /// <inheritdoc/>
    public void Predict(Tensor input, ReadOnlySpan<float> timesteps, Tensor output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        if (input.Rank != 4 || input.Dim(1) != _model.Config.InChannels)
            throw new ArgumentException($"input {input.ShapeText} does not have the model's {_model.Config.InChannels} input channel(s)", nameof(input));
        if (input.Dim(0) > MaxBatch) throw new ArgumentException($"batch {input.Dim(0)} exceeds MaxBatch {MaxBatch}", nameof(input));
        _model.Forward(input, timesteps, output, _pool);
    }
}
