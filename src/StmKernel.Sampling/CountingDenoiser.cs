using System.Diagnostics;
using StmKernel.Tensors;

namespace StmKernel.Sampling;

/// <summary>
/// Wraps a denoiser and counts its work: <see cref="Evaluations"/> is the number of samples passed
/// through the network (a batch of B counts B: the "forwards=N" the commands print), <see cref="Calls"/>
/// the number of batched calls, <see cref="NetworkTime"/> the wall time spent inside the wrapped denoiser
/// (a restore's "network" phase).
/// </summary>
public sealed class CountingDenoiser(IDenoiser inner) : IDenoiser
{
    private long _evaluations;
    private long _calls;
    private long _ticks;

    /// <summary>The wrapped denoiser.</summary>
    public IDenoiser Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <summary>Samples evaluated so far (sum of batch sizes).</summary>
    public long Evaluations => Interlocked.Read(ref _evaluations);

    /// <summary>Batched calls so far.</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>Wall time spent in the wrapped denoiser's calls so far.</summary>
    public TimeSpan NetworkTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _ticks));

    /// <inheritdoc/>
    public int MaxBatch => Inner.MaxBatch;

    /// <inheritdoc/>
    public void Predict(Tensor input, ReadOnlySpan<float> timesteps, Tensor output)
    {
        long start = Stopwatch.GetTimestamp();
        Inner.Predict(input, timesteps, output);
        Interlocked.Add(ref _ticks, Stopwatch.GetTimestamp() - start);
        Interlocked.Add(ref _evaluations, input.Dim(0));
        Interlocked.Increment(ref _calls);
    }
}
