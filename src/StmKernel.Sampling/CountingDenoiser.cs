using StmKernel.Tensors;

namespace StmKernel.Sampling;

/// <summary>
/// Wraps a denoiser and counts its work: <see cref="Evaluations"/> is the number of samples passed
/// through the network (a batch of B counts B: the "forwards=N" the commands print), <see cref="Calls"/>
/// the number of batched calls.
/// </summary>
public sealed class CountingDenoiser(IDenoiser inner) : IDenoiser
{
    private long _evaluations;
    private long _calls;

    /// <summary>The wrapped denoiser.</summary>
    public IDenoiser Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <summary>Samples evaluated so far (sum of batch sizes).</summary>
    public long Evaluations => Interlocked.Read(ref _evaluations);

    /// <summary>Batched calls so far.</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <inheritdoc/>
    public int MaxBatch => Inner.MaxBatch;

    /// <inheritdoc/>
    public void Predict(Tensor input, ReadOnlySpan<float> timesteps, Tensor output)
    {
        Inner.Predict(input, timesteps, output);
        Interlocked.Add(ref _evaluations, input.Dim(0));
        Interlocked.Increment(ref _calls);
    }
}
